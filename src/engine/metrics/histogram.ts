import type { ExemplarRecord, HistogramPoint, KeyValue, SpanRecord } from "../../telemetry/records.ts";

const NONE: readonly never[] = [];

/**
 * One explicit-bucket histogram stream. Bucket i counts values in (bounds[i-1], bounds[i]], as OTLP
 * defines; with `exemplars`, each bucket keeps the interval's last measurement that came with a span,
 * as the SDKs' aligned-bucket exemplar reservoir does.
 */
export class Histogram {
  private count = 0;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;
  private readonly buckets: number[];
  private readonly exemplars: (ExemplarRecord | undefined)[] | undefined;

  constructor(
    readonly attributes: readonly KeyValue[],
    readonly bounds: readonly number[],
    exemplars: boolean,
  ) {
    this.buckets = Array(bounds.length + 1).fill(0);
    this.exemplars = exemplars ? Array(bounds.length + 1).fill(undefined) : undefined;
  }

  get empty(): boolean {
    return this.count === 0;
  }

  record(value: number, span?: SpanRecord): void {
    const { bounds } = this;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]!) bucket++;
    this.buckets[bucket]!++;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.exemplars && span) {
      this.exemplars[bucket] = {
        timeUs: span.endUs,
        value,
        traceId: span.traceId,
        spanId: span.spanId,
        filteredAttributes: NONE,
      };
    }
  }

  /** The data point as of `timeUs`; `reset` (delta temporality) starts the stream afresh. Exemplars are per interval. */
  point(startUs: number, timeUs: number, reset: boolean): HistogramPoint {
    const empty = this.count === 0;
    const point: HistogramPoint = {
      attributes: this.attributes,
      startUs,
      timeUs,
      count: this.count,
      sum: this.sum,
      min: empty ? 0 : this.min,
      max: empty ? 0 : this.max,
      bounds: this.bounds,
      bucketCounts: [...this.buckets],
      exemplars: this.exemplars ? this.exemplars.filter((e) => e !== undefined) : NONE,
    };
    this.exemplars?.fill(undefined);
    if (reset) {
      this.count = 0;
      this.sum = 0;
      this.min = Infinity;
      this.max = -Infinity;
      this.buckets.fill(0);
    }
    return point;
  }
}
