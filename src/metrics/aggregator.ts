import type { MetricPlan, RunPlan, ServicePlan } from "../engine/plan.ts";
import type { MetricSample } from "../plugin.ts";
import { type MetricRecord, type SpanRecord, TEMPORALITY_CUMULATIVE } from "../telemetry/records.ts";

/** One service's metrics at one collection: what an SDK's periodic reader would export. */
export interface ServiceMetrics {
  readonly service: ServicePlan;
  readonly metrics: readonly MetricRecord[];
  readonly points: number;
}

interface HistogramState {
  count: number;
  sum: number;
  min: number;
  max: number;
  readonly buckets: number[];
}

interface ServiceState {
  readonly service: ServicePlan;
  /** Requests handled since the run started (counters are cumulative from a fixed start). */
  handled: number;
  /** Requests handled and their summed duration since the last collection, for gauge models. */
  intervalHandled: number;
  intervalBusyUs: number;
  readonly histograms: (HistogramState | undefined)[];
}

const NONE: readonly never[] = [];

/**
 * Aggregates per service instance the way an SDK does: counters and histograms accumulate from the
 * run's start, gauges are sampled at each collection, and `collect` snapshots everything at a point
 * in (simulated) time.
 */
export class MetricsAggregator {
  private readonly states: (ServiceState | undefined)[];
  private lastCollectUs: number;

  constructor(plan: RunPlan, private readonly startUs: number) {
    this.lastCollectUs = startUs;
    this.states = plan.services.map((service) =>
      service.metrics.length === 0 ? undefined : {
        service,
        handled: 0,
        intervalHandled: 0,
        intervalBusyUs: 0,
        histograms: service.metrics.map((m) =>
          m.data === "histogram"
            ? { count: 0, sum: 0, min: Infinity, max: -Infinity, buckets: Array(m.bounds.length + 1).fill(0) }
            : undefined
        ),
      }
    );
  }

  /** Feeds one request a service handled; its own span's duration goes to its duration histograms. */
  handled(service: ServicePlan, startUs: number, endUs: number, _span?: SpanRecord): void {
    const state = this.states[service.index];
    if (state === undefined) return;
    const durationUs = endUs - startUs;
    state.handled++;
    state.intervalHandled++;
    state.intervalBusyUs += durationUs;
    const { metrics } = service;
    for (let i = 0; i < metrics.length; i++) {
      const histogram = state.histograms[i];
      if (histogram === undefined) continue;
      const metric = metrics[i]!;
      const value = metric.microsecondsPerUnit === undefined
        ? metric.model!.sample(this.sample(state, endUs))
        : durationUs / metric.microsecondsPerUnit;
      observe(histogram, metric.bounds, value);
    }
  }

  /** Every service's metrics as of `timeUs`; starts the next interval for gauges. */
  collect(timeUs: number): ServiceMetrics[] {
    const out: ServiceMetrics[] = [];
    for (const state of this.states) {
      if (state === undefined) continue;
      const sample = this.sample(state, timeUs);
      const metrics = state.service.metrics.map((metric, i) => this.record(metric, state, state.histograms[i], sample));
      out.push({ service: state.service, metrics, points: metrics.length });
      state.intervalHandled = 0;
      state.intervalBusyUs = 0;
    }
    this.lastCollectUs = timeUs;
    return out;
  }

  private sample(state: ServiceState, timeUs: number): MetricSample {
    return {
      timeUs,
      intervalUs: Math.max(1, timeUs - this.lastCollectUs),
      requests: state.intervalHandled,
      busyUs: state.intervalBusyUs,
    };
  }

  private record(
    metric: MetricPlan,
    state: ServiceState,
    histogram: HistogramState | undefined,
    sample: MetricSample,
  ): MetricRecord {
    const base = { attributes: NONE, startUs: this.startUs, timeUs: sample.timeUs, exemplars: NONE };
    const head = { name: metric.name, description: "", unit: metric.unit };
    switch (metric.data) {
      case "sum":
        return {
          ...head,
          data: {
            kind: "sum",
            temporality: TEMPORALITY_CUMULATIVE,
            monotonic: true,
            points: [{ ...base, value: { int: state.handled } }],
          },
        };
      case "gauge":
        return {
          ...head,
          data: { kind: "gauge", points: [{ ...base, value: { double: metric.model!.sample(sample) } }] },
        };
      case "histogram": {
        const h = histogram!;
        const empty = h.count === 0;
        return {
          ...head,
          data: {
            kind: "histogram",
            temporality: TEMPORALITY_CUMULATIVE,
            points: [{
              ...base,
              count: h.count,
              sum: h.sum,
              min: empty ? 0 : h.min,
              max: empty ? 0 : h.max,
              bounds: metric.bounds,
              bucketCounts: [...h.buckets],
            }],
          },
        };
      }
    }
  }
}

/** Adds a value to a histogram; bucket i counts values in (bounds[i-1], bounds[i]], as OTLP defines. */
function observe(histogram: HistogramState, bounds: readonly number[], value: number): void {
  let bucket = 0;
  while (bucket < bounds.length && value > bounds[bucket]!) bucket++;
  histogram.buckets[bucket]!++;
  histogram.count++;
  histogram.sum += value;
  if (value < histogram.min) histogram.min = value;
  if (value > histogram.max) histogram.max = value;
}
