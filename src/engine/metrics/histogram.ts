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
  /** Per bucket, the interval's last span and its value: made into exemplars only when collected. */
  private readonly exemplarSpans: (SpanRecord | undefined)[] | undefined;
  private readonly exemplarValues: number[];

  constructor(
    readonly attributes: readonly KeyValue[],
    readonly bounds: readonly number[],
    exemplars: boolean,
  ) {
    this.buckets = Array(bounds.length + 1).fill(0);
    this.exemplarSpans = exemplars ? Array(bounds.length + 1).fill(undefined) : undefined;
    this.exemplarValues = exemplars ? Array(bounds.length + 1).fill(0) : [];
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
    if (this.exemplarSpans && span) {
      this.exemplarSpans[bucket] = span;
      this.exemplarValues[bucket] = value;
    }
  }

  private takeExemplars(spans: (SpanRecord | undefined)[]): ExemplarRecord[] {
    const out: ExemplarRecord[] = [];
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i];
      if (span === undefined) continue;
      const { endUs: timeUs, traceId, spanId } = span;
      out.push({ timeUs, value: this.exemplarValues[i]!, traceId, spanId, filteredAttributes: NONE });
      spans[i] = undefined;
    }
    return out;
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
      exemplars: this.exemplarSpans ? this.takeExemplars(this.exemplarSpans) : NONE,
    };
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
