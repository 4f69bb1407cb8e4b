import type { InstancePlan } from "../engine/plan.ts";
import type { InstanceMetrics } from "../engine/metrics/aggregator.ts";
import {
  encodeResource,
  framedRequest,
  ProtoWriter,
  REQUEST_HEADROOM,
  writeResourceLogs,
  writeResourceMetrics,
  writeResourceSpans,
} from "../otlp/encode.ts";
import { varintSize } from "../otlp/proto-writer.ts";
import type { ExportRequest, Signal } from "../plugin-host/plugin.ts";
import type { LogRecord, SpanRecord } from "../telemetry/records.ts";

const HEADROOM = new Uint8Array(REQUEST_HEADROOM);

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

  constructor(
    private readonly instances: readonly InstancePlan[],
    private readonly maxMessageBytes: number,
    /** A builder whose writer and encoded resources this one shares (encoding is synchronous). */
    from?: BatchBuilder,
  ) {
    this.writer = from?.writer ?? new ProtoWriter(1 << 20);
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
      const parts = this.parts(this.spans);
      out.push(
        ...this.exportRequests(
          "traces",
          parts,
          (index, spans) =>
            writeResourceSpans(this.writer, this.resources[index]!, this.instances[index]!.service.scope, spans, "", 1),
        ),
      );
    }
    if (this.logCount > 0) {
      const parts = this.parts(this.logs);
      out.push(
        ...this.exportRequests(
          "logs",
          parts,
          (index, logs) =>
            writeResourceLogs(
              this.writer,
              this.resources[index]!,
              this.instances[index]!.service.logScope,
              logs,
              "",
              1,
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
    const parts = collected.filter((c) => c.points > 0).map(({ instance, metrics }) => ({
      index: instance.index,
      items: metrics,
    }));
    return this.exportRequests(
      "metrics",
      parts,
      (index, metrics) =>
        writeResourceMetrics(this.writer, this.resources[index]!, this.instances[index]!.service.scope, metrics, "", 1),
      (metric) => metric.data.points.length,
    );
  }

  /** Each instance's items that are there, by instance; the lists start afresh. */
  private parts<T>(perInstance: T[][]): Part<T>[] {
    const out: Part<T>[] = [];
    for (let i = 0; i < perInstance.length; i++) {
      if (perInstance[i]!.length === 0) continue;
      out.push({ index: i, items: perInstance[i]! });
      perInstance[i] = [];
    }
    return out;
  }

  /**
   * Export requests holding `parts`, in order, each written straight into one buffer: room for a transport's
   * header (gRPC's), then one resource message per part framed as field 1 of the Export*ServiceRequest,
   * under the message limit. A part too big alone is written as several of halves of its items. The
   * requests' `resources` are views of that buffer, which `encodeExportRequest` then sends without a copy.
   */
  private exportRequests<T>(
    signal: Signal,
    parts: readonly Part<T>[],
    write: (index: number, items: readonly T[]) => void,
    count: (item: T) => number = () => 1,
  ): ExportRequest[] {
    const out: ExportRequest[] = [];
    const writer = this.writer;
    let framesAt: number[] = [];
    let items = 0;
    const begin = () => {
      writer.reset();
      writer.raw(HEADROOM);
      [framesAt, items] = [[], 0];
    };
    const end = () => {
      if (framesAt.length === 0) return;
      const buffer = framedRequest(writer.finish());
      const ends = [...framesAt.slice(1), buffer.length];
      const resources = framesAt.map((at, i) => buffer.subarray(at + frameLength(ends[i]! - at), ends[i]!));
      out.push({ signal, items, resources, bytes: buffer.length - HEADROOM.length });
    };
    const add = (index: number, list: readonly T[]) => {
      let at = writer.length;
      write(index, list);
      if (writer.length - at > this.maxMessageBytes && list.length > 1) {
        writer.truncate(at);
        const half = Math.ceil(list.length / 2);
        add(index, list.slice(0, half));
        add(index, list.slice(half));
        return;
      }
      if (framesAt.length > 0 && writer.length - HEADROOM.length > this.maxMessageBytes) {
        // It does not fit beside the others: it starts the next request.
        const frame = writer.copyFrom(at);
        writer.truncate(at);
        end();
        begin();
        at = writer.length;
        writer.raw(frame);
      }
      framesAt.push(at);
      for (let i = 0; i < list.length; i++) items += count(list[i]!);
    };
    begin();
    for (const part of parts) add(part.index, part.items);
    end();
    return out;
  }
}

/** One instance's items of a signal. */
interface Part<T> {
  readonly index: number;
  readonly items: readonly T[];
}

/** The size of a frame's tag and length prefix, from the whole frame's (a one-byte tag, the length, the message). */
function frameLength(frameSize: number): number {
  let lengthBytes = 1;
  while (varintSize(frameSize - 1 - lengthBytes) !== lengthBytes) lengthBytes++;
  return 1 + lengthBytes;
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
