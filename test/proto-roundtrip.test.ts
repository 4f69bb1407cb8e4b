// Cross-checks the generated OTLP code (src/gen, from proto/) against an independent decoder.
//
// Each signal gets a fully populated Export*ServiceRequest built with protobuf-es `create()`, encoded
// with `toBinary`, and decoded by the protobufjs static module that @opentelemetry/otlp-transformer
// generates from the official opentelemetry-proto definitions. Every value must come back equal.
//
// That decoder predates opentelemetry-proto v1.10 and does not know the profiling-only
// `KeyValue.key_strindex` (3) and `AnyValue.string_value_strindex` (8). For those two fields the test
// checks instead that the decoder skipped exactly them (and nothing else) as unknown varint fields,
// pins their numbers/types, and relies on our own `fromBinary` roundtrip (plus re-encoding), which
// must reproduce every message exactly. A last test compares the declarations themselves (field
// names per message, enum values, service methods) with the decoder's, so an omitted field shows up.
import { describe, expect, test } from "bun:test";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import {
  create,
  type DescField,
  type DescMessage,
  equals,
  fromBinary,
  type MessageShape,
  ScalarType,
  toBinary,
} from "@bufbuild/protobuf";
import { isReflectMessage, nestedTypes, reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import {
  AnyValueSchema,
  EntityRefSchema,
  file_opentelemetry_proto_common_v1_common,
  InstrumentationScopeSchema,
  type KeyValue,
  KeyValueSchema,
} from "../src/gen/opentelemetry/proto/common/v1/common_pb.ts";
import {
  file_opentelemetry_proto_resource_v1_resource,
  type Resource,
  ResourceSchema,
} from "../src/gen/opentelemetry/proto/resource/v1/resource_pb.ts";
import {
  file_opentelemetry_proto_trace_v1_trace,
  Span_SpanKind,
  SpanFlags,
  Status_StatusCode,
} from "../src/gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import {
  AggregationTemporality,
  DataPointFlags,
  type Exemplar,
  ExemplarSchema,
  file_opentelemetry_proto_metrics_v1_metrics,
} from "../src/gen/opentelemetry/proto/metrics/v1/metrics_pb.ts";
import {
  file_opentelemetry_proto_logs_v1_logs,
  LogRecordFlags,
  SeverityNumber,
} from "../src/gen/opentelemetry/proto/logs/v1/logs_pb.ts";
import {
  ExportTraceServiceRequestSchema,
  file_opentelemetry_proto_collector_trace_v1_trace_service,
} from "../src/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import {
  ExportMetricsServiceRequestSchema,
  file_opentelemetry_proto_collector_metrics_v1_metrics_service,
} from "../src/gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import {
  ExportLogsServiceRequestSchema,
  file_opentelemetry_proto_collector_logs_v1_logs_service,
} from "../src/gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";

// ---------------------------------------------------------------------------------------------
// The independent decoder (CommonJS, loaded by file path: the package exports do not expose it).

const ROOT_JS = fileURLToPath(
  new URL(
    "../node_modules/@opentelemetry/otlp-transformer/build/src/generated/root.js",
    import.meta.url,
  ),
);
const requireFromRoot = createRequire(ROOT_JS);

interface PbjsConversionOptions {
  longs?: StringConstructor;
  enums?: NumberConstructor;
  defaults?: boolean;
  arrays?: boolean;
  oneofs?: boolean;
}
interface PbjsType {
  decode(bytes: Uint8Array): object;
  toObject(message: object, options: PbjsConversionOptions): Record<string, unknown>;
}
interface PbjsRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: PbjsType } };
        metrics: { v1: { ExportMetricsServiceRequest: PbjsType } };
        logs: { v1: { ExportLogsServiceRequest: PbjsType } };
      };
    };
  };
}
interface PbjsMinimal {
  Reader: { prototype: { skipType(this: object, wireType: number): object } };
}

