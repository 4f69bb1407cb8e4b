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
}

export function summarize(
  stats: RunStats,
  timing: { elapsedSeconds: number; generationSeconds: number; configuredRate: number },
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
  };
}

export function formatSummary(s: RunSummary): string {
  const n = (value: number) => value.toLocaleString("en-US");
  const lines = [
    `requests      ${n(s.requests)} in ${s.elapsedSeconds.toFixed(1)}s, ${n(s.achievedRate)}/s (configured ${
      n(s.configuredRate)
    }/s)`,
    `spans         ${n(s.spans)}`,
    `data points   ${n(s.dataPoints)}`,
    `log records   ${n(s.logRecords)}`,
    `sent          ${formatBytes(s.bytes)} in ${n(s.exports)} export calls`,
    `failed        ${n(s.failedExports)} export calls (lost: ${n(s.lost.traces)} spans, ${
      n(s.lost.metrics)
    } data points, ${n(s.lost.logs)} log records)`,
  ];
  if (s.retries > 0) lines.push(`retried       ${n(s.retries)} export attempts after retryable failures`);
  if (s.rejected > 0) lines.push(`rejected      ${n(s.rejected)} items (partial success)`);
  if (s.droppedExports > 0) {
    lines.push(
      `dropped       ${n(s.droppedExports)} export calls because the receiver fell behind (${
        n(s.dropped.traces)
      } spans, ${n(s.dropped.metrics)} data points, ${n(s.dropped.logs)} log records)`,
    );
  }
  if (s.lastError !== undefined) lines.push(`last error    ${s.lastError}`);
  return lines.join("\n");
}

function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) [value, unit] = [value / 1024, unit + 1];
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
