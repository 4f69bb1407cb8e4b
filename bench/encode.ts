// Throughput of the hand-written OTLP span encoder: `npx bun bench/encode.ts [spanCount]`.
//
// Builds realistic spans up front (8-12 attributes, string and int values, 16/8-byte ids, some errors with an
// exception event), then times encoding them into ResourceSpans batches of 500, each framed as its own
// ExportTraceServiceRequest. For scale, the same batches go through protobuf-es (`create` + `toBinary`).
// Prints one JSON object.
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { ExportTraceServiceRequestSchema } from "../src/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import type { AnyValueSchema } from "../src/gen/opentelemetry/proto/common/v1/common_pb.ts";
import type { SpanSchema } from "../src/gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import { encodeExportRequest, encodeResource, encodeResourceSpans, ProtoWriter } from "../src/otlp/encode.ts";
import {
  type AnyValue,
  FLAG_SAMPLED,
  type KeyValue,
  type ResourceRecord,
  type ScopeRecord,
  type SpanRecord,
  STATUS_ERROR,
} from "../src/telemetry/records.ts";
import { median, RUNTIME, timed } from "./measure.ts";

const SPAN_COUNT = Number(process.argv[2] ?? 200_000);
const BATCH_SIZE = 500;
const ROUNDS = 7;
const BASELINE_SPANS = 20_000;

/** xorshift32: deterministic, so runs are comparable. */
let seed = 0x9e3779b9;
function next(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}
const pick = <T>(items: readonly T[]): T => items[next() % items.length]!;
function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = next() & 255;
  return out;
}

const ROUTES = ["/api/users/{id}", "/api/cart", "/api/orders/{orderId}/items", "/health", "/api/search"];
const METHODS = ["GET", "POST", "PUT", "DELETE"];
const HOSTS = ["checkout.internal", "users-db.prod.svc.cluster.local", "payments.internal", "search-7f9c"];
const AGENTS = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36", "okhttp/4.12.0", "curl/8.5.0"];
const STATEMENTS = ["SELECT * FROM users WHERE id = $1", "UPDATE carts SET total = $1 WHERE id = $2"];

/** A semconv-like attribute set: 8 to 12 entries, about a third of them ints. */
function attributes(route: string, method: string): KeyValue[] {
  const out: KeyValue[] = [
    { key: "http.request.method", value: { string: method } },
    { key: "http.route", value: { string: route } },
    { key: "url.path", value: { string: route.replace(/\{\w+\}/g, String(next() % 100_000)) } },
    { key: "server.address", value: { string: pick(HOSTS) } },
    { key: "server.port", value: { int: 8080 } },
    { key: "http.response.status_code", value: { int: pick([200, 200, 200, 201, 404, 500]) } },
    { key: "network.protocol.version", value: { string: "1.1" } },
    { key: "user_agent.original", value: { string: pick(AGENTS) } },
  ];
  const extra: [string, AnyValue][] = [
    ["db.system", { string: "postgresql" }],
    ["db.statement", { string: pick(STATEMENTS) }],
    ["http.request.body.size", { int: next() % 65_536 }],
    ["app.user.id", { int: next() }],
  ];
  const extraCount = next() % 5;
  for (let i = 0; i < extraCount; i++) out.push({ key: extra[i]![0], value: extra[i]![1] });
  return out;
}

function makeSpans(count: number): SpanRecord[] {
  const spans: SpanRecord[] = [];
  let traceId = randomBytes(16);
  let rootId = randomBytes(8);
  const startBase = 1_763_900_000_000_000;
  for (let i = 0; i < count; i++) {
    const isRoot = i % 8 === 0;
    if (isRoot) {
      traceId = randomBytes(16);
      rootId = randomBytes(8);
    }
    const route = pick(ROUTES);
    const method = pick(METHODS);
    const startUs = startBase + i * 37 + (next() % 1000);
    const failed = next() % 20 === 0;
    spans.push({
      traceId,
      spanId: isRoot ? rootId : randomBytes(8),
      ...(isRoot ? {} : { parentSpanId: rootId }),
      name: `${method} ${route}`,
      kind: isRoot ? 2 : 3,
      startUs,
      endUs: startUs + 1 + (next() % 250_000),
      attributes: attributes(route, method),
      events: failed
        ? [{
          name: "exception",
          timeUs: startUs + 10,
          attributes: [{ key: "exception.type", value: { string: "Timeout" } }],
        }]
        : [],
      links: [],
      ...(failed ? { status: { code: STATUS_ERROR, message: "upstream timed out" } } : {}),
      flags: FLAG_SAMPLED,
    });
  }
  return spans;
}

