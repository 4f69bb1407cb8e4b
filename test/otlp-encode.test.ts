// The hand-written OTLP encoder must produce exactly the bytes protobuf-es `toBinary` produces for the same
// data. Each test builds records, converts them independently to protobuf-es messages (bigint nanoseconds,
// oneof cases, ...), and compares the two encodings byte for byte.
import { describe, expect, test } from "bun:test";
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import type { AnyValueSchema, KeyValueSchema } from "../src/gen/opentelemetry/proto/common/v1/common_pb.ts";
import { ExportLogsServiceRequestSchema } from "../src/gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import { ExportMetricsServiceRequestSchema } from "../src/gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import { ExportTraceServiceRequestSchema } from "../src/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import type { LogRecordSchema } from "../src/gen/opentelemetry/proto/logs/v1/logs_pb.ts";
import type {
  ExemplarSchema,
  HistogramDataPointSchema,
  MetricSchema,
  NumberDataPointSchema,
} from "../src/gen/opentelemetry/proto/metrics/v1/metrics_pb.ts";
import { ResourceSchema } from "../src/gen/opentelemetry/proto/resource/v1/resource_pb.ts";
import type { SpanSchema } from "../src/gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import {
  encodeExportRequest,
  encodeResource,
  encodeResourceLogs,
  encodeResourceMetrics,
  encodeResourceSpans,
  ProtoWriter,
} from "../src/otlp/encode.ts";
import { subMicrosecondNs } from "../src/otlp/encode-common.ts";
import {
  type AnyValue,
  type ExemplarRecord,
  FLAG_SAMPLED,
  type KeyValue,
  type LogRecord,
  type MetricRecord,
  type NumberPoint,
  type ResourceRecord,
  type ScopeRecord,
  type SpanRecord,
  STATUS_ERROR,
  STATUS_OK,
  TEMPORALITY_CUMULATIVE,
  TEMPORALITY_DELTA,
} from "../src/telemetry/records.ts";

// ---- Independent conversion of records to protobuf-es messages ----

const ns = (us: number): bigint => us === 0 ? 0n : BigInt(us) * 1000n + BigInt(subMicrosecondNs(us));

type PbAnyValue = MessageInitShape<typeof AnyValueSchema>;
type PbKeyValue = MessageInitShape<typeof KeyValueSchema>;

function pbAnyValue(value: AnyValue): PbAnyValue {
  if ("string" in value) return { value: { case: "stringValue", value: value.string } };
  if ("int" in value) return { value: { case: "intValue", value: BigInt(value.int) } };
  if ("double" in value) return { value: { case: "doubleValue", value: value.double } };
  if ("bool" in value) return { value: { case: "boolValue", value: value.bool } };
  if ("bytes" in value) return { value: { case: "bytesValue", value: value.bytes } };
  if ("array" in value) return { value: { case: "arrayValue", value: { values: value.array.map(pbAnyValue) } } };
  return { value: { case: "kvlistValue", value: { values: pbKeyValues(value.kvlist) } } };
}

function pbKeyValues(values: readonly KeyValue[]): PbKeyValue[] {
  return values.map((kv) => ({ key: kv.key, value: pbAnyValue(kv.value) }));
}

function pbScope(scope: ScopeRecord) {
  return { name: scope.name, version: scope.version, attributes: pbKeyValues(scope.attributes) };
}

function pbResource(resource: ResourceRecord) {
  return create(ResourceSchema, { attributes: pbKeyValues(resource.attributes) });
}

function pbSpan(span: SpanRecord): MessageInitShape<typeof SpanSchema> {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? new Uint8Array(0),
    flags: span.flags,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: ns(span.startUs),
    endTimeUnixNano: ns(span.endUs),
    attributes: pbKeyValues(span.attributes),
    events: span.events.map((e) => ({
      timeUnixNano: ns(e.timeUs),
      name: e.name,
      attributes: pbKeyValues(e.attributes),
    })),
    links: span.links.map((l) => ({
      traceId: l.traceId,
      spanId: l.spanId,
      attributes: pbKeyValues(l.attributes),
      flags: l.flags,
    })),
    ...(span.status === undefined ? {} : { status: { code: span.status.code, message: span.status.message } }),
  };
}

