import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Signal } from "../../src/plugin-host/plugin.ts";

// An independent OTLP decoder: the protobufjs module generated from the official opentelemetry-proto
// definitions that @opentelemetry/otlp-transformer ships (CommonJS, loaded by file path because the
// package's exports do not expose it).
const ROOT_JS = fileURLToPath(
  new URL("../../node_modules/@opentelemetry/otlp-transformer/build/src/generated/root.js", import.meta.url),
);

interface PbjsType {
  decode(bytes: Uint8Array): object;
  toObject(message: object, options: Record<string, unknown>): Record<string, unknown>;
}
type Collector = { v1: Record<string, PbjsType> };
const root = createRequire(ROOT_JS)(ROOT_JS) as {
  opentelemetry: { proto: { collector: { trace: Collector; metrics: Collector; logs: Collector } } };
};

const REQUEST_TYPES: Record<Signal, PbjsType> = {
  traces: root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest!,
  metrics: root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest!,
  logs: root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest!,
};

/** Decodes an export request into plain objects: ids as hex, 64-bit integers as strings, enums as numbers. */
export function decodeOfficially(signal: Signal, bytes: Uint8Array): OfficialRequest {
  const type = REQUEST_TYPES[signal];
  const object = type.toObject(type.decode(bytes), { longs: String, enums: Number, bytes: String, defaults: true });
  return hexIds(object) as OfficialRequest;
}

const ID_FIELDS = new Set(["traceId", "spanId", "parentSpanId"]);

function hexIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hexIds);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      ID_FIELDS.has(key) && typeof v === "string" ? Buffer.from(v, "base64").toString("hex") : hexIds(v),
    ]),
  );
}

// Just the parts of the decoded shape the tests read.
export interface OfficialKeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string; doubleValue?: number; boolValue?: boolean };
}
export interface OfficialSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OfficialKeyValue[];
  links: { traceId: string; spanId: string }[];
  status?: { code: number };
}
export interface OfficialLog {
  traceId: string;
  spanId: string;
  timeUnixNano: string;
  severityNumber: number;
  body?: { stringValue?: string };
}
export interface OfficialNumberPoint {
  startTimeUnixNano: string;
  timeUnixNano: string;
  asInt?: string;
  asDouble?: number;
}
export interface OfficialMetric {
  name: string;
  unit: string;
  sum?: { dataPoints: OfficialNumberPoint[]; isMonotonic: boolean; aggregationTemporality: number };
  gauge?: { dataPoints: OfficialNumberPoint[] };
  histogram?: {
    dataPoints: {
      attributes: OfficialKeyValue[];
      exemplars: { traceId: string; spanId: string; asDouble?: number; timeUnixNano: string }[];
      count: string;
      sum?: number;
      bucketCounts: string[];
      explicitBounds: number[];
      timeUnixNano: string;
      startTimeUnixNano: string;
    }[];
    aggregationTemporality: number;
  };
}
interface Resourced {
  resource: { attributes: OfficialKeyValue[] };
}
export interface OfficialRequest {
  resourceSpans?: (Resourced & { scopeSpans: { spans: OfficialSpan[] }[] })[];
  resourceMetrics?: (Resourced & { scopeMetrics: { metrics: OfficialMetric[] }[] })[];
  resourceLogs?: (Resourced & { scopeLogs: { logRecords: OfficialLog[] }[] })[];
}

export function serviceName(resource: Resourced["resource"]): string {
  return resource.attributes.find((a) => a.key === "service.name")?.value.stringValue ?? "";
}
