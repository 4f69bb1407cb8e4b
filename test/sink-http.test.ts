import { afterEach, expect, test } from "bun:test";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { create, toBinary } from "@bufbuild/protobuf";
import type { OtlpProtocol } from "../src/config/config.ts";
import { ExportTraceServiceRequestSchema } from "../src/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import { Span_SpanKind } from "../src/gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import type { Settings } from "../src/config/settings.ts";
import { loadSettings, runFast } from "./helpers/run.ts";
import type { RunSummary } from "../src/run/summary.ts";
import { type Sink, type SinkOptions, startSink } from "../src/receiver/start-receiver.ts";
import { createHttpHandler } from "../src/receiver/http-handler.ts";
import { MalformedMessage } from "../src/otlp/proto-reader.ts";
import { ROOT } from "./helpers/cli.ts";

// The OTLP/HTTP listener of the built-in receiver: the generator's own OTLP/HTTP exporter, in each of its
// encodings, must get everything through to the same counts and checks as gRPC.

const sinks: Sink[] = [];
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.close()));
});

async function httpSink(options: SinkOptions = {}): Promise<Sink & { url: string }> {
  // Traces are only checked at the report: no idle timer firing in the middle of a run.
  const sink = await startSink({ host: "127.0.0.1", port: 0, httpPort: 0, traceIdleMs: 60_000, ...options });
  sinks.push(sink);
  return Object.assign(sink, { url: `http://127.0.0.1:${sink.httpPort}` });
}

let example: Settings | undefined;

async function runInto(url: string, protocol: OtlpProtocol, compression: "gzip" | "none"): Promise<RunSummary> {
  example ??= await loadSettings(join(ROOT, "examples", "ecommerce.yaml"));
  const loaded = {
    ...example,
    config: { ...example.config, output: { ...example.config.output, protocol, compression } },
  };
  return runFast(loaded, { requests: 200, endpoint: { url, tls: false }, exporter: "otlp-http" });
}

function expectEverything(summary: RunSummary, sink: Sink): void {
  const report = sink.report();
  expect(summary.failedExports).toBe(0);
  expect(summary.spans).toBeGreaterThan(0);
  expect(summary.logRecords).toBeGreaterThan(0);
  expect(summary.dataPoints).toBeGreaterThan(0);
  expect(report.spans).toBe(summary.spans);
  expect(report.logRecords).toBe(summary.logRecords);
  expect(report.dataPoints).toBe(summary.dataPoints);
  expect(report.violations).toBe(0);
  expect(report.rejectedRequests).toBe(0);
  expect(report.checks.traces.orphanSpans).toBe(0);
  expect(report.bytes.traces).toBeGreaterThan(0);
  expect(report.bytes.metrics).toBeGreaterThan(0);
  expect(report.bytes.logs).toBeGreaterThan(0);
}

for (
  const [protocol, compression] of [
    ["http/protobuf", "none"],
    ["http/json", "none"],
    ["http/protobuf", "gzip"],
    ["http/json", "gzip"],
  ] as const
) {
  test(`a run over OTLP/HTTP (${protocol}, compression ${compression}) arrives whole`, async () => {
    const sink = await httpSink();
    expectEverything(await runInto(sink.url, protocol, compression), sink);
  }, 30_000);
}

test("the gRPC listener still works beside the HTTP one, into the same counts", async () => {
  const sink = await httpSink();
  const overHttp = await runInto(sink.url, "http/protobuf", "none");
  const spans = sink.stats().spans;
  example ??= await loadSettings(join(ROOT, "examples", "ecommerce.yaml"));
  const overGrpc = await runFast(example, {
    requests: 200,
    endpoint: { url: `http://127.0.0.1:${sink.port}`, tls: false },
  });
  expect(spans).toBe(overHttp.spans);
  // The same seed and start time send the very same requests again: over either protocol, they are one
  // receiver's duplicates.
  const { spans: distinct, duplicates } = sink.stats();
  expect(distinct + duplicates.spans).toBe(overHttp.spans + overGrpc.spans);
  expect(duplicates.spans).toBe(overGrpc.spans);
}, 30_000);

