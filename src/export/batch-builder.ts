import type { ServicePlan } from "../engine/plan.ts";
import type { ServiceMetrics } from "../metrics/aggregator.ts";
import {
  encodeResource,
  encodeResourceLogs,
  encodeResourceMetrics,
  encodeResourceSpans,
  ProtoWriter,
} from "../otlp/encode.ts";
import { varintSize } from "../otlp/proto-writer.ts";
import type { ExportRequest } from "../plugin.ts";
import type { LogRecord, SpanRecord } from "../telemetry/records.ts";

/**
 * Collects the spans and logs of a batch of requests per service instance and encodes them into one
 * export request per signal, with one ResourceSpans/ResourceLogs per service, as an SDK would send.
 */
export class BatchBuilder {
  private readonly writer = new ProtoWriter(1 << 20);
  private readonly resources: Uint8Array[];
  private readonly spans: SpanRecord[][];
  private readonly logs: LogRecord[][];
  private spanCount = 0;
  private logCount = 0;
  requests = 0;

  constructor(private readonly services: readonly ServicePlan[]) {
    this.resources = services.map((service) => encodeResource(service.resource));
    this.spans = services.map(() => []);
    this.logs = services.map(() => []);
  }

  span(service: ServicePlan, span: SpanRecord): void {
    this.spans[service.index]!.push(span);
    this.spanCount++;
  }

  log(service: ServicePlan, log: LogRecord): void {
    this.logs[service.index]!.push(log);
    this.logCount++;
  }

  /** The batch's trace and log export requests (none for an empty signal); the builder starts afresh. */
  take(): ExportRequest[] {
    const out: ExportRequest[] = [];
    if (this.spanCount > 0) {
      out.push(
        request(
          "traces",
          this.spanCount,
          this.encodeEach(
            this.spans,
            (resource, service, spans) => encodeResourceSpans(this.writer, resource, service.scope, spans),
          ),
        ),
      );
    }
    if (this.logCount > 0) {
      out.push(
        request(
          "logs",
          this.logCount,
          this.encodeEach(
            this.logs,
            (resource, service, logs) => encodeResourceLogs(this.writer, resource, service.scope, logs),
          ),
        ),
      );
    }
    this.spanCount = 0;
    this.logCount = 0;
    this.requests = 0;
    return out;
  }

  /** One metrics export request holding every service's collected metrics. */
  metrics(collected: readonly ServiceMetrics[]): ExportRequest | undefined {
    const withPoints = collected.filter((c) => c.points > 0);
    if (withPoints.length === 0) return undefined;
    const resources = withPoints.map(({ service, metrics }) =>
      encodeResourceMetrics(this.writer, this.resources[service.index]!, service.scope, metrics)
    );
    return request("metrics", withPoints.reduce((sum, c) => sum + c.points, 0), resources);
  }

  private encodeEach<T>(
    perService: T[][],
    encode: (resource: Uint8Array, service: ServicePlan, items: T[]) => Uint8Array,
  ): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = 0; i < perService.length; i++) {
      const items = perService[i]!;
      if (items.length === 0) continue;
      out.push(encode(this.resources[i]!, this.services[i]!, items));
      perService[i] = [];
    }
    return out;
  }
}

function request(signal: ExportRequest["signal"], items: number, resources: Uint8Array[]): ExportRequest {
  // Each resource is framed as field 1: a tag byte and its length varint.
  let bytes = 0;
  for (const resource of resources) bytes += 1 + varintSize(resource.length) + resource.length;
  return { signal, items, resources, bytes };
}