function pbLog(log: LogRecord): MessageInitShape<typeof LogRecordSchema> {
  return {
    timeUnixNano: ns(log.timeUs),
    observedTimeUnixNano: ns(log.observedUs),
    severityNumber: log.severityNumber,
    severityText: log.severityText,
    body: pbAnyValue("pieces" in log.body ? { string: log.body.pieces.join("") } : log.body),
    attributes: pbKeyValues(log.attributes),
    flags: log.flags,
    traceId: log.traceId ?? new Uint8Array(0),
    spanId: log.spanId ?? new Uint8Array(0),
    eventName: log.eventName ?? "",
  };
}

function pbExemplar(exemplar: ExemplarRecord): MessageInitShape<typeof ExemplarSchema> {
  return {
    filteredAttributes: pbKeyValues(exemplar.filteredAttributes),
    timeUnixNano: ns(exemplar.timeUs),
    value: { case: "asDouble", value: exemplar.value },
    spanId: exemplar.spanId,
    traceId: exemplar.traceId,
  };
}

function pbNumberPoint(point: NumberPoint): MessageInitShape<typeof NumberDataPointSchema> {
  return {
    attributes: pbKeyValues(point.attributes),
    startTimeUnixNano: ns(point.startUs),
    timeUnixNano: ns(point.timeUs),
    value: "int" in point.value
      ? { case: "asInt", value: BigInt(point.value.int) }
      : { case: "asDouble", value: point.value.double },
    exemplars: point.exemplars.map(pbExemplar),
  };
}

function pbMetric(metric: MetricRecord): MessageInitShape<typeof MetricSchema> {
  const base = { name: metric.name, description: metric.description, unit: metric.unit };
  const data = metric.data;
  if (data.kind === "gauge") {
    return { ...base, data: { case: "gauge", value: { dataPoints: data.points.map(pbNumberPoint) } } };
  }
  if (data.kind === "sum") {
    const value = {
      dataPoints: data.points.map(pbNumberPoint),
      aggregationTemporality: data.temporality,
      isMonotonic: data.monotonic,
    };
    return { ...base, data: { case: "sum", value } };
  }
  const dataPoints = data.points.map((p): MessageInitShape<typeof HistogramDataPointSchema> => ({
    attributes: pbKeyValues(p.attributes),
    startTimeUnixNano: ns(p.startUs),
    timeUnixNano: ns(p.timeUs),
    count: BigInt(p.count),
    sum: p.sum,
    bucketCounts: p.bucketCounts.map((c) => BigInt(c)),
    explicitBounds: [...p.bounds],
    exemplars: p.exemplars.map(pbExemplar),
    min: p.min,
    max: p.max,
  }));
  return { ...base, data: { case: "histogram", value: { dataPoints, aggregationTemporality: data.temporality } } };
}

// ---- Fixtures ----

/** Deterministic non-zero-ish bytes, so ids differ from each other. */
function id(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (seed * 31 + i * 17 + 1) & 255;
  return out;
}

const TRACE = id(16, 1);
const ROOT = id(8, 2);
const CHILD = id(8, 3);
const T0 = 1_763_900_000_123_456;

const EVERY_KIND: KeyValue[] = [
  { key: "http.request.method", value: { string: "GET" } },
  { key: "empty.string", value: { string: "" } },
  { key: "int.zero", value: { int: 0 } },
  { key: "int.small", value: { int: 200 } },
  { key: "int.negative", value: { int: -1 } },
  { key: "int.min32", value: { int: -(2 ** 31) } },
  { key: "int.max.safe", value: { int: Number.MAX_SAFE_INTEGER } },
  { key: "int.min.safe", value: { int: Number.MIN_SAFE_INTEGER } },
  { key: "double", value: { double: 0.125 } },
  { key: "double.zero", value: { double: 0 } },
  { key: "double.negative.zero", value: { double: -0 } },
  { key: "double.nan", value: { double: Number.NaN } },
  { key: "double.inf", value: { double: -Infinity } },
  { key: "bool.true", value: { bool: true } },
  { key: "bool.false", value: { bool: false } },
  { key: "bytes", value: { bytes: id(5, 9) } },
  { key: "bytes.empty", value: { bytes: new Uint8Array(0) } },
  { key: "array", value: { array: [{ string: "a" }, { int: -7 }, { array: [] }, { kvlist: [] }] } },
  { key: "array.empty", value: { array: [] } },
  {
    key: "kvlist",
    value: { kvlist: [{ key: "nested", value: { kvlist: [{ key: "deep", value: { bool: true } }] } }] },
  },
  { key: "", value: { string: "empty key" } },
];

