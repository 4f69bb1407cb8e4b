import type { ExporterOptions, OperationContext, Plugin } from "../index.ts";
import { exporterFindings } from "./check-exporters.ts";
import { type MetricDescriptor, metricFindings } from "./check-metric-heuristics.ts";
import { placeholderFindings } from "./check-placeholders.ts";
import { SAMPLE_OPERATIONS, spanKindFindings } from "./check-span-kinds.ts";
import { Findings } from "./findings.ts";

/** What a plugin's own contributions are best checked with; each has a default. */
export interface ConformanceOptions {
  /** Operations its span kinds compile; default SAMPLE_OPERATIONS. */
  readonly operations?: readonly OperationContext[];
  /** Metrics its heuristics model, tried with SAMPLE_METRICS. */
  readonly metrics?: readonly MetricDescriptor[];
  /** Options per exporter name, e.g. a running receiver's `url`. */
  readonly exporters?: Readonly<Record<string, Partial<ExporterOptions>>>;
}

/**
 * Every conformance suite on one plugin, built-in or third-party: it loads, and its placeholders, span
 * kinds, metric types and heuristics, and exporters each pass theirs. Rejects with a ConformanceError
 * that lists every failure.
 *
 * @example
 * import { test } from "bun:test";
 * import { checkPlugin } from "dreamweaver/testing";
 * import plugin from "./acme.ts";
 *
 * test("acme conforms", () => checkPlugin(plugin));
 */
export async function checkPlugin(plugin: Plugin, options: ConformanceOptions = {}): Promise<void> {
  const findings = new Findings(plugin);
  placeholderFindings(findings);
  spanKindFindings(findings, options.operations ?? SAMPLE_OPERATIONS);
  metricFindings(findings, options.metrics ?? []);
  await exporterFindings(findings, options.exporters ?? {});
  findings.throwIfAny();
}
