import {
  AggregationTemporality,
  type ExponentialHistogramDataPoint,
  type HistogramDataPoint,
  type Metric,
  type NumberDataPoint,
} from "../gen/opentelemetry/proto/metrics/v1/metrics_pb.ts";
import { attributesKey } from "./otlp-attributes.ts";
import { Tally } from "./tally.ts";

/** What the metric checks count, each with the sentence the human report prints for it. */
export const METRIC_VIOLATIONS = {
  counterDecreases: "cumulative counter points lower than an earlier point",
  counterStartChanges: "cumulative counter points whose start time changed",
  histogramCountMismatches: "histogram points whose count is not the sum of their buckets",
} as const;

export type MetricViolation = keyof typeof METRIC_VIOLATIONS;

/**
 * Counts of the metric checks: streams followed, streams left unchecked because the stream limit was
 * reached, histogram points checked, and one count per violation.
 */
export type MetricChecks =
  & { counterStreams: number; untrackedStreams: number; histogramPoints: number }
  & Record<MetricViolation, number>;

/** Where a data point comes from: the resource attributes that identify its stream. */
export interface MetricSource {
  readonly service: string;
  readonly instance: string;
}

interface CounterState {
  start: bigint;
  time: bigint;
  value: number;
}

/**
 * Checks metric data points as they arrive. Cumulative monotonic sums are followed per stream
 * (service.name, service.instance.id, metric name, point attributes) up to `maxStreams` streams.
 */
export class MetricCheck {
  readonly #counters = new Map<string, CounterState>();
  readonly #tally = new Tally(Object.keys(METRIC_VIOLATIONS) as MetricViolation[]);
  readonly #untrackedStreams = new Set<string>();
  #histogramPoints = 0;

  constructor(readonly maxStreams = 100_000) {}

  observe(source: MetricSource, metric: Metric): void {
    const data = metric.data;
    switch (data.case) {
      case "sum":
        if (data.value.isMonotonic && data.value.aggregationTemporality === AggregationTemporality.CUMULATIVE) {
          for (const point of data.value.dataPoints) this.#observeCounter(source, metric.name, point);
        }
        break;
      case "histogram":
        for (const point of data.value.dataPoints) this.#checkHistogram(source, metric.name, point);
        break;
      case "exponentialHistogram":
        for (const point of data.value.dataPoints) this.#checkExponentialHistogram(source, metric.name, point);
        break;
    }
  }

  checks(): MetricChecks {
    return {
      counterStreams: this.#counters.size,
      untrackedStreams: this.#untrackedStreams.size,
      histogramPoints: this.#histogramPoints,
      ...this.#tally.counts(),
    };
  }

  violations(): number {
    return this.#tally.total();
  }

  /** Up to three streams (`service/instance metric{attributes}`) per violation found. */
  examples(): Partial<Record<MetricViolation, string[]>> {
    return this.#tally.examples();
  }

  #observeCounter(source: MetricSource, name: string, point: NumberDataPoint): void {
    const stream = streamName(source, name, point.attributes);
    const value = point.value.case === undefined ? 0 : Number(point.value.value);
    const state = this.#counters.get(stream);
    if (state === undefined) {
      this.#track(stream, { start: point.startTimeUnixNano, time: point.timeUnixNano, value });
      return;
    }
    if (point.startTimeUnixNano !== state.start) {
      // A new start time means the counter was reset, so a lower value is expected; count it once.
      this.#tally.add("counterStartChanges", stream);
      Object.assign(state, { start: point.startTimeUnixNano, time: point.timeUnixNano, value });
      return;
    }
    // Exports may overtake each other on the wire; order points by their own time, not by arrival.
    if (point.timeUnixNano < state.time) return;
    if (value < state.value) this.#tally.add("counterDecreases", stream);
    state.time = point.timeUnixNano;
    state.value = value;
  }

  #track(stream: string, state: CounterState): void {
    if (this.#counters.size < this.maxStreams) this.#counters.set(stream, state);
    else if (this.#untrackedStreams.size < this.maxStreams) this.#untrackedStreams.add(stream);
  }

  #checkHistogram(source: MetricSource, name: string, point: HistogramDataPoint): void {
    this.#histogramPoints++;
    // Empty bucket_counts is allowed: a histogram with only count and sum.
    if (point.bucketCounts.length === 0) return;
    const bucketsMatchBounds = point.bucketCounts.length === point.explicitBounds.length + 1;
    if (!bucketsMatchBounds || sum(point.bucketCounts) !== point.count) {
      this.#tally.add("histogramCountMismatches", streamName(source, name, point.attributes));
    }
  }

  #checkExponentialHistogram(source: MetricSource, name: string, point: ExponentialHistogramDataPoint): void {
    this.#histogramPoints++;
    const buckets = point.zeroCount + sum(point.positive?.bucketCounts ?? []) + sum(point.negative?.bucketCounts ?? []);
    if (buckets !== point.count) {
      this.#tally.add("histogramCountMismatches", streamName(source, name, point.attributes));
    }
  }
}

function streamName(source: MetricSource, name: string, attributes: NumberDataPoint["attributes"]): string {
  return `${source.service}/${source.instance} ${name}{${attributesKey(attributes)}}`;
}

function sum(counts: readonly bigint[]): bigint {
  let total = 0n;
  for (const count of counts) total += count;
  return total;
}