const SCOPE: ScopeRecord = { name: "dreamweaver", version: "0.1.0", attributes: [{ key: "s", value: { int: 1 } }] };
const RESOURCE: ResourceRecord = {
  attributes: [
    { key: "service.name", value: { string: "checkout" } },
    { key: "service.instance.id", value: { string: "checkout-1" } },
  ],
};

const ROOT_SPAN: SpanRecord = {
  traceId: TRACE,
  spanId: ROOT,
  name: "GET /api/cart",
  kind: 2,
  startUs: T0,
  endUs: T0 + 12_345,
  attributes: EVERY_KIND,
  events: [
    { name: "exception", timeUs: T0 + 100, attributes: [{ key: "exception.type", value: { string: "Timeout" } }] },
    { name: "no-attributes", timeUs: T0 + 200, attributes: [] },
  ],
  links: [
    {
      traceId: id(16, 4),
      spanId: id(8, 5),
      attributes: [{ key: "link.kind", value: { string: "follows" } }],
      flags: 1,
    },
    { traceId: id(16, 6), spanId: id(8, 7), attributes: [], flags: 0 },
  ],
  status: { code: STATUS_ERROR, message: "deadline exceeded" },
  flags: FLAG_SAMPLED | 0x300,
};

const CHILD_SPAN: SpanRecord = {
  traceId: TRACE,
  spanId: CHILD,
  parentSpanId: ROOT,
  name: "SELECT carts",
  kind: 3,
  startUs: T0 + 10,
  endUs: T0 + 4_000,
  attributes: [{ key: "db.system", value: { string: "postgresql" } }],
  events: [],
  links: [],
  flags: FLAG_SAMPLED,
};

/** The smallest span: everything at its default, so nothing but the empty frame may be written. */
const DEFAULT_SPAN: SpanRecord = {
  traceId: new Uint8Array(0),
  spanId: new Uint8Array(0),
  name: "",
  kind: 0,
  startUs: 0,
  endUs: 0,
  attributes: [],
  events: [],
  links: [],
  flags: 0,
};

function spanBytesMatch(spans: readonly SpanRecord[], schemaUrl = ""): void {
  const writer = new ProtoWriter();
  const ours = encodeExportRequest([encodeResourceSpans(writer, encodeResource(RESOURCE), SCOPE, spans, schemaUrl)]);
  const theirs = toBinary(
    ExportTraceServiceRequestSchema,
    create(ExportTraceServiceRequestSchema, {
      resourceSpans: [{
        resource: pbResource(RESOURCE),
        scopeSpans: [{ scope: pbScope(SCOPE), spans: spans.map(pbSpan) }],
        schemaUrl,
      }],
    }),
  );
  expect(ours).toEqual(theirs);
}

// ---- Tests ----

