import { join } from "node:path";
import { builtinPlugins } from "../../plugins/index.ts";
import { exporterHost, readTextFile } from "../../src/cli/host.ts";
import { resolveSettings, type Settings, type SettingsFlags } from "../../src/config/settings.ts";
import type { Endpoint } from "../../src/config/units.ts";
import type { Environment } from "../../src/config/otel-environment.ts";
import type { ExportRequest, TlsOptions } from "../../src/plugin-host/plugin.ts";
import { run, type RunOptions } from "../../src/run/run.ts";
import type { RunSummary } from "../../src/run/summary.ts";
import { ROOT } from "./cli.ts";

/** A fixed start for byte-for-byte comparisons: 2026-01-01T00:00:00Z. */
export const FIXED_START_US = Date.UTC(2026, 0, 1) * 1000;

/** The settings of a config file with the built-in plugins, as the CLI would resolve them. */
export function loadSettings(
  file: string,
  flags: SettingsFlags = {},
  environment: Environment = {},
): Promise<Settings> {
  return resolveSettings({ file, builtins: builtinPlugins, readText: readTextFile, cwd: ROOT, environment, flags });
}

/** The settings of one of examples/. */
export function loadExample(example: string, flags: SettingsFlags = {}): Promise<Settings> {
  return loadSettings(join(ROOT, "examples", example), flags);
}

const CONSTANT_1000 = { kind: "constant", rate: 1000 } as const;

/** What a test may change about a run: the run options, and the settings a flag would change. */
export interface RunOverrides extends RunOptions {
  /** Resize the workload: this many requests at 1000/s. */
  readonly requests?: number;
  readonly durationSeconds?: number;
  /** An exporter registered under this name (a built-in, or one added with `captureExports`). */
  readonly exporter?: string;
  readonly endpoint?: Endpoint;
  readonly shard?: Settings["run"]["shard"];
  readonly fast?: boolean;
  readonly timeoutMs?: number;
  /** `output.tls` as read: PEM texts. */
  readonly tls?: TlsOptions;
}

/**
 * Runs settings through the programmatic API, unpaced (`--fast`, unless `fast: false`) from FIXED_START_US,
 * with the CLI's host for the `file` and `stdout` exporters.
 */
export function runFast(settings: Settings, overrides: RunOverrides = {}): Promise<RunSummary> {
  const { requests, durationSeconds, exporter, endpoint, shard, fast, timeoutMs, tls, ...options } = overrides;
  const { config } = settings;
  const workload = requests !== undefined
    ? { ...config.workload, ratePerSecond: 1000, durationSeconds: requests / 1000, shape: CONSTANT_1000 }
    : { ...config.workload, durationSeconds: durationSeconds ?? config.workload.durationSeconds };
  const output = {
    ...config.output,
    ...(endpoint && { endpoint }),
    ...(timeoutMs !== undefined && { timeoutMs }),
  };
  const contribution = exporter === undefined ? undefined : settings.registry.exporters.get(exporter);
  if (exporter !== undefined && !contribution) throw new Error(`no exporter "${exporter}" registered`);
  const resolved: Settings = {
    ...settings,
    config: { ...config, workload, output },
    run: {
      ...settings.run,
      fast: fast ?? true,
      startTimeUs: FIXED_START_US,
      ...(shard && { shard }),
      ...(tls && { tls }),
      ...(contribution && { exporters: [{ spec: exporter!, contribution }] }),
    },
  };
  return run(resolved, { host: exporterHost, ...options });
}

/** Runs one of the examples unpaced into the receiver at `url`. */
export async function runExampleFast(
  example: string,
  url: string,
  overrides: RunOverrides = {},
): Promise<RunSummary> {
  return runFast(await loadExample(example), { endpoint: { url, tls: false }, ...overrides });
}

/** Adds an exporter named "capture" to the settings' plugins that keeps every export request in the returned list. */
export function captureExports(settings: Settings): ExportRequest[] {
  const requests: ExportRequest[] = [];
  settings.registry.exporters.set("capture", {
    name: "capture",
    plugin: "test",
    value: () => ({
      export(request) {
        requests.push(request);
        return Promise.resolve({ rejected: 0 });
      },
      close: () => Promise.resolve(),
    }),
  });
  return requests;
}
