import type { RunStats } from "../export/run-stats.ts";

/** What a run did, printed at the end and with `--json` as JSON. */
export interface RunSummary {
  readonly requests: number;
  readonly spans: number;
  readonly dataPoints: number;
  readonly logRecords: number;
  readonly bytes: number;
  readonly exports: number;
  readonly failedExports: number;
  /** Export attempts repeated after a retryable failure. */
  readonly retries: number;
  readonly lost: RunStats["lost"];
  readonly rejected: number;
  readonly droppedExports: number;
  readonly dropped: RunStats["dropped"];
  readonly elapsedSeconds: number;
  /** Requests per second over the generation phase. */
  readonly achievedRate: number;
  readonly configuredRate: number;
  readonly maxLagMs: number;
  readonly lastError?: string;
  /** Exporters that failed to close, each named; present only when one did. */
  readonly closeErrors?: readonly string[];
  /** The scenarios the run went through, with their windows in simulated time; present only when configured. */
  readonly scenarios?: readonly ScenarioWindows[];
}

/** A scenario and when it was in effect (RFC 3339, simulated time). */
export interface ScenarioWindows {
  readonly name: string;
  readonly windows: readonly { readonly from: string; readonly to: string }[];
}

export function summarize(
  stats: RunStats,
  timing: {
    elapsedSeconds: number;
    generationSeconds: number;
    configuredRate: number;
    closeErrors?: readonly string[];
    scenarios?: readonly ScenarioWindows[];
  },
): RunSummary {
  return {
    requests: stats.requests,
    spans: stats.spans,
    dataPoints: stats.dataPoints,
    logRecords: stats.logRecords,
    bytes: stats.bytes,
    exports: stats.exports,
    failedExports: stats.failedExports,
    retries: stats.retries,
    lost: { ...stats.lost },
    rejected: stats.rejected,
    droppedExports: stats.droppedExports,
    dropped: { ...stats.dropped },
    elapsedSeconds: round(timing.elapsedSeconds, 3),
    achievedRate: round(stats.requests / Math.max(timing.generationSeconds, 1e-9), 2),
    configuredRate: timing.configuredRate,
    maxLagMs: round(stats.maxLagMs, 1),
    ...(stats.lastError !== undefined && { lastError: stats.lastError }),
    ...(timing.closeErrors?.length && { closeErrors: timing.closeErrors }),
    ...(timing.scenarios?.length && { scenarios: timing.scenarios }),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
