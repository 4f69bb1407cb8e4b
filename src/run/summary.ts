import type { PerSignal, RunStats } from "../export/run-stats.ts";

/**
 * What a run did, printed at the end and with `--json` as JSON. For each signal the items generated
 * (spans, data points, log records) equal delivered + rejected + lost + unconfirmed + dropped.
 */
export interface RunSummary {
  readonly requests: number;
  /** Items generated. */
  readonly spans: number;
  readonly dataPoints: number;
  readonly logRecords: number;
  /** Export calls made (a retried call counts once) and their encoded bytes. */
  readonly exports: number;
  readonly bytes: number;
  /** Export calls by how they ended: the receiver took it, it failed for good, no answer came. */
  readonly deliveredExports: number;
  readonly failedExports: number;
  readonly unconfirmedExports: number;
  /** Export requests never sent: the queue was full, or they were still queued at shutdown. */
  readonly droppedExports: number;
  /** Export attempts repeated after a retryable failure. */
  readonly retries: number;
  /** Items the receiver took. */
  readonly delivered: PerSignal;
  /** Items of delivered calls that the receiver refused (OTLP partial success). */
  readonly rejected: PerSignal;
  /** Items of failed calls: the receiver did not take them. */
  readonly lost: PerSignal;
  /** Items of calls that got no answer (timed out, cut off): they may or may not have arrived. */
  readonly unconfirmed: PerSignal;
  readonly dropped: PerSignal;
  /** Items sent again after an attempt that got no answer: at most this many may have arrived twice. */
  readonly possibleDuplicates: PerSignal;
  readonly elapsedSeconds: number;
  /** Requests per second over the generation phase. */
  readonly achievedRate: number;
  readonly configuredRate: number;
  readonly maxLagMs: number;
  readonly lastError?: string;
  /** The plugin failure that ended the run early; present only when one did. */
  readonly failure?: string;
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
    failure?: string;
    closeErrors?: readonly string[];
    scenarios?: readonly ScenarioWindows[];
  },
): RunSummary {
  const { calls, items } = stats;
  return {
    requests: stats.requests,
    spans: stats.spans,
    dataPoints: stats.dataPoints,
    logRecords: stats.logRecords,
    exports: stats.exports,
    bytes: stats.bytes,
    deliveredExports: calls.delivered,
    failedExports: calls.lost,
    unconfirmedExports: calls.unconfirmed,
    droppedExports: calls.dropped,
    retries: stats.retries,
    delivered: { ...items.delivered },
    rejected: { ...stats.rejected },
    lost: { ...items.lost },
    unconfirmed: { ...items.unconfirmed },
    dropped: { ...items.dropped },
    possibleDuplicates: { ...stats.possibleDuplicates },
    elapsedSeconds: round(timing.elapsedSeconds, 3),
    achievedRate: round(stats.requests / Math.max(timing.generationSeconds, 1e-9), 2),
    configuredRate: timing.configuredRate,
    maxLagMs: round(stats.maxLagMs, 1),
    ...(stats.lastError !== undefined && { lastError: stats.lastError }),
    ...(timing.failure !== undefined && { failure: timing.failure }),
    ...(timing.closeErrors?.length && { closeErrors: timing.closeErrors }),
    ...(timing.scenarios?.length && { scenarios: timing.scenarios }),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
