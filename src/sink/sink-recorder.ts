import type { ExportLogsServiceRequest } from "../gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import type { ExportMetricsServiceRequest } from "../gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import type { ExportTraceServiceRequest } from "../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import type { Metric } from "../gen/opentelemetry/proto/metrics/v1/metrics_pb.ts";
import type { Resource } from "../gen/opentelemetry/proto/resource/v1/resource_pb.ts";
import type { Signal } from "../plugin.ts";
import { MetricCheck } from "./metric-check.ts";
import { stringAttribute, UNKNOWN_SERVICE } from "./otlp-attributes.ts";
import type { ItemCounts, PerSignal, ServiceCounts, SinkReport, SinkStats } from "./sink-report.ts";
import { TraceCheck, type TraceCheckOptions } from "./trace-check.ts";

export interface SinkRecorderOptions extends TraceCheckOptions {
  /** Metric streams followed for the counter checks. */
  readonly maxMetricStreams: number;
  /** Monotonic milliseconds. */
  readonly now: () => number;
}

/** Counts and checks decoded export requests; knows nothing about the network. */
export class SinkRecorder {
  readonly #started: number;
  readonly #services = new Map<string, ServiceCounts>();
  readonly #totals: ItemCounts = { spans: 0, dataPoints: 0, logRecords: 0 };
  readonly #requests: PerSignal = { traces: 0, metrics: 0, logs: 0 };
  readonly #bytes: PerSignal = { traces: 0, metrics: 0, logs: 0 };
  #rejected = 0;
  readonly #traces: TraceCheck;
  readonly #metrics: MetricCheck;

  constructor(readonly options: SinkRecorderOptions) {
    this.#started = options.now();
    this.#traces = new TraceCheck(options);
    this.#metrics = new MetricCheck(options.maxMetricStreams);
  }

  traces(request: ExportTraceServiceRequest): void {
    this.#requests.traces++;
    const now = this.options.now();
    for (const resourceSpans of request.resourceSpans) {
      const counts = this.#service(resourceSpans.resource);
      for (const scopeSpans of resourceSpans.scopeSpans) {
        counts.spans += scopeSpans.spans.length;
        this.#totals.spans += scopeSpans.spans.length;
        for (const span of scopeSpans.spans) this.#traces.addSpan(span, now);
      }
    }
  }

  metrics(request: ExportMetricsServiceRequest): void {
    this.#requests.metrics++;
    for (const resourceMetrics of request.resourceMetrics) {
      const counts = this.#service(resourceMetrics.resource);
      const source = {
        service: counts.service,
        instance: stringAttribute(resourceMetrics.resource?.attributes ?? [], "service.instance.id") ?? "",
      };
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

  logs(request: ExportLogsServiceRequest): void {
    this.#requests.logs++;
    const now = this.options.now();
    for (const resourceLogs of request.resourceLogs) {
      const counts = this.#service(resourceLogs.resource);
      for (const scopeLogs of resourceLogs.scopeLogs) {
        counts.logRecords += scopeLogs.logRecords.length;
        this.#totals.logRecords += scopeLogs.logRecords.length;
        for (const record of scopeLogs.logRecords) this.#traces.addLogRecord(record.traceId, record.spanId, now);
      }
    }
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
    };
  }

  #service(resource: Resource | undefined): ServiceCounts {
    const service = stringAttribute(resource?.attributes ?? [], "service.name") ?? UNKNOWN_SERVICE;
    let counts = this.#services.get(service);
    if (counts === undefined) {
      counts = { service, spans: 0, dataPoints: 0, logRecords: 0 };
      this.#services.set(service, counts);
    }
    return counts;
  }
}

function dataPointCount(metric: Metric): number {
  return metric.data.case === undefined ? 0 : metric.data.value.dataPoints.length;
}
