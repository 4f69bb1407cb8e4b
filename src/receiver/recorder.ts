import { fromBinary } from "@bufbuild/protobuf";
import {
  type Metric,
  type ResourceMetrics,
  ResourceMetricsSchema,
} from "../gen/opentelemetry/proto/metrics/v1/metrics_pb.ts";
import { DreamweaverError } from "../plugin-host/errors.ts";
import type { Signal } from "../plugin-host/plugin.ts";
import { MetricCheck } from "./metric-check.ts";
import { stringAttribute, UNKNOWN_SERVICE } from "./otlp-attributes.ts";
import { TraceKeys } from "./otlp-ids.ts";
import { MalformedMessage } from "../otlp/proto-reader.ts";
import { scanResourceLogs } from "./scan-logs.ts";
import { scanResourceSpans } from "./scan-spans.ts";
import { Redeliveries } from "./redeliveries.ts";
import type { Duplicates, ItemCounts, PerSignal, ServiceCounts, SinkReport, SinkStats } from "./report.ts";
import { TimeBuckets } from "./time-buckets.ts";
import {
  type ReceivedLogTargets,
  type ReceivedSpans,
  type SpanFacts,
  TraceCheck,
  type TraceCheckOptions,
} from "./trace-check.ts";

export interface SinkRecorderOptions extends TraceCheckOptions {
  /** Metric streams followed for the counter checks. */
  readonly maxMetricStreams: number;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  /** Per-service rate, errors and latency by time bucket of this many seconds (`--buckets`); absent: none. */
  readonly bucketSeconds?: number;
  /** Requests remembered to recognise a sender's retries of them (see Redeliveries). */
  readonly rememberedRequests: number;
}

/** Which item count a signal's duplicates go to. */
const ITEMS = { traces: "spans", metrics: "dataPoints", logs: "logRecords" } as const;

/**
 * Counts and checks export requests, given as the encoded resources of each (the ResourceSpans,
 * ResourceMetrics or ResourceLogs messages of field 1); knows nothing about the network. A request with a
 * malformed resource throws MalformedMessage and is not recorded at all, as if a decoder had refused it.
 * A request received before is counted as a duplicate (see Redeliveries), its items not counted again.
 */
export class SinkRecorder {
  readonly #started: number;
  readonly #services = new Map<string, ServiceCounts>();
  readonly #totals: ItemCounts = { spans: 0, dataPoints: 0, logRecords: 0 };
  readonly #requests: PerSignal = { traces: 0, metrics: 0, logs: 0 };
  readonly #bytes: PerSignal = { traces: 0, metrics: 0, logs: 0 };
  #rejected = 0;
  readonly #traces: TraceCheck;
  readonly #metrics: MetricCheck;
  readonly #keys = new TraceKeys();
  readonly #buckets: TimeBuckets | undefined;
  readonly #redeliveries: Redeliveries;
  readonly #duplicates: Duplicates = { requests: 0, spans: 0, dataPoints: 0, logRecords: 0 };

  constructor(readonly options: SinkRecorderOptions) {
    this.#started = options.now();
    this.#traces = new TraceCheck(options);
    this.#metrics = new MetricCheck(options.maxMetricStreams);
    if (options.bucketSeconds !== undefined) this.#buckets = new TimeBuckets(options.bucketSeconds);
    this.#redeliveries = new Redeliveries(options.rememberedRequests);
  }

