import type { InstancePlan } from "../engine/plan.ts";
import type { InstanceMetrics } from "../metrics/aggregator.ts";
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
 * export request per signal, with one ResourceSpans/ResourceLogs per instance, as its SDK would send.
 */
export class BatchBuilder {
  private readonly writer = new ProtoWriter(1 << 20);
  private readonly resources: Uint8Array[];
  private readonly spans: SpanRecord[][];
  private readonly logs: LogRecord[][];
  private spanCount = 0;
  private logCount = 0;
  requests = 0;

  constructor(private readonly instances: readonly InstancePlan[]) {
    this.resources = instances.map((instance) => encodeResource(instance.resource));
    this.spans = instances.map(() => []);
    this.logs = instances.map(() => []);
  }

  span(instance: InstancePlan, span: SpanRecord): void {
    this.spans[instance.index]!.push(span);
    this.spanCount++;
  }

  log(instance: InstancePlan, log: LogRecord): void {
    this.logs[instance.index]!.push(log);
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
            (resource, instance, spans) => encodeResourceSpans(this.writer, resource, instance.service.scope, spans),
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
            (resource, instance, logs) => encodeResourceLogs(this.writer, resource, instance.service.scope, logs),
          ),
        ),
      );
    }
    this.spanCount = 0;
    this.logCount = 0;
    this.requests = 0;
    return out;
  }

  /** One metrics export request holding every instance's collected metrics. */
  metrics(collected: readonly InstanceMetrics[]): ExportRequest | undefined {
    const withPoints = collected.filter((c) => c.points > 0);
    if (withPoints.length === 0) return undefined;
    const resources = withPoints.map(({ instance, metrics }) =>
      encodeResourceMetrics(this.writer, this.resources[instance.index]!, instance.service.scope, metrics)
    );
    return request("metrics", withPoints.reduce((sum, c) => sum + c.points, 0), resources);
  }

  private encodeEach<T>(
    perService: T[][],
    encode: (resource: Uint8Array, instance: InstancePlan, items: T[]) => Uint8Array,
  ): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = 0; i < perService.length; i++) {
      const items = perService[i]!;
      if (items.length === 0) continue;
      out.push(encode(this.resources[i]!, this.instances[i]!, items));
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
