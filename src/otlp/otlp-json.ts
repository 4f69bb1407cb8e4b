// OTLP/JSON: the body of an OTLP/HTTP request with Content-Type application/json.
//
// It is the protobuf JSON mapping (lowerCamelCase keys, 64-bit integers as strings) with two changes the
// OTLP specification makes: enums are integers, and trace and span ids are hex strings, not base64.
import { fromBinary, type JsonObject, type JsonValue, toJson } from "@bufbuild/protobuf";
import { base64Decode } from "@bufbuild/protobuf/wire";
import { ExportLogsServiceRequestSchema } from "../gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import { ExportMetricsServiceRequestSchema } from "../gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import { ExportTraceServiceRequestSchema } from "../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import type { Signal } from "../plugin-host/plugin.ts";
import { encodeExportRequest } from "./encode.ts";

/** The bytes fields OTLP/JSON writes as hex: in spans, links, span events' parents, log records and exemplars. */
const HEX_ID_FIELDS: ReadonlySet<string> = new Set(["traceId", "spanId", "parentSpanId"]);

/**
 * The OTLP/JSON Export*ServiceRequest for encoded ResourceSpans/ResourceMetrics/ResourceLogs. Decodes
 * them with protobuf-es rather than writing JSON by hand: JSON is the slow, debugging-friendly protocol,
 * and the generated schemas keep it exactly in step with the protobuf encoding.
 */
export function encodeOtlpJson(signal: Signal, resources: readonly Uint8Array[]): string {
  const bytes = encodeExportRequest(resources);
  const options = { enumAsInteger: true } as const;
  const json = signal === "traces"
    ? toJson(ExportTraceServiceRequestSchema, fromBinary(ExportTraceServiceRequestSchema, bytes), options)
    : signal === "metrics"
    ? toJson(ExportMetricsServiceRequestSchema, fromBinary(ExportMetricsServiceRequestSchema, bytes), options)
    : toJson(ExportLogsServiceRequestSchema, fromBinary(ExportLogsServiceRequestSchema, bytes), options);
  return JSON.stringify(hexIds(json));
}

/** Rewrites the base64 id fields protobuf-es emits as hex, in place; attribute values are left alone. */
function hexIds(value: JsonValue): JsonValue {
  if (Array.isArray(value)) {
    for (const item of value) hexIds(item);
  } else if (value !== null && typeof value === "object") {
    const object = value as JsonObject;
    for (const [key, field] of Object.entries(object)) {
      if (HEX_ID_FIELDS.has(key) && typeof field === "string") object[key] = toHex(base64Decode(field));
      else hexIds(field);
    }
  }
  return value;
}

function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
