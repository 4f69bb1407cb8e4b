import type { InstancePlan } from "../engine/plan.ts";
import type { InstanceMetrics } from "../engine/metrics/aggregator.ts";
import {
  encodeResource,
  encodeResourceLogs,
  encodeResourceMetrics,
  encodeResourceSpans,
  ProtoWriter,
} from "../otlp/encode.ts";
import { varintSize } from "../otlp/proto-writer.ts";
import type { BufferPool } from "../otlp/buffer-pool.ts";
import type { ExportRequest } from "../plugin-host/plugin.ts";
import type { LogRecord, SpanRecord } from "../telemetry/records.ts";

/** One encoded ResourceSpans/ResourceLogs/ResourceMetrics and how many items it holds. */
interface Chunk {
  readonly bytes: Uint8Array;
  readonly items: number;
}

/**
 * Collects the spans and logs of a batch of requests per service instance and encodes them into export
 * requests, one ResourceSpans/ResourceLogs per instance as its SDK would send, each request under the
 * receiver's message limit: requests are split by resource and, when one resource alone is too big, by
 * halving its items.
 */
export class BatchBuilder {
  private readonly writer: ProtoWriter;
  private readonly resources: Uint8Array[];
  private readonly spans: SpanRecord[][];
  private readonly logs: LogRecord[][];
  private spanCount = 0;
  private logCount = 0;
  requests = 0;

  private readonly buffers: BufferPool | undefined;

  constructor(
    private readonly instances: readonly InstancePlan[],
    private readonly maxMessageBytes: number,
    options: {
      /** Where requests are written when their bytes are given back after export (else each is a copy). */
      readonly buffers?: BufferPool | undefined;
      /** A builder whose writer, buffers and encoded resources this one shares (encoding is synchronous). */
      readonly from?: BatchBuilder;
    } = {},
  ) {
    const { from } = options;
    this.buffers = from?.buffers ?? options.buffers;
    this.writer = from?.writer ?? new ProtoWriter(1 << 20, this.buffers);
    this.resources = from?.resources ?? instances.map((instance) => encodeResource(instance.resource));
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

  /**
   * Takes back the spans and log records of the trace added last (a request that failed half-way): they
   * are at the end of each instance's lists. Returns how many of each were taken.
   */
  discard(traceId: Uint8Array): { spans: number; logs: number } {
    const spans = popTrace(this.spans, traceId);
    const logs = popTrace(this.logs, traceId);
    this.spanCount -= spans;
    this.logCount -= logs;
    return { spans, logs };
  }

  /** How many spans and log records each instance has so far: where `moveSince` takes from. */
  mark(): BatchMark {
    return { spans: this.spans.map((list) => list.length), logs: this.logs.map((list) => list.length) };
  }

  /** Moves the spans and log records added since `mark` into `into`: a request to be sent on its own. */
  moveSince(mark: BatchMark, into: BatchBuilder): void {
    const spans = moveTails(this.spans, mark.spans, into.spans);
    const logs = moveTails(this.logs, mark.logs, into.logs);
    this.spanCount -= spans;
    this.logCount -= logs;
    into.spanCount += spans;
    into.logCount += logs;
  }

  /** The batch's trace and log export requests (none for an empty signal); the builder starts afresh. */
  take(): ExportRequest[] {
    const out: ExportRequest[] = [];
    if (this.spanCount > 0) {
      out.push(
        ...this.pack(
          "traces",
          this.encodeEach(
            this.spans,
            (resource, instance, spans) => encodeResourceSpans(this.writer, resource, instance.service.scope, spans),
          ),
        ),
      );
    }
    if (this.logCount > 0) {
      out.push(
        ...this.pack(
          "logs",
          this.encodeEach(
            this.logs,
            (resource, instance, logs) => encodeResourceLogs(this.writer, resource, instance.service.logScope, logs),
          ),
        ),
      );
    }
    this.spanCount = 0;
    this.logCount = 0;
    this.requests = 0;
    return out;
  }

  /** The metrics export requests holding every instance's collected metrics. */
  metrics(collected: readonly InstanceMetrics[]): ExportRequest[] {
    const chunks = collected.filter((c) => c.points > 0).flatMap(({ instance, metrics }) =>
      this.chunked(
        metrics,
        (items) => encodeResourceMetrics(this.writer, this.resources[instance.index]!, instance.service.scope, items),
        (m) => m.data.points.length,
      )
    );
    return this.pack("metrics", chunks);
  }

  private encodeEach<T>(
    perInstance: T[][],
    encode: (resource: Uint8Array, instance: InstancePlan, items: readonly T[]) => Uint8Array,
  ): Chunk[] {
    const out: Chunk[] = [];
    for (let i = 0; i < perInstance.length; i++) {
      const items = perInstance[i]!;
      if (items.length === 0) continue;
      out.push(...this.chunked(items, (part) => encode(this.resources[i]!, this.instances[i]!, part), () => 1));
      perInstance[i] = [];
    }
    return out;
  }

  /** Encodes `items` as one resource message, or, when that is over the limit, as several of halves. */
  private chunked<T>(
    items: readonly T[],
    encode: (items: readonly T[]) => Uint8Array,
    count: (item: T) => number,
  ): Chunk[] {
    const bytes = encode(items);
    if (framed(bytes) <= this.maxMessageBytes || items.length === 1) {
      let n = 0;
      for (let i = 0; i < items.length; i++) n += count(items[i]!);
      return [{ bytes, items: n }];
    }
    this.buffers?.giveBack(bytes);
    const half = Math.ceil(items.length / 2);
    return [...this.chunked(items.slice(0, half), encode, count), ...this.chunked(items.slice(half), encode, count)];
  }

  /** Packs resource messages, in order, into as few requests as fit under the limit. */
  private pack(signal: ExportRequest["signal"], chunks: readonly Chunk[]): ExportRequest[] {
    const out: ExportRequest[] = [];
    let resources: Uint8Array[] = [];
    let items = 0;
    let bytes = 0;
    for (const chunk of chunks) {
      const size = framed(chunk.bytes);
      if (resources.length > 0 && bytes + size > this.maxMessageBytes) {
        out.push({ signal, items, resources, bytes });
        [resources, items, bytes] = [[], 0, 0];
      }
      resources.push(chunk.bytes);
      items += chunk.items;
      bytes += size;
    }
    if (resources.length > 0) out.push({ signal, items, resources, bytes });
    return out;
  }
}

/** Size of a resource message inside the request: field 1's tag byte, its length varint, and the message. */
function framed(message: Uint8Array): number {
  return 1 + varintSize(message.length) + message.length;
}

/** Where a builder's lists ended at some moment. */
export interface BatchMark {
  readonly spans: readonly number[];
  readonly logs: readonly number[];
}

/** Moves each list's items past its marked length to the end of the same list in `into`; returns how many. */
function moveTails<T>(lists: T[][], lengths: readonly number[], into: T[][]): number {
  let moved = 0;
  for (let i = 0; i < lists.length; i++) {
    const list = lists[i]!;
    if (list.length === lengths[i]) continue;
    const tail = list.splice(lengths[i]!);
    into[i]!.push(...tail);
    moved += tail.length;
  }
  return moved;
}

/** Removes the records of `traceId` from the end of each list; returns how many there were. */
function popTrace(lists: readonly { traceId?: Uint8Array | undefined }[][], traceId: Uint8Array): number {
  let taken = 0;
  for (const list of lists) {
    while (list.length > 0 && sameBytes(list[list.length - 1]!.traceId, traceId)) {
      list.pop();
      taken++;
    }
  }
  return taken;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((byte, i) => byte === b[i]);
}
