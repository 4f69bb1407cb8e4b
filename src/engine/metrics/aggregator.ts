import type { InstancePlan, RunPlan, SemconvMetric } from "../plan.ts";
import type { MetricModel, MetricSample } from "../../plugin-host/plugin.ts";
import { namedRandom } from "../seed.ts";
import {
  type KeyValue,
  type MetricRecord,
  type SpanRecord,
  TEMPORALITY_CUMULATIVE,
  TEMPORALITY_DELTA,
} from "../../telemetry/records.ts";
import { durationBounds, microsecondsPer } from "./duration-unit.ts";
import { Histogram } from "./histogram.ts";

/** One instance's metrics at one collection: what its SDK's periodic reader would export. */
export interface InstanceMetrics {
  readonly instance: InstancePlan;
  readonly metrics: readonly MetricRecord[];
  readonly points: number;
}

interface InstanceState {
  readonly instance: InstancePlan;
  /** Requests handled (since the start, or since the last collection with delta temporality). */
  handled: number;
  /** Requests handled and their summed duration since the last collection, for gauge models. */
  intervalHandled: number;
  intervalBusyUs: number;
  /** Per configured metric: its histogram or its gauge model. */
  readonly histograms: (Histogram | undefined)[];
  readonly models: (MetricModel | undefined)[];
  /** Semantic-convention duration histograms: metric name -> attribute set -> stream. */
  readonly semconv: Map<string, Map<string, Histogram>>;
}

const NONE: readonly never[] = [];
const SECONDS_BOUNDS = durationBounds("s");

/**
 * Aggregates per service instance the way an SDK does: counters and histograms accumulate (from the
 * run's start, or per interval with delta temporality), gauges are sampled at each collection, and
 * `collect` snapshots everything at a point in simulated time.
 */
export class MetricsAggregator {
  private readonly states: InstanceState[];
  private lastCollectUs: number;
  private readonly delta: boolean;
  /** semconv era hook: each convention histogram's unit (`s`, or `ms` for older conventions). */
  private readonly semconvUnits = new Map<string, string>();

  constructor(plan: RunPlan, private readonly startUs: number) {
    this.lastCollectUs = startUs;
    this.delta = plan.temporality === "delta";
    this.states = plan.instances.map((instance) => ({
      instance,
      handled: 0,
      intervalHandled: 0,
      intervalBusyUs: 0,
      histograms: instance.service.metrics.map((m) =>
        m.data === "histogram" ? new Histogram(NONE, m.bounds, false) : undefined
      ),
      models: instance.service.metrics.map((m) =>
        m.createModel?.(namedRandom(plan.seedHash, `metric/${instance.index}/${m.name}`))
      ),
      semconv: new Map(),
    }));
  }

  /** Feeds one request an instance handled: configured counters, duration histograms and gauge load. */
  handled(instance: InstancePlan, startUs: number, endUs: number, span?: SpanRecord): void {
    const state = this.states[instance.index]!;
    const durationUs = endUs - startUs;
    state.handled++;
    state.intervalHandled++;
    state.intervalBusyUs += durationUs;
    const { metrics } = instance.service;
    for (let i = 0; i < metrics.length; i++) {
      const histogram = state.histograms[i];
      if (histogram === undefined) continue;
      const perUnit = metrics[i]!.microsecondsPerUnit;
      const value = perUnit === undefined ? state.models[i]!.sample(this.sample(state, endUs)) : durationUs / perUnit;
      histogram.record(value, span);
    }
  }

