import { METRIC_VIOLATIONS } from "./metric-check.ts";
import type { BucketReport } from "./time-buckets.ts";
import type { ItemCounts, SinkReport, SinkStats } from "./report.ts";
import { TRACE_VIOLATIONS } from "./trace-check.ts";

/** One line of live figures; rates are over the time since `previous` (or since start without it). */
export function formatLiveLine(current: SinkStats, previous?: SinkStats): string {
  const seconds = (current.uptimeMs - (previous?.uptimeMs ?? 0)) / 1000;
  const figure = (label: string, now: number, before = 0) =>
    `${label} ${group(now)} (${group(seconds > 0 ? Math.round((now - before) / seconds) : 0)}/s)`;
  return [
    figure("requests", requestCount(current), previous === undefined ? 0 : requestCount(previous)),
    figure("spans", current.spans, previous?.spans),
    figure("data points", current.dataPoints, previous?.dataPoints),
    figure("log records", current.logRecords, previous?.logRecords),
    ...(current.duplicates.requests > 0 ? [`received again ${group(current.duplicates.requests)}`] : []),
    `violations ${group(current.violations)}`,
  ].join("  ");
}

/** The final report as a human-readable text: a table per service, then every check. */
export function formatReport(report: SinkReport): string {
  return [
    summaryLine(report),
    "",
    ...serviceTable(report),
    ...duplicateLines(report),
    "",
    `trace checks: ${plural(report.checks.traces.checked, "trace")} checked` +
    (report.checks.traces.finalizedEarly > 0
      ? ` (${group(report.checks.traces.finalizedEarly)} early, to bound memory)`
      : ""),
    ...checkLines(TRACE_VIOLATIONS, report.checks.traces, report.examples, "trace "),
    `metric checks: ${plural(report.checks.metrics.counterStreams, "counter stream")} followed` +
    (report.checks.metrics.untrackedStreams > 0
      ? ` (${group(report.checks.metrics.untrackedStreams)} more not followed)`
      : "") +
    `, ${plural(report.checks.metrics.histogramPoints, "histogram point")} checked`,
    ...checkLines(METRIC_VIOLATIONS, report.checks.metrics, report.examples, ""),
    ...(report.buckets ? ["", ...bucketTables(report.buckets)] : []),
    "",
    report.violations === 0 ? "all checks passed" : `${plural(report.violations, "violation")} found`,
  ].join("\n");
}

/** Per service, one row per time bucket: what a RED dashboard would plot. */
function bucketTables(buckets: BucketReport): string[] {
  const lines = [
    `per ${buckets.bucketSeconds} s bucket of span start times (SERVER and CONSUMER spans; CLIENT spans of services without them):`,
  ];
  for (const { service, buckets: rows } of buckets.services) {
    lines.push(`  ${service}`);
    const cells = rows.map((b) => [
      b.start.replace(".000Z", "Z"),
      `${group(b.requests)} req`,
      `${(b.errorRate * 100).toFixed(1)}% err`,
      `p50 ${b.p50Ms} ms`,
      `p95 ${b.p95Ms} ms`,
      `p99 ${b.p99Ms} ms`,
    ]);
    const widths = cells[0]?.map((_, c) => Math.max(...cells.map((row) => row[c]!.length))) ?? [];
    for (const row of cells) lines.push(`    ${row.map((cell, c) => cell.padStart(widths[c]!)).join("  ")}`);
  }
  return lines;
}

function summaryLine(report: SinkReport): string {
  const { traces, metrics, logs } = report.requests;
  const bytes = report.bytes.traces + report.bytes.metrics + report.bytes.logs;
  const rejected = report.rejectedRequests > 0 ? `, ${group(report.rejectedRequests)} rejected` : "";
  return `received ${plural(requestCount(report), "request")} in ${(report.uptimeMs / 1000).toFixed(1)} s ` +
    `(traces ${group(traces)}, metrics ${group(metrics)}, logs ${group(logs)})${rejected}, ${size(bytes)}`;
}

/**
 * Requests received again, when there were any: a sender's retries of calls whose answer it never got.
 * Their items are not in the counts above.
 */
function duplicateLines({ duplicates }: SinkStats): string[] {
  if (duplicates.requests === 0) return [];
  return [
    `received again: ${plural(duplicates.requests, "request")} (${group(duplicates.spans)} spans, ` +
    `${group(duplicates.dataPoints)} data points, ${group(duplicates.logRecords)} log records), ` +
    "resent by the sender after no answer reached it (at-least-once delivery); counted once above",
  ];
}

function serviceTable(report: SinkReport): string[] {
  const header = ["service", "spans", "data points", "log records"];
  const row = (name: string, counts: ItemCounts) => [
    name,
    group(counts.spans),
    group(counts.dataPoints),
    group(counts.logRecords),
  ];
  const rows = [header, ...report.services.map((counts) => row(counts.service, counts)), row("total", report)];
  const widths = header.map((_, column) => Math.max(...rows.map((cells) => cells[column]?.length ?? 0)));
  return rows.map((cells) =>
    cells.map((cell, column) => column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0))
      .join("  ").trimEnd()
  );
}

function checkLines<K extends string>(
  descriptions: Record<K, string>,
  counts: Record<NoInfer<K>, number>,
  allExamples: Partial<Record<NoInfer<K>, string[]>>,
  examplePrefix: string,
): string[] {
  const kinds = Object.keys(descriptions) as K[];
  const width = Math.max(...kinds.map((kind) => group(counts[kind]).length));
  return kinds.map((kind) => {
    const count = counts[kind];
    const examples = allExamples[kind] ?? [];
    const where = examples.length === 0 ? "" : `  e.g. ${examples.map((e) => examplePrefix + e).join(", ")}`;
    return `  ${count === 0 ? "ok  " : "FAIL"}  ${group(count).padStart(width)}  ${descriptions[kind]}${where}`;
  });
}

function requestCount(stats: SinkStats): number {
  return stats.requests.traces + stats.requests.metrics + stats.requests.logs;
}

function plural(count: number, noun: string): string {
  return `${group(count)} ${noun}${count === 1 ? "" : "s"}`;
}

/** Thousands separators without Intl, so output is the same on every runtime and locale. */
function group(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
