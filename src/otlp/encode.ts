// Hand-written OTLP protobuf encoding of Dreamweaver's telemetry records: the public entry points.
//
// The output is byte-identical to protobuf-es `toBinary` on the equivalent messages (test/otlp-encode.test.ts
// checks this), only without building message objects or bigints, which the generator cannot afford per span.
//
// Usage: encode each service instance's Resource once with `encodeResource`; encode each batch with
// `encodeResourceSpans`/`encodeResourceLogs`/`encodeResourceMetrics` and one reused ProtoWriter; frame the
// batches of one export call with `encodeExportRequest`.
import type { ResourceRecord } from "../telemetry/records.ts";
import { writeKeyValues } from "./encode-common.ts";
import { ProtoWriter, varintSize } from "./proto-writer.ts";

export { encodeResourceSpans, writeResourceSpans } from "./encode-spans.ts";
export { encodeResourceLogs, writeResourceLogs } from "./encode-logs.ts";
export { encodeResourceMetrics, writeResourceMetrics } from "./encode-metrics.ts";
export { ProtoWriter } from "./proto-writer.ts";

/** The bytes of a Resource message (its attributes), to pass to the `encodeResource*` functions. */
export function encodeResource(resource: ResourceRecord): Uint8Array {
  const writer = new ProtoWriter(1024);
  writeKeyValues(writer, 1, resource.attributes);
  return writer.finish();
}

/**
 * An Export{Trace,Metrics,Logs}ServiceRequest: each of `resourceMessages` (encoded ResourceSpans,
 * ResourceMetrics or ResourceLogs) framed as field 1, which is the only field of all three requests.
 * `headroom` bytes are left free before the message, for a transport's framing (gRPC's 5-byte envelope
 * header), so the request is copied once.
 */
export function encodeExportRequest(resourceMessages: readonly Uint8Array[], headroom = 0): Uint8Array {
  const inPlace = framedInPlace(resourceMessages, headroom);
  if (inPlace !== undefined) return inPlace;
  let size = 0;
  for (const message of resourceMessages) size += 1 + varintSize(message.length) + message.length;
  const out = new Uint8Array(headroom + size);
  let pos = headroom;
  for (const message of resourceMessages) {
    out[pos++] = 0x0a; // field 1, wire type 2 (length-delimited)
    let length = message.length;
    while (length > 127) {
      out[pos++] = (length & 127) | 128;
      length >>>= 7;
    }
    out[pos++] = length;
    out.set(message, pos);
    pos += message.length;
  }
  return out;
}

/** The header room a framed request buffer leaves before its first message: gRPC's envelope header. */
export const REQUEST_HEADROOM = 5;

/** Buffers holding whole Export*ServiceRequests after REQUEST_HEADROOM free bytes (see `framedRequest`). */
const framedBuffers = new WeakSet<ArrayBufferLike>();

/**
 * Declares `buffer` a whole Export*ServiceRequest after REQUEST_HEADROOM free bytes, whose resource messages
 * are handed out as views: `encodeExportRequest` then returns it as it is instead of copying them again.
 */
export function framedRequest(buffer: Uint8Array): Uint8Array {
  framedBuffers.add(buffer.buffer);
  return buffer;
}

/**
 * The request `encodeExportRequest` would build, when `messages` are views of a `framedRequest` buffer that
 * holds exactly them, framed and in order, with at least `headroom` bytes before the first: that part of
 * the buffer, without a copy.
 */
function framedInPlace(messages: readonly Uint8Array[], headroom: number): Uint8Array | undefined {
  const first = messages[0];
  if (first === undefined || headroom > REQUEST_HEADROOM || !framedBuffers.has(first.buffer)) return undefined;
  const start = first.byteOffset - 1 - varintSize(first.length);
  if (start !== REQUEST_HEADROOM) return undefined;
  let end = first.byteOffset + first.length;
  for (let i = 1; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.buffer !== first.buffer || message.byteOffset - 1 - varintSize(message.length) !== end) {
      return undefined;
    }
    end = message.byteOffset + message.length;
  }
  if (end !== first.buffer.byteLength) return undefined;
  return new Uint8Array(first.buffer, start - headroom, end - start + headroom);
}
