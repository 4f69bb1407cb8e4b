// `dreamweaver/testing`: the conformance suites every plugin passes, built-in or third-party. Written
// against the public API only, and runner-neutral: each check throws (or rejects) when a plugin fails,
// so they run under `bun test`, `deno test`, `node --test` and the rest alike.
export { checkPlugin, type ConformanceOptions } from "./check-plugin.ts";
export { checkPlaceholders } from "./check-placeholders.ts";
export { checkSpanKinds, SAMPLE_OPERATIONS } from "./check-span-kinds.ts";
export { checkMetricHeuristics, type MetricDescriptor, SAMPLE_METRICS } from "./check-metric-heuristics.ts";
export { checkExporters } from "./check-exporters.ts";
export { ConformanceError } from "./findings.ts";
