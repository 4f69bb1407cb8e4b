import { dirname } from "node:path";
import { builtinPlugins } from "../../plugins/index.ts";
import type { Config } from "./config.ts";
import { validateConfig } from "./validate.ts";
import { YamlSource } from "./yaml-source.ts";
import { configError, type Problem } from "../plugin-host/errors.ts";
import { buildGraph, type ServiceGraph } from "./graph.ts";
import { cwd, readTextFile } from "../cli/host.ts";
import { loadPlugin } from "../plugin-host/load-plugins.ts";
import { type RegisteredPlugin, Registry } from "../plugin-host/registry.ts";

/** A config checked and resolved, with the plugins it uses and its service graph. */
export interface LoadedConfig {
  readonly file: string;
  readonly config: Config;
  readonly registry: Registry;
  readonly graph: ServiceGraph;
}

/**
 * Reads, parses and validates a config file. `plugins` (from `--plugin`) are resolved from the working
 * directory, the config's own `plugins:` from the config's folder. Throws a DreamweaverError listing
 * every problem found.
 */
export async function loadConfig(file: string, options: { plugins?: readonly string[] } = {}): Promise<LoadedConfig> {
  const parsed = YamlSource.parse(await readTextFile(file, "config file"));
  if (!parsed.source) throw configError(parsed.problems, file);
  const { source } = parsed;

  const registered: RegisteredPlugin[] = builtinPlugins.map((plugin) => ({ plugin, builtin: true }));
  const problems: Problem[] = [];
  for (const spec of options.plugins ?? []) {
    const loaded = await loadPlugin(spec, cwd());
    if ("problem" in loaded) problems.push({ path: "--plugin", message: loaded.problem });
    else registered.push({ plugin: loaded.plugin, builtin: false });
  }
  const configPlugins = (source.data as { plugins?: unknown }).plugins;
  if (Array.isArray(configPlugins)) {
    for (const [i, spec] of configPlugins.entries()) {
      if (typeof spec !== "string") continue; // validation reports it
      const loaded = await loadPlugin(spec, dirname(file));
      if ("problem" in loaded) problems.push(source.problem(["plugins", i], loaded.problem));
      else registered.push({ plugin: loaded.plugin, builtin: false });
    }
  }
  if (problems.length > 0) throw configError(problems, file);

  const registry = new Registry(registered);
  const config = validateConfig(source, registry, file);
  const graph = buildGraph(config.services, config.templates, (kind) => registry.spanKinds.get(kind)!.value);
  return { file, config, registry, graph };
}