const RESOURCE: ResourceRecord = {
  attributes: [
    { key: "service.name", value: { string: "checkout" } },
    { key: "service.instance.id", value: { string: "checkout-7f9c-1" } },
    { key: "telemetry.sdk.name", value: { string: "dreamweaver" } },
  ],
};
const SCOPE: ScopeRecord = { name: "dreamweaver", version: "0.1.0", attributes: [] };

function batches(spans: readonly SpanRecord[]): SpanRecord[][] {
  const out: SpanRecord[][] = [];
  for (let i = 0; i < spans.length; i += BATCH_SIZE) out.push(spans.slice(i, i + BATCH_SIZE));
  return out;
}

/** Encodes every batch as its own export request; returns total bytes and seconds taken. */
function encodeAll(writer: ProtoWriter, resource: Uint8Array, work: readonly SpanRecord[][]): [number, number] {
  const start = performance.now();
  let bytes = 0;
  for (const batch of work) bytes += encodeExportRequest([encodeResourceSpans(writer, resource, SCOPE, batch)]).length;
  return [bytes, (performance.now() - start) / 1000];
}

// ---- protobuf-es baseline ----

function pbValue(value: AnyValue): MessageInitShape<typeof AnyValueSchema> {
  if ("string" in value) return { value: { case: "stringValue", value: value.string } };
  if ("int" in value) return { value: { case: "intValue", value: BigInt(value.int) } };
  throw new Error("benchmark spans use string and int attributes only");
}

function protobufEs(work: readonly SpanRecord[][]): number {
  const resource = { attributes: RESOURCE.attributes.map((kv) => ({ key: kv.key, value: pbValue(kv.value) })) };
  const start = performance.now();
  for (const batch of work) {
    const spans = batch.map((s): MessageInitShape<typeof SpanSchema> => ({
      traceId: s.traceId,
      spanId: s.spanId,
      parentSpanId: s.parentSpanId ?? new Uint8Array(0),
      name: s.name,
      kind: s.kind,
      startTimeUnixNano: BigInt(s.startUs) * 1000n,
      endTimeUnixNano: BigInt(s.endUs) * 1000n,
      attributes: s.attributes.map((kv) => ({ key: kv.key, value: pbValue(kv.value) })),
      events: s.events.map((e) => ({
        name: e.name,
        timeUnixNano: BigInt(e.timeUs) * 1000n,
        attributes: e.attributes.map((kv) => ({ key: kv.key, value: pbValue(kv.value) })),
      })),
      ...(s.status ? { status: s.status } : {}),
      flags: s.flags,
    }));
    const request = create(ExportTraceServiceRequestSchema, {
      resourceSpans: [{ resource, scopeSpans: [{ scope: { name: SCOPE.name, version: SCOPE.version }, spans }] }],
    });
    toBinary(ExportTraceServiceRequestSchema, request);
  }
  return (performance.now() - start) / 1000;
}

const spans = makeSpans(SPAN_COUNT);
const work = batches(spans);
const writer = new ProtoWriter();
const resource = encodeResource(RESOURCE);

const seconds: number[] = [];
let totalBytes = 0;
encodeAll(writer, resource, work); // warm-up: let the JIT settle before timing
const [, timing] = await timed(() => {
  for (let round = 0; round < ROUNDS; round++) {
    const [bytes, taken] = encodeAll(writer, resource, work);
    totalBytes = bytes;
    seconds.push(taken);
  }
});

const baselineWork = batches(spans.slice(0, BASELINE_SPANS));
protobufEs(baselineWork);
const baselineSeconds = median([protobufEs(baselineWork), protobufEs(baselineWork), protobufEs(baselineWork)]);

console.log(JSON.stringify(
  {
    runtime: RUNTIME,
    // All rounds: their wall and CPU time.
    wallSeconds: timing.wallSeconds,
    cpuSeconds: timing.cpuSeconds,
    spans: SPAN_COUNT,
    batchSize: BATCH_SIZE,
    rounds: ROUNDS,
    spansPerSecond: Math.round(SPAN_COUNT / median(seconds)),
    bestSpansPerSecond: Math.round(SPAN_COUNT / Math.min(...seconds)),
    bytesPerSpan: Math.round((totalBytes / SPAN_COUNT) * 10) / 10,
    mbPerSecond: Math.round(totalBytes / median(seconds) / 1e6),
    protobufEsSpansPerSecond: Math.round(BASELINE_SPANS / baselineSeconds),
  },
  null,
  2,
));
