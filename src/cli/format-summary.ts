import type { PerSignal } from "../export/run-stats.ts";
import type { RunSummary } from "../run/summary.ts";

/** The summary printed at the end of a run, aligned for a terminal. */
export function formatSummary(s: RunSummary): string {
  const n = (value: number) => value.toLocaleString("en-US");
  const calls = (count: number) => `${n(count)} export call${count === 1 ? "" : "s"}`;
  const items = (p: PerSignal) => `${n(p.traces)} spans, ${n(p.metrics)} data points, ${n(p.logs)} log records`;
  const lines = [
    `requests      ${n(s.requests)} in ${s.elapsedSeconds.toFixed(1)}s, ${n(s.achievedRate)}/s (configured ${
      n(s.configuredRate)
    }/s)`,
    `spans         ${n(s.spans)}`,
    `data points   ${n(s.dataPoints)}`,
    `log records   ${n(s.logRecords)}`,
    `sent          ${formatBytes(s.bytes)} in ${calls(s.exports)}`,
    `delivered     ${calls(s.deliveredExports)} (${items(s.delivered)})`,
    `failed        ${calls(s.failedExports)} (lost: ${items(s.lost)})`,
  ];
  if (s.unconfirmedExports > 0) {
    lines.push(
      `unconfirmed   ${calls(s.unconfirmedExports)} got no answer, may have arrived (${items(s.unconfirmed)})`,
    );
  }
  if (s.droppedExports > 0) {
    lines.push(
      `dropped       ${calls(s.droppedExports)} never sent: the receiver fell behind or the run stopped first (${
        items(s.dropped)
      })`,
    );
  }
  if (total(s.rejected) > 0) lines.push(`rejected      ${items(s.rejected)} refused by the receiver (partial success)`);
  if (s.retries > 0) lines.push(`retried       ${n(s.retries)} export attempts after retryable failures`);
  if (total(s.possibleDuplicates) > 0) {
    lines.push(`resent        ${items(s.possibleDuplicates)} after no answer: they may have arrived twice`);
  }
  if (s.failure !== undefined) lines.push(`stopped       ${s.failure}`);
  if (s.lastError !== undefined && s.lastError !== s.failure) lines.push(`last error    ${s.lastError}`);
  for (const error of s.closeErrors ?? []) lines.push(`close error   ${error}`);
  for (const { name, windows } of s.scenarios ?? []) {
    const when = windows.map(({ from, to }) => `${from.slice(11, 19)}-${to.slice(11, 19)}`).join(", ");
    lines.push(`scenario      ${name}: ${when || "not reached"}`);
  }
  return lines.join("\n");
}

function total(p: PerSignal): number {
  return p.traces + p.metrics + p.logs;
}

function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) [value, unit] = [value / 1024, unit + 1];
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
