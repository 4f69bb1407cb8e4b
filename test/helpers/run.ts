import { join } from "node:path";
import { systemClock } from "../../src/clock.ts";
import { loadConfig } from "../../src/load-config.ts";
import { executeRun, type RunOptions } from "../../src/run/execute-run.ts";
import type { RunSummary } from "../../src/run/summary.ts";
import { ROOT } from "./cli.ts";

/** A fixed start for byte-for-byte comparisons: 2026-01-01T00:00:00Z. */
export const FIXED_START_US = Date.UTC(2026, 0, 1) * 1000;

/** Runs an example unpaced (`--fast`) into the receiver at `url`. */
export async function runExampleFast(
  example: string,
  url: string,
  overrides: Partial<RunOptions> & { durationSeconds?: number } = {},
): Promise<RunSummary> {
  const loaded = await loadConfig(join(ROOT, "examples", example));
  const config = overrides.durationSeconds === undefined
    ? loaded.config
    : { ...loaded.config, workload: { ...loaded.config.workload, durationSeconds: overrides.durationSeconds } };
  return executeRun({ ...loaded, config }, {
    fast: true,
    startTimeUs: FIXED_START_US,
    endpoint: { url, tls: false },
    exporter: "otlp-grpc",
    metricsIntervalUs: 10e6,
    timeoutMs: 10_000,
    clock: systemClock,
    stop: new AbortController().signal,
    drainMs: 5000,
    ...overrides,
  });
}
