import { join } from "node:path";
import { systemClock } from "../../src/runtime/clock.ts";
import { loadConfig, type LoadedConfig } from "../../src/config/load-config.ts";
import type { ExportRequest } from "../../src/plugin-host/plugin.ts";
import { executeRun, type RunOptions } from "../../src/run/execute-run.ts";
import type { RunSummary } from "../../src/run/summary.ts";
import { ROOT } from "./cli.ts";

/** A fixed start for byte-for-byte comparisons: 2026-01-01T00:00:00Z. */
export const FIXED_START_US = Date.UTC(2026, 0, 1) * 1000;

/**
 * Runs a loaded config unpaced (`--fast`, unless `fast: false` is given) from FIXED_START_US; `requests` (at 1000/s) or `durationSeconds`
 * resize the workload, and any run option can be replaced.
 */
export function runFast(
  loaded: LoadedConfig,
  overrides: Partial<RunOptions> & { durationSeconds?: number; requests?: number } = {},
): Promise<RunSummary> {
  const { durationSeconds, requests, ...options } = overrides;
  const workload = requests !== undefined
    ? { ratePerSecond: 1000, durationSeconds: requests / 1000 }
    : { ...loaded.config.workload, durationSeconds: durationSeconds ?? loaded.config.workload.durationSeconds };
  return executeRun({ ...loaded, config: { ...loaded.config, workload } }, {
    fast: true,
    startTimeUs: FIXED_START_US,
    endpoint: { url: "http://unused", tls: false },
    exporter: "otlp-grpc",
    metricsIntervalUs: 10e6,
    timeoutMs: 10_000,
    clock: systemClock,
    stop: new AbortController().signal,
    drainMs: 5000,
    ...options,
  });
}

/** Runs one of the examples unpaced into the receiver at `url`. */
export async function runExampleFast(
  example: string,
  url: string,
  overrides: Partial<RunOptions> & { durationSeconds?: number } = {},
): Promise<RunSummary> {
  const loaded = await loadConfig(join(ROOT, "examples", example));
  return runFast(loaded, { endpoint: { url, tls: false }, ...overrides });
}

/** Adds an exporter named "capture" to a loaded config that keeps every export request in the returned list. */
export function captureExports(loaded: LoadedConfig): ExportRequest[] {
  const requests: ExportRequest[] = [];
  loaded.registry.exporters.set("capture", {
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