describe("spans", () => {
  test("root and child spans with every attribute kind, events, links, status and flags", () => {
    spanBytesMatch([ROOT_SPAN, CHILD_SPAN]);
  });

  test("schema_url, OK status without message, status with defaults, default span", () => {
    spanBytesMatch([
      { ...CHILD_SPAN, status: { code: STATUS_OK, message: "" } },
      { ...CHILD_SPAN, status: { code: 0, message: "" } },
      DEFAULT_SPAN,
    ], "https://opentelemetry.io/schemas/1.26.0");
  });

  test("headroom: the same request after free bytes for a transport's framing", () => {
    const writer = new ProtoWriter();
    const resources = [
      encodeResourceSpans(writer, encodeResource(RESOURCE), SCOPE, [DEFAULT_SPAN]),
      encodeResourceSpans(writer, encodeResource(RESOURCE), SCOPE, [DEFAULT_SPAN, DEFAULT_SPAN]),
    ];
    const framed = encodeExportRequest(resources, 5);
    expect(framed.length).toBe(5 + encodeExportRequest(resources).length);
    expect(framed.subarray(5)).toEqual(encodeExportRequest(resources));
  });

  test("an empty batch and an empty resource", () => {
    const writer = new ProtoWriter();
    const empty: ResourceRecord = { attributes: [] };
    const scope: ScopeRecord = { name: "", version: "", attributes: [] };
    const ours = encodeExportRequest([encodeResourceSpans(writer, encodeResource(empty), scope, [])]);
    const theirs = toBinary(
      ExportTraceServiceRequestSchema,
      create(ExportTraceServiceRequestSchema, {
        resourceSpans: [{ resource: pbResource(empty), scopeSpans: [{ scope: pbScope(scope), spans: [] }] }],
      }),
    );
    expect(ours).toEqual(theirs);
  });

  test("spans of several instrumentation scopes: one ScopeSpans each, in order of first appearance", () => {
    const writer = new ProtoWriter();
    const grpc: ScopeRecord = { name: "io.opentelemetry.grpc-1.6", version: "2.11.0-alpha", attributes: [] };
    const sameName: ScopeRecord = { ...grpc };
    const spans = [{ ...ROOT_SPAN, scope: grpc }, CHILD_SPAN, { ...CHILD_SPAN, scope: sameName }];
    const ours = encodeExportRequest([encodeResourceSpans(writer, encodeResource(RESOURCE), SCOPE, spans)]);
    const theirs = toBinary(
      ExportTraceServiceRequestSchema,
      create(ExportTraceServiceRequestSchema, {
        resourceSpans: [{
          resource: pbResource(RESOURCE),
          scopeSpans: [
            { scope: pbScope(grpc), spans: [pbSpan(ROOT_SPAN), pbSpan(CHILD_SPAN)] },
            { scope: pbScope(SCOPE), spans: [pbSpan(CHILD_SPAN)] },
          ],
        }],
      }),
    );
    expect(ours).toEqual(theirs);
  });

  test("several ResourceSpans in one request", () => {
    const writer = new ProtoWriter();
    const other: ResourceRecord = { attributes: [{ key: "service.name", value: { string: "payments" } }] };
    const ours = encodeExportRequest([
      encodeResourceSpans(writer, encodeResource(RESOURCE), SCOPE, [ROOT_SPAN]),
      encodeResourceSpans(writer, encodeResource(other), SCOPE, [CHILD_SPAN]),
    ]);
    const theirs = toBinary(
      ExportTraceServiceRequestSchema,
      create(ExportTraceServiceRequestSchema, {
        resourceSpans: [
          { resource: pbResource(RESOURCE), scopeSpans: [{ scope: pbScope(SCOPE), spans: [pbSpan(ROOT_SPAN)] }] },
          { resource: pbResource(other), scopeSpans: [{ scope: pbScope(SCOPE), spans: [pbSpan(CHILD_SPAN)] }] },
        ],
      }),
    );
    expect(ours).toEqual(theirs);
  });

  test("a batch of many spans (long length prefixes on the scope and resource messages)", () => {
    const spans: SpanRecord[] = [];
    for (let i = 0; i < 300; i++) spans.push({ ...(i % 2 ? ROOT_SPAN : CHILD_SPAN), startUs: T0 + i * 7919 });
    spanBytesMatch(spans);
  });
});