const pbjsRoot: PbjsRoot = requireFromRoot(ROOT_JS);
const pbjsMinimal: PbjsMinimal = requireFromRoot("protobufjs/minimal");

// protobufjs silently skips fields it does not know; record every skip (by wire type) so that a
// field-number mismatch cannot go unnoticed.
const skippedWireTypes: number[] = [];
const originalSkipType = pbjsMinimal.Reader.prototype.skipType;
pbjsMinimal.Reader.prototype.skipType = function (this: object, wireType: number): object {
  skippedWireTypes.push(wireType);
  return originalSkipType.call(this, wireType);
};

function decodeIndependently(type: PbjsType, bytes: Uint8Array): { value: unknown; skipped: number[] } {
  skippedWireTypes.length = 0;
  const message = type.decode(bytes);
  const skipped = [...skippedWireTypes];
  // Only fields present on the wire; 64-bit integers as decimal strings, enums as numbers.
  const object = type.toObject(message, {
    longs: String,
    enums: Number,
    defaults: false,
    arrays: false,
    oneofs: false,
  });
  return { value: normalisePlain(object), skipped };
}

/** The decoder's static class or enum object for a fully qualified protobuf name, if any. */
function lookup(typeName: string): object | undefined {
  let node: unknown = pbjsRoot;
  for (const part of typeName.split(".")) {
    if ((typeof node !== "object" && typeof node !== "function") || node === null) return undefined;
    node = Reflect.get(node, part);
  }
  return (typeof node === "object" || typeof node === "function") && node !== null ? node : undefined;
}

// ---------------------------------------------------------------------------------------------
// Normalisers: both sides become plain JSON-like values with camelCase keys, bytes as hex,
// 64-bit integers as decimal strings and enums as numbers; unset fields are absent.

type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function normalisePlain(value: unknown): Plain {
  if (value instanceof Uint8Array) return hex(value);
  if (Array.isArray(value)) return value.map(normalisePlain);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (value === null || value === undefined) return null;
  if (typeof value === "object") {
    const out: { [key: string]: Plain } = {};
    for (const key of Object.keys(value).sort()) {
      out[key] = normalisePlain(Reflect.get(value, key));
    }
    return out;
  }
  throw new Error(`unexpected value of type ${typeof value}`);
}

// Fields of our v1.11.0 schema that the independent decoder does not know (see header comment).
const UNKNOWN_TO_DECODER = new Set<string>([
  "opentelemetry.proto.common.v1.KeyValue.key_strindex",
  "opentelemetry.proto.common.v1.AnyValue.string_value_strindex",
]);