test(
  "injected failures answer 503 with Retry-After: 0, and the exporter's retries still deliver everything",
  async () => {
    const sink = await httpSink({ failRate: 0.2 });
    const probe = await fetch(`${sink.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body: new Uint8Array(0),
    });
    // The first call is not one of the failing ones (every 5th is): it is an empty, valid request.
    expect(probe.status).toBe(200);
    const summary = await runInto(sink.url, "http/protobuf", "none");
    const report = sink.report();
    expect(summary.failedExports).toBe(0);
    expect(report.injectedFailures).toBeGreaterThan(0);
    expect(summary.retries).toBe(report.injectedFailures!);
    expect(report.spans).toBe(summary.spans);
    expect(report.violations).toBe(0);

    const failing = await httpSink({ failRate: 1 });
    const failed = await fetch(`${failing.url}/v1/logs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(failed.status).toBe(503);
    expect(failed.headers.get("retry-after")).toBe("0");
    await failed.arrayBuffer();
  },
  30_000,
);

/** A small valid traces request: one root span. */
function tracesRequest(): Uint8Array {
  return toBinary(
    ExportTraceServiceRequestSchema,
    create(ExportTraceServiceRequestSchema, {
      resourceSpans: [{
        resource: { attributes: [{ key: "service.name", value: { value: { case: "stringValue", value: "hand" } } }] },
        scopeSpans: [{
          spans: [{
            traceId: new Uint8Array(16).fill(1),
            spanId: new Uint8Array(8).fill(2),
            name: "root",
            kind: Span_SpanKind.SERVER,
            startTimeUnixNano: 1_750_000_000_000_000_000n,
            endTimeUnixNano: 1_750_000_000_001_000_000n,
          }],
        }],
      }],
    }),
  );
}

function post(url: string, body: string | Uint8Array, headers: Record<string, string>, method = "POST") {
  // A copy: fetch wants a body on a plain ArrayBuffer, which protobuf-es's output is not typed as.
  return fetch(url, {
    method,
    headers,
    body: method !== "POST" ? null : typeof body === "string" ? body : body.slice(),
  });
}

test("answers: 200 with an empty response in the request's type, 400/404/405/413/415 for the rest", async () => {
  const sink = await httpSink({ maxMessageBytes: 1000 });
  const proto = { "content-type": "application/x-protobuf" };
  const json = { "content-type": "application/json" };

  const ok = await post(`${sink.url}/v1/traces`, tracesRequest(), proto);
  expect(ok.status).toBe(200);
  expect(ok.headers.get("content-type")).toBe("application/x-protobuf");
  expect((await ok.arrayBuffer()).byteLength).toBe(0);

  // OTLP/JSON as the specification writes it: hex ids, integer enums, 64-bit integers as strings.
  const jsonBody = JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "json" } }] },
      scopeSpans: [{
        spans: [{
          traceId: "5b8efff798038103d269b633813fc60c",
          spanId: "eee19b7ec3c1b174",
          name: "root",
          kind: 2,
          startTimeUnixNano: "1750000000000000000",
          endTimeUnixNano: "1750000000001000000",
          someFutureField: true,
        }],
      }],
    }],
  });
  const okJson = await post(`${sink.url}/v1/traces`, gzipSync(jsonBody), { ...json, "content-encoding": "gzip" });
  expect(okJson.status).toBe(200);
  expect(okJson.headers.get("content-type")).toBe("application/json");
  expect(await okJson.json()).toEqual({});

  const before = sink.stats();
  expect(before).toMatchObject({ spans: 2, rejectedRequests: 0, requests: { traces: 2 } });

  const badProto = await post(`${sink.url}/v1/traces`, new Uint8Array([0x0a, 0x05, 1]), proto);
  expect(badProto.status).toBe(400);
  await badProto.arrayBuffer();
  const badJson = await post(`${sink.url}/v1/logs`, '{"resourceLogs": [', json);
  expect(badJson.status).toBe(400);
  expect(await badJson.json()).toMatchObject({ code: 3 });
  const badGzip = await post(`${sink.url}/v1/metrics`, new Uint8Array([1, 2, 3]), {
    ...proto,
    "content-encoding": "gzip",
  });
  expect(badGzip.status).toBe(400);
  await badGzip.arrayBuffer();
  const badIds = await post(
    `${sink.url}/v1/traces`,
    '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz!"}]}]}]}',
    json,
  );
  expect(badIds.status).toBe(400);
  await badIds.arrayBuffer();

  const after = sink.stats();
  expect(after).toMatchObject({ spans: 2, rejectedRequests: 4, requests: { traces: 2, metrics: 0, logs: 0 } });
  // Refused bodies are counted as received all the same, as on the gRPC path.
  expect(after.bytes.logs).toBeGreaterThan(0);

  const notFound = await post(`${sink.url}/v1/spans`, tracesRequest(), proto);
  expect(notFound.status).toBe(404);
  await notFound.arrayBuffer();
  const wrongMethod = await post(`${sink.url}/v1/traces`, "", proto, "GET");
  expect(wrongMethod.status).toBe(405);
  expect(wrongMethod.headers.get("allow")).toBe("POST");
  await wrongMethod.arrayBuffer();
  const wrongType = await post(`${sink.url}/v1/traces`, tracesRequest(), { "content-type": "text/plain" });
  expect(wrongType.status).toBe(415);
  await wrongType.arrayBuffer();
  const tooLarge = await post(`${sink.url}/v1/traces`, new Uint8Array(2000), proto);
  expect(tooLarge.status).toBe(413);
  await tooLarge.arrayBuffer();
  // Small when sent, too large once decompressed.
  const bomb = await post(`${sink.url}/v1/traces`, gzipSync(new Uint8Array(100_000)), {
    ...proto,
    "content-encoding": "gzip",
  });
  expect(bomb.status).toBe(413);
  await bomb.arrayBuffer();

  const report = sink.report();
  expect(report.spans).toBe(2);
  expect(report.services.map((s) => s.service)).toEqual(["hand", "json"]);
  expect(report.violations).toBe(0);
});

test("without httpPort there is no HTTP listener", async () => {
  const sink = await startSink({ host: "127.0.0.1", port: 0 });
  sinks.push(sink);
  expect(sink.httpPort).toBeUndefined();
});

test("a body the decoder refuses is the sender's 400; a failure of the receiver's own is its 500", async () => {
  const answerTo = async (record: () => void) => {
    const server = createServer(createHttpHandler({ record, readMaxBytes: 1024, onBytes() {}, onRejected() {} }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      return { status: response.status, body: await response.json() };
    } finally {
      server.close();
    }
  };
  expect(
    await answerTo(() => {
      throw new MalformedMessage("premature end of message");
    }),
  ).toEqual({ status: 400, body: { code: 3, message: "premature end of message" } });
  // The fuzz test tells the two apart: any 5xx it gets is a bug of the receiver.
  expect(
    await answerTo(() => {
      throw new TypeError("x is undefined");
    }),
  ).toEqual({ status: 500, body: { code: 13, message: "internal error: x is undefined" } });
});