describe("UTF-8 and length prefixes", () => {
  const strings = [
    "café, naïve", // Latin-1 only: two bytes per unit although each unit is below 256
    "héllo wörld — 日本語",
    "emoji 🚀🎉 and a flag 🇫🇷",
    "lone surrogates \uD800 and \uDFFF become U+FFFD",
    "日".repeat(42), // 126 bytes: the last length that fits the one-byte prefix for sure
    "日".repeat(43), // 129 bytes: the first that needs two
    "a".repeat(42),
    "a".repeat(43), // reserves 2 length bytes for 129 worst-case bytes, needs 1: moves the bytes back
    "a".repeat(127),
    "a".repeat(128),
    "é".repeat(64) + "a", // 129 bytes
    "x".repeat(6_000), // reserves 3 bytes (18000 worst case), needs 2
    "ü".repeat(8_192), // exactly 16384 bytes: a three-byte length
    "🚀".repeat(5_000), // 20000 bytes from 10000 UTF-16 units
    "z".repeat(20_000) + "é",
  ];

  test.each(strings.map((s) => [s.length, s] as const))("span name, attribute and log body of %i units", (_, s) => {
    const span: SpanRecord = {
      ...ROOT_SPAN,
      name: s,
      attributes: [{ key: s, value: { string: s } }],
      events: [{ name: s, timeUs: T0, attributes: [] }],
    };
    spanBytesMatch([span]);
    logBytesMatch([{ ...LOG_IN_TRACE, body: { string: s }, eventName: s }]);
  });

  test.each(strings.map((s) => [s.length, s] as const))("a log body of %i units written from pieces", (_, s) => {
    // Cut anywhere, a surrogate pair too: the body is the same string.
    const cuts = [0, 1, Math.floor(s.length / 3), Math.floor(s.length / 2), s.length - 1, s.length];
    const pieces = cuts.map((cut, i) => s.slice(cuts[i - 1] ?? 0, cut)).concat(s.slice(s.length));
    expect(pieces.join("")).toBe(s);
    logBytesMatch([{ ...LOG_IN_TRACE, body: { pieces } }]);
  });

  test("a span over 16383 bytes (three-byte message length) among small ones", () => {
    const big: SpanRecord = { ...CHILD_SPAN, attributes: [{ key: "big", value: { string: "q".repeat(17_000) } }] };
    spanBytesMatch([CHILD_SPAN, big, ROOT_SPAN]);
  });
});

const LOG_IN_TRACE: LogRecord = {
  timeUs: T0,
  observedUs: T0 + 3,
  severityNumber: 17,
  severityText: "ERROR",
  body: { string: "payment declined" },
  attributes: [{ key: "code", value: { int: 402 } }, { key: "retry", value: { bool: false } }],
  traceId: TRACE,
  spanId: CHILD,
  flags: FLAG_SAMPLED,
  eventName: "payment.declined",
};

const LOG_ALONE: LogRecord = {
  timeUs: T0 + 1_000_000,
  observedUs: T0 + 1_000_001,
  severityNumber: 9,
  severityText: "INFO",
  body: { kvlist: [{ key: "msg", value: { string: "cache warmed" } }, { key: "n", value: { int: -3 } }] },
  attributes: [],
  flags: 0,
};

function logBytesMatch(logs: readonly LogRecord[]): void {
  const writer = new ProtoWriter();
  const ours = encodeExportRequest([encodeResourceLogs(writer, encodeResource(RESOURCE), SCOPE, logs)]);
  const theirs = toBinary(
    ExportLogsServiceRequestSchema,
    create(ExportLogsServiceRequestSchema, {
      resourceLogs: [{
        resource: pbResource(RESOURCE),
        scopeLogs: [{ scope: pbScope(SCOPE), logRecords: logs.map(pbLog) }],
      }],
    }),
  );
  expect(ours).toEqual(theirs);
}

describe("logs", () => {
  test("with and without trace context, with an event name, kvlist body", () => {
    logBytesMatch([LOG_IN_TRACE, LOG_ALONE]);
  });

  test("default fields and every body kind", () => {
    const bodies: AnyValue[] = [
      { string: "" },
      { int: 0 },
      { int: -42 },
      { double: 0 },
      { bool: false },
      { bytes: new Uint8Array(0) },
      { array: [{ double: 1.5 }] },
    ];
    const base: LogRecord = { ...LOG_ALONE, timeUs: 0, severityNumber: 0, severityText: "", eventName: "" };
    logBytesMatch(bodies.map((body) => ({ ...base, body })));
  });
});

