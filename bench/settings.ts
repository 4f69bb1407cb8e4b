// How the benches get their settings: the same settings stage and built-in plugins as the CLI, with
// flags for what a bench varies. Benches run through the programmatic `run()`, never through test helpers.
import { join } from "node:path";
import { builtinPlugins } from "../plugins/index.ts";
import { readTextFile } from "../src/cli/host.ts";
import { resolveSettings, type Settings, type SettingsFlags } from "../src/config/settings.ts";

export const ROOT = join(import.meta.dirname!, "..");

/** The settings of `examples/<example>` with `flags` applied, as `dreamweaver run` would resolve them. */
export function exampleSettings(example: string, flags: SettingsFlags = {}): Promise<Settings> {
  return resolveSettings({
    file: join(ROOT, "examples", example),
    builtins: builtinPlugins,
    readText: readTextFile,
    cwd: ROOT,
    flags,
  });
}

/** Flags for an unpaced run of `requests` requests (at 1000/s of simulated time) from a fixed start. */
export function fastRequests(requests: number): SettingsFlags {
  return { fast: true, startTime: "2026-01-01T00:00:00Z", rate: "1000/s", duration: `${requests / 1000}s` };
}
