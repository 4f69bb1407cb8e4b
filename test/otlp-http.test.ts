import { afterAll, expect, test } from "bun:test";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { fromBinary, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { base64Encode } from "@bufbuild/protobuf/wire";
import {
  type ExportLogsServiceRequest,
  ExportLogsServiceRequestSchema,
} from "../src/gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import {
  type ExportMetricsServiceRequest,
  ExportMetricsServiceRequestSchema,
} from "../src/gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import {
  type ExportTraceServiceRequest,
  ExportTraceServiceRequestSchema,
} from "../src/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import type { Config } from "../src/config/config.ts";
import type { Settings } from "../src/config/settings.ts";
import { loadSettings, runFast } from "./helpers/run.ts";
import type { RunSummary } from "../src/run/summary.ts";
import { startSink } from "../src/receiver/start-receiver.ts";
import { ROOT } from "./helpers/cli.ts";

/** One request as the test receiver saw it, its body already gunzipped. */
interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Answers one request; by default 200 with an empty protobuf Export*ServiceResponse. */
type Answer = (received: Received, index: number, response: ServerResponse) => void;

const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

/** A real OTLP/HTTP receiver on 127.0.0.1, keeping every request. */
async function receiver(answer?: Answer): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks);
      const gzipped = request.headers["content-encoding"] === "gzip";
      const entry = { path: request.url ?? "", headers: request.headers, body: gzipped ? gunzipSync(raw) : raw };
      received.push(entry);
      if (answer) return answer(entry, received.length - 1, response);
      response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  server.unref();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

let example: Settings | undefined;

/** The ecommerce example with `output` fields replaced. */
async function configured(output: Partial<Config["output"]>): Promise<Settings> {
  example ??= await loadSettings(join(ROOT, "examples", "ecommerce.yaml"));
  return { ...example, config: { ...example.config, output: { ...example.config.output, ...output } } };
}

function run(loaded: Settings, url: string): Promise<RunSummary> {
  return runFast(loaded, { requests: 200, endpoint: { url, tls: false }, exporter: "otlp-http" });
}

interface Decoded {
  traces: ExportTraceServiceRequest[];
  metrics: ExportMetricsServiceRequest[];
  logs: ExportLogsServiceRequest[];
}

function decodeProtobuf(received: readonly Received[]): Decoded {
  const decoded: Decoded = { traces: [], metrics: [], logs: [] };
  for (const { path, body } of received) {
    if (path === "/v1/traces") decoded.traces.push(fromBinary(ExportTraceServiceRequestSchema, body));
    else if (path === "/v1/metrics") decoded.metrics.push(fromBinary(ExportMetricsServiceRequestSchema, body));
    else if (path === "/v1/logs") decoded.logs.push(fromBinary(ExportLogsServiceRequestSchema, body));
    else throw new Error(`unexpected path ${path}`);
  }
  return decoded;
}

/** Spans, data points and log records in decoded requests. */
function counts(decoded: Decoded): { spans: number; dataPoints: number; logRecords: number } {
  let spans = 0, dataPoints = 0, logRecords = 0;
  for (const request of decoded.traces) {
    for (const r of request.resourceSpans) for (const s of r.scopeSpans) spans += s.spans.length;
  }
  for (const request of decoded.metrics) {
    for (const r of request.resourceMetrics) {
      for (const s of r.scopeMetrics) {
        for (const metric of s.metrics) dataPoints += metric.data.value?.dataPoints.length ?? 0;
      }
    }
  }
  for (const request of decoded.logs) {
    for (const r of request.resourceLogs) for (const s of r.scopeLogs) logRecords += s.logRecords.length;
  }
  return { spans, dataPoints, logRecords };
}

function expectEverything(summary: RunSummary, decoded: Decoded): void {
  expect(summary.failedExports).toBe(0);
  expect(summary.spans).toBeGreaterThan(0);
  expect(summary.logRecords).toBeGreaterThan(0);
  expect(counts(decoded)).toEqual({
    spans: summary.spans,
    dataPoints: summary.dataPoints,
    logRecords: summary.logRecords,
  });
}

test("http/protobuf delivers every span, data point and log record to /v1/<signal>", async () => {
  const { url, received } = await receiver();
  const summary = await run(await configured({ protocol: "http/protobuf" }), url);
  expectEverything(summary, decodeProtobuf(received));
  for (const { headers } of received) {
    expect(headers["content-type"]).toBe("application/x-protobuf");
    expect(headers["content-encoding"]).toBeUndefined();
  }
  expect(new Set(received.map((r) => r.path))).toEqual(new Set(["/v1/traces", "/v1/metrics", "/v1/logs"]));
});

test("gzip compresses the body and says so, and custom headers arrive", async () => {
  const { url, received } = await receiver();
  const loaded = await configured({
    protocol: "http/protobuf",
    compression: "gzip",
    headers: { authorization: "Bearer x", "x-tenant": "acme" },
  });
  expectEverything(await run(loaded, url), decodeProtobuf(received));
  for (const { headers } of received) {
    expect(headers["content-encoding"]).toBe("gzip");
    expect(headers.authorization).toBe("Bearer x");
    expect(headers["x-tenant"]).toBe("acme");
  }
});

