import { expectWireType, LEN, ProtoReader } from "../otlp/proto-reader.ts";

/**
 * The encoded resources (field 1: ResourceSpans, ResourceMetrics or ResourceLogs) of an encoded
 * Export{Trace,Metrics,Logs}ServiceRequest, as views into it; other fields are skipped, as a decoder
 * keeps them aside. Throws MalformedMessage when the request is not valid protobuf at this level.
 */
export function splitExportRequest(message: Uint8Array): Uint8Array[] {
  const r = new ProtoReader(message);
  const end = message.length;
  const resources: Uint8Array[] = [];
  while (r.pos < end) {
    const t = r.tag();
    if (t >>> 3 === 1) {
      expectWireType(t, LEN, "Export request");
      const resourceEnd = r.delimited(end);
      resources.push(message.subarray(r.pos, resourceEnd));
      r.pos = resourceEnd;
    } else r.skip(t, end, 1);
  }
  r.end(end);
  return resources;
}
