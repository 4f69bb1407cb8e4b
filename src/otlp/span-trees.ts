// Encoded ResourceSpans back into readable trees: what the stdout exporter prints.
import { fromBinary } from "@bufbuild/protobuf";
import { formatSpanTree, type TreeSpan } from "./span-tree.ts";
import { ResourceSpansSchema, Status_StatusCode } from "../gen/opentelemetry/proto/trace/v1/trace_pb.ts";

/**
 * The spans of one export call as trees, one per trace, each under a header line. Decodes the bytes
 * actually sent rather than keeping the engine's records, so it shows what a receiver would see, and
 * formats with explain's tree layout so `--dry-run` and `--exporter stdout` look alike.
 */
export function formatResourceSpans(resources: readonly Uint8Array[]): string {
  const traces = new Map<string, TreeSpan[]>();
  for (const bytes of resources) {
    const resourceSpans = fromBinary(ResourceSpansSchema, bytes);
    const name = resourceSpans.resource?.attributes.find((a) => a.key === "service.name")?.value?.value;
    const service = name?.case === "stringValue" ? name.value : "unknown_service";
    for (const scope of resourceSpans.scopeSpans) {
      for (const span of scope.spans) {
        const traceId = hex(span.traceId);
        const list = traces.get(traceId) ?? [];
        if (list.length === 0) traces.set(traceId, list);
        list.push({
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          name: span.name,
          kind: span.kind,
          service,
          startUs: Number(span.startTimeUnixNano / 1000n),
          endUs: Number(span.endTimeUnixNano / 1000n),
          error: span.status?.code === Status_StatusCode.ERROR ? span.status.message : undefined,
        });
      }
    }
  }
  const blocks: string[] = [];
  for (const [traceId, spans] of traces) {
    const startUs = Math.min(...spans.map((s) => s.startUs));
    const endUs = Math.max(...spans.map((s) => s.endUs));
    const count = spans.length === 1 ? "1 span" : `${spans.length} spans`;
    const header = `trace ${traceId}: ${count}, ${((endUs - startUs) / 1000).toFixed(1)} ms, ${
      new Date(startUs / 1000).toISOString()
    }`;
    blocks.push([header, ...formatSpanTree(spans, startUs)].join("\n"));
  }
  return blocks.join("\n\n");
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}