/** OTLP/JSON back into protobuf-es's JSON mapping: hex ids into base64, as `fromJson` reads bytes. */
function base64Ids(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(base64Ids);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => {
      if (!["traceId", "spanId", "parentSpanId"].includes(key)) return [key, base64Ids(field)];
      expect(field).toMatch(key === "traceId" ? /^[0-9a-f]{32}$/ : /^[0-9a-f]{16}$/);
      const hex = field as string;
      return [key, base64Encode(Uint8Array.from(hex.match(/../g)!, (byte) => parseInt(byte, 16)))];
    }),
  );
}

/** The JSON object at a path of keys and indices. */
function at(json: JsonValue, ...path: (string | number)[]): Record<string, JsonValue> {
  let value: unknown = json;
  for (const key of path) value = (value as Record<string | number, unknown>)[key];
  return value as Record<string, JsonValue>;
}

test("http/json sends OTLP/JSON: hex ids, integer enums, 64-bit integers as strings", async () => {
  const { url, received } = await receiver();
  const summary = await run(await configured({ protocol: "http/json", compression: "gzip" }), url);
  const decoded: Decoded = { traces: [], metrics: [], logs: [] };
  for (const { path, headers, body } of received) {
    expect(headers["content-type"]).toBe("application/json");
    const json = JSON.parse(body.toString("utf8")) as JsonValue;
    if (path === "/v1/traces") {
      const span = at(json, "resourceSpans", 0, "scopeSpans", 0, "spans", 0);
      expect(typeof span.kind).toBe("number");
      expect(typeof span.startTimeUnixNano).toBe("string");
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      decoded.traces.push(fromJson(ExportTraceServiceRequestSchema, base64Ids(json)));
    } else if (path === "/v1/metrics") {
      decoded.metrics.push(fromJson(ExportMetricsServiceRequestSchema, base64Ids(json)));
    } else if (path === "/v1/logs") {
      const record = at(json, "resourceLogs", 0, "scopeLogs", 0, "logRecords", 0);
      expect(typeof record.severityNumber).toBe("number");
      decoded.logs.push(fromJson(ExportLogsServiceRequestSchema, base64Ids(json)));
    }
  }
  expectEverything(summary, decoded);
});

test("a 503 with Retry-After is retried until it succeeds", async () => {
  const { url, received } = await receiver((_, index, response) => {
    if (index < 2) response.writeHead(503, { "retry-after": "0" }).end();
    else response.writeHead(200).end();
  });
  const summary = await run(await configured({ protocol: "http/protobuf" }), url);
  expect(summary.retries).toBe(2);
  expect(received.length).toBe(summary.exports + 2);
  expectEverything(summary, decodeProtobuf(received.slice(2)));
});

test("a 400 is not retried, and says so in one line", async () => {
  const { url, received } = await receiver((_, index, response) => {
    if (index === 1) response.writeHead(400).end();
    else response.writeHead(200).end();
  });
  const summary = await run(await configured({ protocol: "http/protobuf" }), url);
  expect(summary.retries).toBe(0);
  expect(summary.failedExports).toBe(1);
  expect(received.length).toBe(summary.exports);
  expect(summary.lastError).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/\w+: HTTP 400 Bad Request$/);
});

test("partial success in the answer counts rejected items", async () => {
  const { url, received } = await receiver((request, _, response) => {
    // ExportTraceServiceResponse { partial_success { rejected_spans: 3 } }
    if (request.path === "/v1/traces") {
      response.writeHead(200, { "content-type": "application/x-protobuf" }).end(Buffer.from([0x0a, 0x02, 0x08, 0x03]));
    } else response.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  const summary = await run(await configured({ protocol: "http/protobuf" }), url);
  const traceCalls = received.filter((r) => r.path === "/v1/traces").length;
  expect(traceCalls).toBeGreaterThan(0);
  expect(summary.rejected).toEqual({ traces: 3 * traceCalls, metrics: 0, logs: 0 });
  expect(summary.delivered.traces).toBe(summary.spans - 3 * traceCalls);
});

test("gRPC with gzip and headers delivers everything to the built-in receiver", async () => {
  const sink = await startSink({ port: 0, traceIdleMs: 60_000 });
  closers.push(() => sink.close());
  const loaded = await configured({ compression: "gzip", headers: { authorization: "Bearer x" } });
  const summary = await runFast(loaded, {
    requests: 200,
    endpoint: { url: `http://127.0.0.1:${sink.port}`, tls: false },
    exporter: "otlp-grpc",
  });
  const report = sink.report();
  expect(summary.failedExports).toBe(0);
  expect(report.spans).toBe(summary.spans);
  expect(report.dataPoints).toBe(summary.dataPoints);
  expect(report.logRecords).toBe(summary.logRecords);
});
