import type { MetricHeuristic, MetricSample, Plugin } from "../index.ts";
import { Findings, THREW } from "./findings.ts";
import { sameValue, seededRandom, withoutAmbientSources } from "./sandbox.ts";

/** A metric as a template declares it: what a heuristic's `matches` is shown. */
export interface MetricDescriptor {
  readonly name: string;
  readonly type: string;
  readonly unit: string;
}

/** Metrics as templates declare them, one of each common sort: what heuristics are tried on. */
export const SAMPLE_METRICS: readonly MetricDescriptor[] = [
  { name: "process.cpu.utilization", type: "gauge", unit: "1" },
  { name: "jvm.memory.used", type: "gauge", unit: "By" },
  { name: "http.server.active_requests", type: "updowncounter", unit: "{request}" },
  { name: "db.client.connection.count", type: "updowncounter", unit: "{connection}" },
  { name: "messaging.queue.depth", type: "gauge", unit: "{message}" },
  { name: "http.server.request.body.size", type: "histogram", unit: "By" },
  { name: "app.widgets", type: "gauge", unit: "" },
];

const INTERVAL_US = 10_000_000;

/** An hour of export intervals: idle, then busy, then overloaded (more requests in flight than handled). */
const SAMPLES: readonly MetricSample[] = Array.from({ length: 360 }, (_, i) => {
  const requests = i < 120 ? 0 : i < 240 ? 100 : 5000;
  return {
    timeUs: 1_700_000_000_000_000 + i * INTERVAL_US,
    intervalUs: INTERVAL_US,
    requests,
    busyUs: requests * 40_000,
  };
});

/**
 * Metric types and heuristics: a type's `monotonic` is a boolean when set; every heuristic models at least one of the metrics it is shown
 * (SAMPLE_METRICS and `metrics`), and each model gives a finite number for every sample, the same
 * numbers from the same randomness, with no randomness or clock of its own.
 *
 * @example
 * test("heuristics", () => checkMetricHeuristics(plugin, [{ name: "acme.queue.lag", type: "gauge", unit: "s" }]));
 */
export function checkMetricHeuristics(plugin: Plugin, metrics: readonly MetricDescriptor[] = []): void {
  const findings = new Findings(plugin);
  metricFindings(findings, metrics);
  findings.throwIfAny();
}

export function metricFindings(findings: Findings, metrics: readonly MetricDescriptor[]): void {
  for (const [name, metricType] of Object.entries(findings.plugin.metricTypes ?? {})) {
    const monotonic = metricType.monotonic;
    findings.expect(
      monotonic === undefined || typeof monotonic === "boolean",
      `metricTypes.${name}.monotonic: a boolean`,
    );
  }
  const shown = [...metrics, ...SAMPLE_METRICS];
  for (const [i, heuristic] of (findings.plugin.metricHeuristics ?? []).entries()) {
    const where = `metricHeuristics[${i}]`;
    const modelled = shown.filter((metric) => {
      const match = findings.attempt(`${where}.matches(${metric.name})`, () => heuristic.matches(metric));
      findings.expect(match === THREW || typeof match === "boolean", `${where}.matches must return true or false`);
      return match === true;
    });
    const pass = "pass the metrics it models to checkMetricHeuristics";
    findings.expect(modelled.length > 0, `${where} matches none of ${shown.map((m) => m.name).join(", ")}; ${pass}`);
    for (const metric of modelled) checkModel(findings, `${where} on ${metric.name}`, heuristic, metric);
  }
}

function checkModel(findings: Findings, where: string, heuristic: MetricHeuristic, metric: MetricDescriptor): void {
  const series = () =>
    withoutAmbientSources(() => {
      const model = heuristic.create({ random: seededRandom(7), name: metric.name, unit: metric.unit });
      return SAMPLES.map((sample) => model.sample(sample));
    });
  const values = findings.attempt(where, series);
  if (values === THREW) return;
  findings.expect(values.every(Number.isFinite), `${where}: every sample must be a finite number`);
  findings.expect(sameValue(series(), values), `${where}: must be reproducible from its random`);
}
