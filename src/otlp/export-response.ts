// What an OTLP receiver answers an export with. Exporters need two small messages of it, read in place
// with the one protobuf reader rather than generated for a number or two. Like a decoder, a reader
// refuses (throws MalformedMessage) a message that is not valid protobuf or a known field of another
// wire type, and a repeated message field merges into one, its last value of each field winning.
import { expectWireType, LEN, ProtoReader, VARINT } from "./proto-reader.ts";

/**
 * The count of rejected items in a protobuf Export*ServiceResponse: `partial_success` (field 1) holds it
 * in its field 1 in all three signals (rejected spans, data points or log records). 0 without a partial
 * success. Throws on bytes that are not such a message.
 *
 * @example
 * const rejected = readRejectedItems(new Uint8Array(await response.arrayBuffer()));
 */
export function readRejectedItems(response: Uint8Array): number {
  const r = new ProtoReader(response);
  const limit = response.length;
  let rejected = 0;
  while (r.pos < limit) {
    const tag = r.tag();
    if (tag >>> 3 !== 1) {
      r.skip(tag, limit, 0);
      continue;
    }
    expectWireType(tag, LEN, "export response");
    const end = r.delimited(limit);
    while (r.pos < end) {
      const partial = r.tag();
      if (partial >>> 3 === 1) {
        expectWireType(partial, VARINT, "partial success");
        rejected = r.int64();
      } else r.skip(partial, end, 1);
    }
    r.end(end);
  }
  return rejected;
}

/**
 * The retry delay of a google.rpc.RetryInfo, the error detail with which a gRPC receiver says when to try
 * again, in milliseconds (never negative); no `delayMs` when it gives none. Throws on bytes that are not
 * such a message.
 *
 * @example
 * const { delayMs } = readRetryInfo(detail.value);
 */
export function readRetryInfo(retryInfo: Uint8Array): { delayMs?: number } {
  // RetryInfo { Duration retry_delay = 1 }, Duration { int64 seconds = 1; int32 nanos = 2 }.
  const r = new ProtoReader(retryInfo);
  const limit = retryInfo.length;
  let delay: { seconds: number; nanos: number } | undefined;
  while (r.pos < limit) {
    const tag = r.tag();
    if (tag >>> 3 !== 1) {
      r.skip(tag, limit, 0);
      continue;
    }
    expectWireType(tag, LEN, "retry info");
    const end = r.delimited(limit);
    delay ??= { seconds: 0, nanos: 0 };
    while (r.pos < end) {
      const duration = r.tag();
      const field = duration >>> 3;
      if (field === 1 || field === 2) {
        expectWireType(duration, VARINT, "duration");
        if (field === 1) delay.seconds = r.int64();
        else delay.nanos = r.int32();
      } else r.skip(duration, end, 1);
    }
    r.end(end);
  }
  return delay === undefined ? {} : { delayMs: Math.max(0, delay.seconds * 1000 + delay.nanos / 1e6) };
}
