import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { cannotLoadPlugin, noPluginExport } from "./messages.ts";
import type { Plugin } from "./plugin.ts";

/**
 * Imports a plugin module by path (relative to `baseDir`; with or without a leading `./`) or package name
 * (resolved from `baseDir`, so a project's own node_modules wins). The module's default export is the plugin. Returns the plugin or
 * what went wrong, in one line.
 */
export async function loadPlugin(spec: string, baseDir: string): Promise<{ plugin: Plugin } | { problem: string }> {
  let module: { default?: unknown };
  try {
    module = await import(resolveSpecifier(spec, baseDir));
  } catch (error) {
    return { problem: cannotLoadPlugin(spec, error) };
  }
  const plugin = module.default;
  if (typeof plugin !== "object" || plugin === null || typeof (plugin as Plugin).name !== "string") {
    return { problem: noPluginExport(spec) };
  }
  return { plugin: plugin as Plugin };
}

function resolveSpecifier(spec: string, baseDir: string): string {
  // `plugins/acme.ts` is a file when there is one; package names like `@acme/plugin` have no such file.
  if (spec.startsWith(".") || isAbsolute(spec) || existsSync(resolve(baseDir, spec))) {
    return pathToFileURL(resolve(baseDir, spec)).href;
  }
  try {
    return pathToFileURL(createRequire(join(baseDir, "noop.js")).resolve(spec)).href;
  } catch {
    return spec; // not resolvable from the config's folder: let the runtime try its own way
  }
}