const EXEMPLAR: ExemplarRecord = {
  timeUs: T0 + 5,
  value: 0.042,
  traceId: TRACE,
  spanId: CHILD,
  filteredAttributes: [{ key: "user", value: { string: "u-1" } }],
};

const METRICS: MetricRecord[] = [
  {
    name: "http.server.request.count",
    description: "Requests served",
    unit: "{request}",
    data: {
      kind: "sum",
      temporality: TEMPORALITY_CUMULATIVE,
      monotonic: true,
      points: [
        {
          attributes: [{ key: "route", value: { string: "/cart" } }],
          startUs: T0,
          timeUs: T0 + 60e6,
          value: { int: 1234 },
          exemplars: [],
        },
        { attributes: [], startUs: T0, timeUs: T0 + 60e6, value: { int: 0 }, exemplars: [] },
      ],
    },
  },
  {
    name: "queue.depth.change",
    description: "",
    unit: "",
    data: {
      kind: "sum",
      temporality: TEMPORALITY_DELTA,
      monotonic: false,
      points: [
        { attributes: [], startUs: T0, timeUs: T0 + 1, value: { int: -5 }, exemplars: [] },
        { attributes: [], startUs: T0, timeUs: T0 + 2, value: { int: Number.MIN_SAFE_INTEGER }, exemplars: [] },
        { attributes: [], startUs: T0, timeUs: T0 + 3, value: { double: -2.5 }, exemplars: [EXEMPLAR] },
        { attributes: [], startUs: T0, timeUs: T0 + 4, value: { double: 0 }, exemplars: [] },
      ],
    },
  },
  {
    name: "process.memory.usage",
    description: "Resident memory",
    unit: "By",
    data: {
      kind: "gauge",
      points: [{ attributes: [], startUs: 0, timeUs: T0, value: { double: 123456789.5 }, exemplars: [EXEMPLAR] }],
    },
  },
  {
    name: "http.server.request.duration",
    description: "Request latency",
    unit: "s",
    data: {
      kind: "histogram",
      temporality: TEMPORALITY_DELTA,
      points: [
        {
          attributes: [{ key: "http.response.status_code", value: { int: 200 } }],
          startUs: T0,
          timeUs: T0 + 10e6,
          count: 17,
          sum: 3.25,
          min: 0.001,
          max: 1.5,
          bounds: [0.005, 0.01, 0.1, 1],
          bucketCounts: [1, 2, 10, 3, 1],
          exemplars: [EXEMPLAR, { ...EXEMPLAR, value: 1.5, filteredAttributes: [] }],
        },
        {
          attributes: [],
          startUs: T0,
          timeUs: T0 + 10e6,
          count: 0,
          sum: 0,
          min: 0,
          max: 0,
          bounds: [],
          bucketCounts: [],
          exemplars: [],
        },
      ],
    },
  },
  { name: "empty.gauge", description: "", unit: "", data: { kind: "gauge", points: [] } },
];

describe("metrics", () => {
  test("sum (int incl. negative, double), gauge and histogram with exemplars", () => {
    const writer = new ProtoWriter();
    const ours = encodeExportRequest([encodeResourceMetrics(writer, encodeResource(RESOURCE), SCOPE, METRICS)]);
    const theirs = toBinary(
      ExportMetricsServiceRequestSchema,
      create(ExportMetricsServiceRequestSchema, {
        resourceMetrics: [{
          resource: pbResource(RESOURCE),
          scopeMetrics: [{ scope: pbScope(SCOPE), metrics: METRICS.map(pbMetric) }],
        }],
      }),
    );
    expect(ours).toEqual(theirs);
  });
});