function scalarToPlain(value: unknown): Plain {
  if (value instanceof Uint8Array) return hex(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  throw new Error(`unexpected scalar of type ${typeof value}`);
}

/** Our message as the decoder should see it; also records which fields were set (non-default). */
function normaliseOurs(message: ReflectMessage, seen: Set<string>, skip: ReadonlySet<string>): Plain {
  const out: { [key: string]: Plain } = {};
  for (const field of message.sortedFields) {
    if (!message.isSet(field)) continue;
    const id = `${message.desc.typeName}.${field.name}`;
    seen.add(id);
    if (skip.has(id)) continue;
    out[field.localName] = fieldToPlain(message, field, seen, skip);
  }
  return out;
}

function fieldToPlain(
  message: ReflectMessage,
  field: DescField,
  seen: Set<string>,
  skip: ReadonlySet<string>,
): Plain {
  switch (field.fieldKind) {
    case "scalar":
      return scalarToPlain(message.get(field));
    case "enum":
      return message.get(field);
    case "message":
      return normaliseOurs(message.get(field), seen, skip);
    case "list": {
      const items: Plain[] = [];
      for (const item of message.get(field)) {
        items.push(isReflectMessage(item) ? normaliseOurs(item, seen, skip) : scalarToPlain(item));
      }
      return items;
    }
    case "map":
      throw new Error(`OTLP has no map fields, found ${field.name}`);
  }
}

/** Every field of every message type reachable from `root`, as "type.field" ids. */
function allReachableFields(root: DescMessage): Set<string> {
  const ids = new Set<string>();
  const visited = new Set<string>();
  const visit = (desc: DescMessage): void => {
    if (visited.has(desc.typeName)) return;
    visited.add(desc.typeName);
    for (const field of desc.fields) {
      ids.add(`${desc.typeName}.${field.name}`);
      if (field.fieldKind === "message") visit(field.message);
      if (field.fieldKind === "list" && field.listKind === "message") visit(field.message);
    }
  };
  visit(root);
  return ids;
}

// ---------------------------------------------------------------------------------------------
// Fixtures: every field set to a non-default value somewhere in each request.

function fromHex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

const TRACE_ID = fromHex("4bf92f3577b34da6a3ce929d0e0e4736");
const SPAN_ID = fromHex("00f067aa0ba902b7");
const PARENT_SPAN_ID = fromHex("53995c3f42cd8ad8");
const LINK_TRACE_ID = fromHex("ffeeddccbbaa99887766554433221101");
const LINK_SPAN_ID = fromHex("80010203040506ff");
// Beyond 2^53, so any lossy number conversion shows up.
const T0 = 1_767_225_600_123_456_789n;

function kv(key: string, value: KeyValue["value"]): KeyValue {
  return create(KeyValueSchema, { key, value });
}

/** Attributes covering every AnyValue kind, nested arrays/kvlists and the strindex forms. */
function everyKindAttributes(prefix: string): KeyValue[] {
  return [
    kv(`${prefix}.string`, create(AnyValueSchema, { value: { case: "stringValue", value: "checkout ✓" } })),
    kv(`${prefix}.bool`, create(AnyValueSchema, { value: { case: "boolValue", value: true } })),
    kv(`${prefix}.int`, create(AnyValueSchema, { value: { case: "intValue", value: -9_007_199_254_740_993n } })),
    kv(`${prefix}.double`, create(AnyValueSchema, { value: { case: "doubleValue", value: 2.718281828 } })),
    kv(
      `${prefix}.bytes`,
      create(AnyValueSchema, { value: { case: "bytesValue", value: Uint8Array.from([0, 1, 254, 255]) } }),
    ),
    kv(
      `${prefix}.array`,
      create(AnyValueSchema, {
        value: {
          case: "arrayValue",
          value: {
            values: [
              { value: { case: "stringValue", value: "a" } },
              { value: { case: "intValue", value: 42n } },
              { value: { case: "arrayValue", value: { values: [{ value: { case: "boolValue", value: true } }] } } },
            ],
          },
        },
      }),
    ),
    kv(
      `${prefix}.kvlist`,
      create(AnyValueSchema, {
        value: {
          case: "kvlistValue",
          value: {
            values: [
              { key: "inner.double", value: { value: { case: "doubleValue", value: -0.5 } } },
              { key: "inner.bytes", value: { value: { case: "bytesValue", value: Uint8Array.from([9, 8, 7]) } } },
              {
                key: "inner.kvlist",
                value: {
                  value: {
                    case: "kvlistValue",
                    value: { values: [{ key: "deep", value: { value: { case: "stringValue", value: "yes" } } }] },
                  },
                },
              },
            ],
          },
        },
      }),
    ),
    // Profiling-only string-table references (v1.10+); unknown to the independent decoder.
    create(KeyValueSchema, {
      keyStrindex: 7,
      value: { value: { case: "stringValueStrindex", value: 3 } },
    }),
  ];
}

function resource(service: string): Resource {
  return create(ResourceSchema, {
    attributes: [
      kv("service.name", create(AnyValueSchema, { value: { case: "stringValue", value: service } })),
      kv("host.name", create(AnyValueSchema, { value: { case: "stringValue", value: "node-7" } })),
      ...everyKindAttributes("res"),
    ],
    droppedAttributesCount: 3,
    entityRefs: [
      create(EntityRefSchema, {
        schemaUrl: "https://opentelemetry.io/schemas/1.37.0",
        type: "service",
        idKeys: ["service.name"],
        descriptionKeys: ["host.name", "res.string"],
      }),
    ],
  });
}

const SCOPE = create(InstrumentationScopeSchema, {
  name: "dreamweaver",
  version: "0.1.0",
  attributes: [kv("scope.attr", create(AnyValueSchema, { value: { case: "stringValue", value: "s" } }))],
  droppedAttributesCount: 1,
});

function exemplars(): Exemplar[] {
  return [
    create(ExemplarSchema, {
      filteredAttributes: [kv("user.id", create(AnyValueSchema, { value: { case: "intValue", value: 17n } }))],
      timeUnixNano: T0 + 5n,
      value: { case: "asDouble", value: 12.5 },
      spanId: SPAN_ID,
      traceId: TRACE_ID,
    }),
    create(ExemplarSchema, {
      filteredAttributes: [kv("user.id", create(AnyValueSchema, { value: { case: "intValue", value: 18n } }))],
      timeUnixNano: T0 + 6n,
      value: { case: "asInt", value: -9_000_000_000_000_000_001n },
      spanId: LINK_SPAN_ID,
      traceId: LINK_TRACE_ID,
    }),
  ];
}

function buildTraceRequest() {
  return create(ExportTraceServiceRequestSchema, {
    resourceSpans: [{
      resource: resource("checkout"),
      schemaUrl: "https://opentelemetry.io/schemas/1.36.0",
      scopeSpans: [{
        scope: SCOPE,
        schemaUrl: "https://opentelemetry.io/schemas/1.35.0",
        spans: [{
          traceId: TRACE_ID,
          spanId: SPAN_ID,
          traceState: "vendor=abc,other=1",
          parentSpanId: PARENT_SPAN_ID,
          flags: 0x01 | SpanFlags.CONTEXT_HAS_IS_REMOTE_MASK | SpanFlags.CONTEXT_IS_REMOTE_MASK,
          name: "POST /cart/checkout",
          kind: Span_SpanKind.SERVER,
          startTimeUnixNano: T0,
          endTimeUnixNano: T0 + 1_234_567n,
          attributes: everyKindAttributes("span"),
          droppedAttributesCount: 2,
          events: [{
            timeUnixNano: T0 + 1000n,
            name: "exception",
            attributes: [
              kv("exception.type", create(AnyValueSchema, { value: { case: "stringValue", value: "Timeout" } })),
            ],
            droppedAttributesCount: 4,
          }],
          droppedEventsCount: 5,
          links: [{
            traceId: LINK_TRACE_ID,
            spanId: LINK_SPAN_ID,
            traceState: "link=1",
            attributes: [kv("link.kind", create(AnyValueSchema, { value: { case: "stringValue", value: "batch" } }))],
            droppedAttributesCount: 6,
            flags: 0x01 | SpanFlags.CONTEXT_HAS_IS_REMOTE_MASK,
          }],
          droppedLinksCount: 7,
          status: { message: "deadline exceeded", code: Status_StatusCode.ERROR },
        }],
      }],
    }],
  });
}

function buildMetricsRequest() {
  const metadata = [kv("meta.source", create(AnyValueSchema, { value: { case: "stringValue", value: "sim" } }))];
  const pointAttrs = [kv("route", create(AnyValueSchema, { value: { case: "stringValue", value: "/cart" } }))];
  return create(ExportMetricsServiceRequestSchema, {
    resourceMetrics: [{
      resource: resource("inventory"),
      schemaUrl: "https://opentelemetry.io/schemas/1.36.0",
      scopeMetrics: [{
        scope: SCOPE,
        schemaUrl: "https://opentelemetry.io/schemas/1.35.0",
        metrics: [
          {
            name: "queue.depth",
            description: "Items waiting",
            unit: "{item}",
            metadata,
            data: {
              case: "gauge",
              value: {
                dataPoints: [
                  {
                    attributes: [...pointAttrs, ...everyKindAttributes("point")],
                    startTimeUnixNano: T0,
                    timeUnixNano: T0 + 10n,
                    value: { case: "asDouble", value: 3.75 },
                    exemplars: exemplars(),
                    flags: DataPointFlags.NO_RECORDED_VALUE_MASK,
                  },
                  {
                    attributes: pointAttrs,
                    startTimeUnixNano: T0,
                    timeUnixNano: T0 + 20n,
                    value: { case: "asInt", value: -123_456_789_012n },
                    exemplars: exemplars(),
                    flags: DataPointFlags.NO_RECORDED_VALUE_MASK,
                  },
                ],
              },
            },
          },
          {
            name: "http.server.requests",
            description: "Requests served",
            unit: "{request}",
            metadata,
            data: {
              case: "sum",
              value: {
                aggregationTemporality: AggregationTemporality.CUMULATIVE,
                isMonotonic: true,
                dataPoints: [{
                  attributes: pointAttrs,
                  startTimeUnixNano: T0,
                  timeUnixNano: T0 + 30n,
                  value: { case: "asInt", value: 18_446_744_073n },
                  exemplars: exemplars(),
                  flags: 1,
                }],
              },
            },
          },
          {
            name: "http.server.duration",
            description: "Latency",
            unit: "ms",
            metadata,
            data: {
              case: "histogram",
              value: {
                aggregationTemporality: AggregationTemporality.DELTA,
                dataPoints: [{
                  attributes: pointAttrs,
                  startTimeUnixNano: T0,
                  timeUnixNano: T0 + 40n,
                  count: 9_007_199_254_740_993n,
                  sum: 1234.5,
                  bucketCounts: [1n, 9_007_199_254_740_990n, 2n],
                  explicitBounds: [10, 100.5],
                  exemplars: exemplars(),
                  flags: 1,
                  min: 0.25,
                  max: 9999.75,
                }],
              },
            },
          },
          {
            name: "db.client.duration",
            description: "Exponential latency",
            unit: "s",
            metadata,
            data: {
              case: "exponentialHistogram",
              value: {
                aggregationTemporality: AggregationTemporality.CUMULATIVE,
                dataPoints: [{
                  attributes: pointAttrs,
                  startTimeUnixNano: T0,
                  timeUnixNano: T0 + 50n,
                  count: 31n,
                  sum: -17.125,
                  scale: -3,
                  zeroCount: 4n,
                  positive: { offset: -5, bucketCounts: [3n, 0n, 9_007_199_254_740_993n] },
                  negative: { offset: 2, bucketCounts: [1n, 2n] },
                  flags: 1,
                  exemplars: exemplars(),
                  min: -8.5,
                  max: 12.75,
                  zeroThreshold: 1e-9,
                }],
              },
            },
          },
          {
            name: "gc.pause",
            description: "Legacy summary",
            unit: "ms",
            metadata,
            data: {
              case: "summary",
              value: {
                dataPoints: [{
                  attributes: pointAttrs,
                  startTimeUnixNano: T0,
                  timeUnixNano: T0 + 60n,
                  count: 100n,
                  sum: 512.25,
                  quantileValues: [{ quantile: 0.5, value: 4.5 }, { quantile: 0.99, value: 40.25 }],
                  flags: 1,
                }],
              },
            },
          },
        ],
      }],
    }],
  });
}

function buildLogsRequest() {
  return create(ExportLogsServiceRequestSchema, {
    resourceLogs: [{
      resource: resource("payments"),
      schemaUrl: "https://opentelemetry.io/schemas/1.36.0",
      scopeLogs: [{
        scope: SCOPE,
        schemaUrl: "https://opentelemetry.io/schemas/1.35.0",
        logRecords: [{
          timeUnixNano: T0,
          observedTimeUnixNano: T0 + 99n,
          severityNumber: SeverityNumber.WARN2,
          severityText: "WARN",
          body: {
            value: {
              case: "kvlistValue",
              value: { values: [{ key: "msg", value: { value: { case: "stringValue", value: "card declined" } } }] },
            },
          },
          attributes: everyKindAttributes("log"),
          droppedAttributesCount: 8,
          flags: LogRecordFlags.TRACE_FLAGS_MASK & 0x01,
          traceId: TRACE_ID,
          spanId: SPAN_ID,
          eventName: "payment.declined",
        }],
      }],
    }],
  });
}

// ---------------------------------------------------------------------------------------------

interface Case<Desc extends DescMessage> {
  schema: Desc;
  build: () => MessageShape<Desc>;
  decoder: PbjsType;
}

function check<Desc extends DescMessage>(c: Case<Desc>): void {
  const message = c.build();
  const bytes = toBinary(c.schema, message);

  // Fully populated: every field of every reachable message type is set somewhere.
  const seen = new Set<string>();
  const ours = normaliseOurs(reflect(c.schema, message), seen, UNKNOWN_TO_DECODER);
  const missing = [...allReachableFields(c.schema)].filter((id) => !seen.has(id));
  expect(missing).toEqual([]);

  // Independent decoder: all fields it knows come back equal...
  const theirs = decodeIndependently(c.decoder, bytes);
  expect(theirs.value).toEqual(ours);
  // ...and the only fields it skipped are the strindex varints (one key_strindex and one
  // string_value_strindex per everyKindAttributes() list in the request).
  const strindexFields = [...UNKNOWN_TO_DECODER].length * countStrindexKeyValues(reflect(c.schema, message));
  expect(theirs.skipped).toEqual(new Array<number>(strindexFields).fill(0));

  // Our own roundtrip covers everything, including the fields the decoder cannot check.
  const back = fromBinary(c.schema, bytes);
  expect(equals(c.schema, back, message)).toBe(true);
  expect(toBinary(c.schema, back)).toEqual(bytes);
  const roundtripSeen = new Set<string>();
  expect(normaliseOurs(reflect(c.schema, back), roundtripSeen, new Set())).toEqual(
    normaliseOurs(reflect(c.schema, message), new Set(), new Set()),
  );
}

/** Number of KeyValue messages in the tree that carry key_strindex. */
function countStrindexKeyValues(message: ReflectMessage): number {
  let count = 0;
  for (const field of message.fields) {
    if (!message.isSet(field)) continue;
    if (message.desc.typeName === "opentelemetry.proto.common.v1.KeyValue" && field.name === "key_strindex") {
      count++;
    }
    if (field.fieldKind === "message") count += countStrindexKeyValues(message.get(field));
    if (field.fieldKind === "list") {
      for (const item of message.get(field)) {
        if (isReflectMessage(item)) count += countStrindexKeyValues(item);
      }
    }
  }
  return count;
}

describe("OTLP protobuf wire compatibility (src/gen vs. official definitions)", () => {
  const collector = pbjsRoot.opentelemetry.proto.collector;

  test("ExportTraceServiceRequest", () => {
    check({
      schema: ExportTraceServiceRequestSchema,
      build: buildTraceRequest,
      decoder: collector.trace.v1.ExportTraceServiceRequest,
    });
  });

  test("ExportMetricsServiceRequest", () => {
    check({
      schema: ExportMetricsServiceRequestSchema,
      build: buildMetricsRequest,
      decoder: collector.metrics.v1.ExportMetricsServiceRequest,
    });
  });

  test("ExportLogsServiceRequest", () => {
    check({
      schema: ExportLogsServiceRequestSchema,
      build: buildLogsRequest,
      decoder: collector.logs.v1.ExportLogsServiceRequest,
    });
  });

  // The roundtrips above cannot notice a field that our schema lacks altogether, so also compare
  // the declarations: every message's field names, every enum's values and every service method.
  test("declarations match the official definitions (names, enum values, services)", () => {
    const files = [
      file_opentelemetry_proto_common_v1_common,
      file_opentelemetry_proto_resource_v1_resource,
      file_opentelemetry_proto_trace_v1_trace,
      file_opentelemetry_proto_metrics_v1_metrics,
      file_opentelemetry_proto_logs_v1_logs,
      file_opentelemetry_proto_collector_trace_v1_trace_service,
      file_opentelemetry_proto_collector_metrics_v1_metrics_service,
      file_opentelemetry_proto_collector_logs_v1_logs_service,
    ];
    let messages = 0;
    let enums = 0;
    let services = 0;
    for (const file of files) {
      for (const type of nestedTypes(file)) {
        const official = lookup(type.typeName);
        expect({ typeName: type.typeName, found: official !== undefined }).toEqual({
          typeName: type.typeName,
          found: true,
        });
        if (official === undefined) continue;
        switch (type.kind) {
          case "message": {
            messages++;
            // Static protobufjs classes declare one enumerable prototype property (holding the
            // default value) per field, next to methods such as toJSON.
            const prototype: unknown = Reflect.get(official, "prototype");
            const officialFields = typeof prototype === "object" && prototype !== null
              ? Object.keys(prototype).filter((key) => typeof Reflect.get(prototype, key) !== "function").sort()
              : [];
            const ourFields = type.fields
              .filter((f) => !UNKNOWN_TO_DECODER.has(`${type.typeName}.${f.name}`))
              .map((f) => f.localName)
              .sort();
            expect({ typeName: type.typeName, fields: ourFields }).toEqual({
              typeName: type.typeName,
              fields: officialFields,
            });
            break;
          }
          case "enum": {
            enums++;
            // Static protobufjs enums are objects mapping value names to numbers.
            const officialValues = Object.entries(official).sort(([a], [b]) => a.localeCompare(b));
            const ourValues = type.values
              .map((v): [string, number] => [v.name, v.number])
              .sort(([a], [b]) => a.localeCompare(b));
            expect({ typeName: type.typeName, values: ourValues }).toEqual({
              typeName: type.typeName,
              values: officialValues,
            });
            break;
          }
          case "service": {
            services++;
            const prototype: unknown = Reflect.get(official, "prototype");
            for (const method of type.methods) {
              const rpc: unknown = typeof prototype === "object" && prototype !== null
                ? Reflect.get(prototype, method.localName)
                : undefined;
              expect({ method: `${type.typeName}.${method.name}`, isFunction: typeof rpc === "function" })
                .toEqual({ method: `${type.typeName}.${method.name}`, isFunction: true });
            }
            break;
          }
          case "extension":
            throw new Error(`unexpected extension ${type.typeName}`);
        }
      }
    }
    // 43 messages (incl. nested), 7 enums and 3 services in the eight files.
    expect({ messages, enums, services }).toEqual({ messages: 43, enums: 7, services: 3 });
  });

  // The decoder cannot see these two, so pin their wire shape to opentelemetry-proto v1.11.0 here.
  test("profiling-only strindex fields have the v1.11.0 numbers and types", () => {
    const shape = (desc: DescMessage, name: string) => {
      const field = desc.fields.find((f) => f.name === name);
      return field?.fieldKind === "scalar"
        ? { number: field.number, scalar: ScalarType[field.scalar], oneof: field.oneof?.name ?? null }
        : null;
    };
    expect(shape(AnyValueSchema, "string_value_strindex")).toEqual({ number: 8, scalar: "INT32", oneof: "value" });
    expect(shape(KeyValueSchema, "key_strindex")).toEqual({ number: 3, scalar: "INT32", oneof: null });
  });

  test("ids are compared as hex and 64-bit integers as decimal strings", () => {
    const decoded = decodeIndependently(
      pbjsRoot.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest,
      toBinary(ExportTraceServiceRequestSchema, buildTraceRequest()),
    ).value;
    expect(JSON.stringify(decoded)).toContain(`"traceId":"${hex(TRACE_ID)}"`);
    expect(JSON.stringify(decoded)).toContain(`"startTimeUnixNano":"${T0.toString()}"`);
  });
});