  /** Feeds a span's duration, in seconds, to its semantic-convention histogram, split by its attributes. */
  span(instance: InstancePlan, span: SpanRecord, metric: SemconvMetric): void {
    const streams = this.states[instance.index]!.semconv;
    let byAttributes = streams.get(metric.name);
    if (byAttributes === undefined) {
      streams.set(metric.name, byAttributes = new Map());
      this.semconvUnits.set(metric.name, metric.unit);
    }
    const kept: KeyValue[] = [];
    let key = "";
    for (const attribute of span.attributes) {
      if (!metric.keys.has(attribute.key)) continue;
      kept.push(attribute);
      key += `${attribute.key}\u0001${scalar(attribute.value)}\u0002`;
    }
    let histogram = byAttributes.get(key);
    // semconv era hook: older conventions' histograms are in ms.
    const seconds = metric.unit === "s";
    if (histogram === undefined) {
      byAttributes.set(
        key,
        histogram = new Histogram(kept, seconds ? SECONDS_BOUNDS : durationBounds(metric.unit), true),
      );
    }
    histogram.record((span.endUs - span.startUs) / (seconds ? 1e6 : microsecondsPer(metric.unit) ?? 1000), span);
    if (metric.also) this.span(instance, span, metric.also);
  }

  /** Every instance's metrics as of `timeUs`; starts the next interval. */
  collect(timeUs: number): InstanceMetrics[] {
    const out: InstanceMetrics[] = [];
    const startUs = this.delta ? this.lastCollectUs : this.startUs;
    for (const state of this.states) {
      const metrics = [...this.configured(state, startUs, timeUs), ...this.semconv(state, startUs, timeUs)];
      const points = metrics.reduce((n, m) => n + m.data.points.length, 0);
      if (points > 0) out.push({ instance: state.instance, metrics, points });
      state.intervalHandled = 0;
      state.intervalBusyUs = 0;
      if (this.delta) state.handled = 0;
    }
    this.lastCollectUs = timeUs;
    return out;
  }

  private configured(state: InstanceState, startUs: number, timeUs: number): MetricRecord[] {
    const sample = this.sample(state, timeUs);
    const temporality = this.delta ? TEMPORALITY_DELTA : TEMPORALITY_CUMULATIVE;
    return state.instance.service.metrics.map((metric, i): MetricRecord => {
      const head = { name: metric.name, description: "", unit: metric.unit };
      const base = { attributes: NONE, startUs, timeUs, exemplars: NONE };
      switch (metric.data) {
        case "sum":
          return {
            ...head,
            data: { kind: "sum", temporality, monotonic: true, points: [{ ...base, value: { int: state.handled } }] },
          };
        case "gauge":
          return {
            ...head,
            data: {
              kind: "gauge",
              points: [{ ...base, startUs: timeUs, value: { double: state.models[i]!.sample(sample) } }],
            },
          };
        case "histogram":
          return {
            ...head,
            data: { kind: "histogram", temporality, points: [state.histograms[i]!.point(startUs, timeUs, this.delta)] },
          };
      }
    });
  }

  private semconv(state: InstanceState, startUs: number, timeUs: number): MetricRecord[] {
    const temporality = this.delta ? TEMPORALITY_DELTA : TEMPORALITY_CUMULATIVE;
    const out: MetricRecord[] = [];
    for (const [name, streams] of state.semconv) {
      const points = [...streams.values()]
        .filter((h) => !(this.delta && h.empty))
        .map((h) => h.point(startUs, timeUs, this.delta));
      if (points.length > 0) {
        out.push({
          name,
          description: "",
          unit: this.semconvUnits.get(name)!,
          data: { kind: "histogram", temporality, points },
        });
      }
    }
    return out;
  }

  private sample(state: InstanceState, timeUs: number): MetricSample {
    return {
      timeUs,
      intervalUs: Math.max(1, timeUs - this.lastCollectUs),
      requests: state.intervalHandled,
      busyUs: state.intervalBusyUs,
    };
  }
}

/** An attribute value as text for a stream key: the kind first, so `"7"` and `7` stay apart. */
function scalar(value: KeyValue["value"]): string {
  if ("string" in value) return `s${value.string}`;
  if ("int" in value) return `i${value.int}`;
  if ("bool" in value) return `b${value.bool}`;
  if ("double" in value) return `d${value.double}`;
  return `j${JSON.stringify(value)}`;
}
