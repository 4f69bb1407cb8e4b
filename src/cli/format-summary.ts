import type { RunSummary } from "../run/summary.ts";

/** The summary printed at the end of a run, aligned for a terminal. */
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
  for (const error of s.closeErrors ?? []) lines.push(`close error   ${error}`);
  for (const { name, windows } of s.scenarios ?? []) {
    const when = windows.map(({ from, to }) => `${from.slice(11, 19)}-${to.slice(11, 19)}`).join(", ");
    lines.push(`scenario      ${name}: ${when || "not reached"}`);
  }
  return lines.join("\n");
}

function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) [value, unit] = [value / 1024, unit + 1];
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