describe("ProtoWriter", () => {
  /** Reads back the little-endian fixed64 the writer produced. */
  function nanosOf(us: number): bigint {
    const writer = new ProtoWriter(16);
    writer.fixed64MicrosAsNanos(us);
    const bytes = writer.finish();
    expect(bytes.length).toBe(8);
    return new DataView(bytes.buffer).getBigUint64(0, true);
  }

  test("microseconds to nanoseconds is exact where a double multiply is not", () => {
    const us = 1_763_900_000_123_456;
    expect(nanosOf(us)).toBe(1_763_900_000_123_456_000n);
    // That product happens to fit a double's 53 bits (it ends in nine zero bits); an odd one does not, and
    // the naive multiply rounds it.
    const odd = us + 1;
    expect(nanosOf(odd)).toBe(1_763_900_000_123_457_000n);
    expect(BigInt(odd * 1000)).not.toBe(BigInt(odd) * 1000n);
  });

  test("microseconds to nanoseconds across the range", () => {
    const edges = [0, 1, 999, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 4_294_967_295_999, 2 ** 52, Number.MAX_SAFE_INTEGER];
    for (const us of edges) expect(nanosOf(us)).toBe(BigInt(us) * 1000n);
    let state = 12345;
    for (let i = 0; i < 2000; i++) {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      const us = Math.floor((state / 2 ** 31) * 2 ** (10 + (i % 43)));
      expect(nanosOf(us)).toBe(BigInt(us) * 1000n);
    }
  });

  test("scalars match protobuf-es BinaryWriter", () => {
    const ints = [0, 1, 127, 128, 300, 16_383, 16_384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35 + 5];
    const big = [...ints, 2 ** 49 + 3, 2 ** 52, Number.MAX_SAFE_INTEGER];
    const negative = [
      -1,
      -2,
      -127,
      -128,
      -(2 ** 31),
      -(2 ** 31) - 1,
      -(2 ** 32),
      -(2 ** 40) - 7,
      Number.MIN_SAFE_INTEGER,
    ];
    const doubles = [0, -0, 1.5, -1e300, Number.MIN_VALUE, Infinity];
    const ours = new ProtoWriter(8);
    const theirs = new BinaryWriter();
    for (const v of ints.filter((n) => n < 2 ** 32)) {
      ours.uint32(v);
      theirs.uint32(v);
      ours.fixed32(v);
      theirs.fixed32(v);
    }
    for (const v of big) {
      ours.uint53(v);
      theirs.uint64(BigInt(v));
      ours.fixed64(v);
      theirs.fixed64(BigInt(v));
    }
    for (const v of [...big, ...negative]) {
      ours.int64(v);
      theirs.int64(BigInt(v));
      ours.sfixed64(v);
      theirs.sfixed64(BigInt(v));
    }
    for (const v of doubles) {
      ours.double(v);
      theirs.double(v);
    }
    ours.tag(16, 5);
    theirs.tag(16, 5);
    ours.bool(true);
    theirs.bool(true);
    expect(ours.finish()).toEqual(theirs.finish());
  });

  test("a reused writer gives the same bytes as a fresh one, across growth and sizes", () => {
    const resource = encodeResource(RESOURCE);
    const reused = new ProtoWriter(16);
    const first = encodeResourceSpans(reused, resource, SCOPE, [ROOT_SPAN, CHILD_SPAN]);
    const many = Array.from({ length: 200 }, () => ROOT_SPAN);
    const large = encodeResourceSpans(reused, resource, SCOPE, many);
    const again = encodeResourceSpans(reused, resource, SCOPE, [ROOT_SPAN, CHILD_SPAN]);
    expect(again).toEqual(first);
    expect(encodeResourceSpans(new ProtoWriter(), resource, SCOPE, many)).toEqual(large);
    // finish() hands out views of bytes it never writes again, even when a later message moves to a new
    // buffer in the middle of its nested messages: later writes must not change earlier results.
    expect(first).toEqual(encodeResourceSpans(new ProtoWriter(), resource, SCOPE, [ROOT_SPAN, CHILD_SPAN]));
    expect(reused.length).toBe(0);
  });

  test("unbalanced messages are reported, not silently encoded", () => {
    const writer = new ProtoWriter();
    expect(() => writer.endMessage()).toThrow();
    writer.beginMessage(1);
    expect(() => writer.finish()).toThrow();
  });
});