  traces(resources: readonly Uint8Array[]): void {
    // Scan everything first: a request is recorded whole or, when malformed, not at all.
    const spans: ReceivedSpans = { traceIds: [], spans: [] };
    const scanned = resources.map((bytes) => scanResourceSpans(bytes, spans, this.#keys));
    this.#requests.traces++;
    if (this.#redelivered("traces", resources, spans.spans.length)) return;
    let first = 0;
    for (const { service, items } of scanned) {
      const counts = this.#service(service);
      counts.spans += items;
      this.#totals.spans += items;
      if (this.#buckets) bucket(this.#buckets, counts.service, spans.spans, first, first + items);
      first += items;
    }
    this.#traces.addSpans(spans, this.options.now());
  }

  /** Metrics are few (a few points per stream per interval), so they are decoded in full for their checks. */
  metrics(resources: readonly Uint8Array[]): void {
    const decoded = resources.map(decodeResourceMetrics);
    this.#requests.metrics++;
    const points = decoded.reduce((total, resource) => total + resourcePoints(resource), 0);
    if (this.#redelivered("metrics", resources, points)) return;
    for (const resourceMetrics of decoded) {
      const attributes = resourceMetrics.resource?.attributes ?? [];
      const counts = this.#service(stringAttribute(attributes, "service.name"));
      const source = { service: counts.service, instance: stringAttribute(attributes, "service.instance.id") ?? "" };
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        for (const metric of scopeMetrics.metrics) {
          const points = dataPointCount(metric);
          counts.dataPoints += points;
          this.#totals.dataPoints += points;
          this.#metrics.observe(source, metric);
        }
      }
    }
  }

  logs(resources: readonly Uint8Array[]): void {
    const targets: ReceivedLogTargets = { traceIds: [], spanHighs: [], spanLows: [] };
    const scanned = resources.map((bytes) => scanResourceLogs(bytes, targets, this.#keys));
    this.#requests.logs++;
    const records = scanned.reduce((total, { items }) => total + items, 0);
    if (this.#redelivered("logs", resources, records)) return;
    for (const { service, items } of scanned) {
      this.#service(service).logRecords += items;
      this.#totals.logRecords += items;
    }
    this.#traces.addLogRecords(targets, this.options.now());
  }

  /** Counts request body bytes, whether or not the request was accepted. */
  received(signal: Signal, bytes: number): void {
    this.#bytes[signal] += bytes;
  }

  rejected(): void {
    this.#rejected++;
  }

  /** Checks the traces that have gone idle. */
  sweep(): void {
    this.#traces.sweep(this.options.now());
  }

  stats(): SinkStats {
    return {
      uptimeMs: Math.round(this.options.now() - this.#started),
      requests: { ...this.#requests },
      rejectedRequests: this.#rejected,
      bytes: { ...this.#bytes },
      ...this.#totals,
      duplicates: { ...this.#duplicates },
      openTraces: this.#traces.openTraces,
      violations: this.#traces.violations() + this.#metrics.violations(),
    };
  }

  /** Checks every open trace first: the report covers everything received so far. */
  report(): SinkReport {
    this.#traces.finalizeAll();
    const services = [...this.#services.values()].map((counts) => ({ ...counts }));
    return {
      ...this.stats(),
      services: services.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0)),
      checks: { traces: this.#traces.checks(), metrics: this.#metrics.checks() },
      examples: { ...this.#traces.examples(), ...this.#metrics.examples() },
      ...(this.#buckets && { buckets: this.#buckets.report() }),
    };
  }

  /**
   * Whether a request is one received before (a sender's retry of a call whose answer it never got): its
   * items are counted as duplicates, and not again as received or checked.
   */
  #redelivered(signal: Signal, resources: readonly Uint8Array[], items: number): boolean {
    if (!this.#redeliveries.repeated(signal, resources)) return false;
    this.#duplicates.requests++;
    this.#duplicates[ITEMS[signal]] += items;
    return true;
  }

  #service(name: string | undefined): ServiceCounts {
    const service = name ?? UNKNOWN_SERVICE;
    let counts = this.#services.get(service);
    if (counts === undefined) {
      counts = { service, spans: 0, dataPoints: 0, logRecords: 0 };
      this.#services.set(service, counts);
    }
    return counts;
  }
}

/** Adds spans[from..to) of one service to the time buckets. */
function bucket(buckets: TimeBuckets, service: string, spans: readonly SpanFacts[], from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const span = spans[i]!;
    const startNs = span.startHigh * 2 ** 32 + span.startLow;
    const durationNs = (span.endHigh - span.startHigh) * 2 ** 32 + (span.endLow - span.startLow);
    buckets.add(service, span.kind, startNs, durationNs, span.error);
  }
}

function decodeResourceMetrics(bytes: Uint8Array): ResourceMetrics {
  try {
    return fromBinary(ResourceMetricsSchema, bytes);
  } catch (error) {
    throw new MalformedMessage(DreamweaverError.from(error, { code: "USAGE" }).message, { cause: error });
  }
}

function resourcePoints(resource: ResourceMetrics): number {
  let points = 0;
  for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) points += dataPointCount(metric);
  return points;
}

function dataPointCount(metric: Metric): number {
  return metric.data.case === undefined ? 0 : metric.data.value.dataPoints.length;
}
