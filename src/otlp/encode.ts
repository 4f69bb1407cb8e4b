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

export { encodeResourceSpans } from "./encode-spans.ts";
export { encodeResourceLogs } from "./encode-logs.ts";
export { encodeResourceMetrics } from "./encode-metrics.ts";
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
 * header), so the request is copied once. It is written into `buffer` (and a view of it returned) when that
 * is large enough, else into a new array: a transport that reuses one buffer spares the system handing out
 * fresh memory for every request (see RequestBuffers).
 */
export function encodeExportRequest(
  resourceMessages: readonly Uint8Array[],
  headroom = 0,
  buffer?: Uint8Array,
): Uint8Array {
  let size = 0;
  for (const message of resourceMessages) size += 1 + varintSize(message.length) + message.length;
  const out = buffer !== undefined && buffer.length >= headroom + size
    ? buffer.subarray(0, headroom + size)
    : new Uint8Array(headroom + size);
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
