import { afterEach, describe, expect, test } from "bun:test";
import { connect, createServer, type Http2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { compressionGzip, createGrpcTransport } from "@connectrpc/connect-node";
import {
  ExportTraceServiceRequestSchema,
  TraceService,
} from "../src/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import { ResourceSpansSchema, Span_SpanKind } from "../src/gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import { preEncodedExportMethod } from "../src/otlp/otlp-methods.ts";
import { createGrpcHandler } from "../src/receiver/grpc-handler.ts";
import { type Sink, type SinkOptions, startSink } from "../src/receiver/start-receiver.ts";

// The receiver answers plain protobuf requests without Connect. These tests hold that path to Connect's
// answers, and check that what goes to Connect (compressed, JSON) is recorded the same way.

const sinks: Sink[] = [];
const servers: Http2Server[] = [];
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.close()));
  for (const server of servers.splice(0)) server.close();
});

async function sink(options: SinkOptions = {}): Promise<Sink> {
  const started = await startSink({ host: "127.0.0.1", port: 0, ...options });
  sinks.push(started);
  return started;
}

const id = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (seed * 31 + i * 7) & 255 || 1);
const BASE = 1_750_000_000_000_000_000n;

function resourceSpans(service: string, trace: number, spans: Array<{ span: number; parent?: number }>): Uint8Array {
  return toBinary(
    ResourceSpansSchema,
    create(ResourceSpansSchema, {
      resource: { attributes: [{ key: "service.name", value: { value: { case: "stringValue", value: service } } }] },
      scopeSpans: [{
        spans: spans.map(({ span, parent }) => ({
          traceId: id(16, trace),
          spanId: id(8, span),
          parentSpanId: parent === undefined ? new Uint8Array() : id(8, parent),
          kind: parent === undefined ? Span_SpanKind.SERVER : Span_SpanKind.CLIENT,
          startTimeUnixNano: BASE + BigInt(span),
          endTimeUnixNano: BASE + 100n - BigInt(span),
        })),
      }],
    }),
  );
}

/** Sends encoded resources as one export request, as the generator's exporter does. */
function send(port: number, resources: Uint8Array[], compressed = false) {
  const transport = createGrpcTransport({
    baseUrl: `http://127.0.0.1:${port}`,
    ...(compressed ? { sendCompression: compressionGzip } : {}),
  });
  return transport.unary(preEncodedExportMethod("traces"), undefined, 5000, undefined, { resources });
}

describe("a malformed resource", () => {
  for (const compressed of [false, true]) {
    test(`refuses the whole request ${compressed ? "(compressed, through Connect)" : "(plain)"}`, async () => {
      const receiver = await sink();
      const good = resourceSpans("a", 1, [{ span: 1 }]);
      const bad = good.subarray(0, good.length - 3);
      const error = await send(receiver.port, [good, bad], compressed).catch((e: unknown) => e);
      expect(ConnectError.from(error).code).toBe(Code.Internal);
      expect(ConnectError.from(error).rawMessage).toStartWith("parse binary: ");
      const report = receiver.report();
      expect(report).toMatchObject({ spans: 0, rejectedRequests: 1, requests: { traces: 0, metrics: 0, logs: 0 } });
      expect(report.services).toEqual([]);
      expect(report.bytes.traces).toBeGreaterThan(good.length);
    });
  }
});

describe("received in several requests", () => {
  test("a trace is checked as one while its parts arrive within the idle time", async () => {
    const receiver = await sink();
    await send(receiver.port, [resourceSpans("frontend", 1, [{ span: 2, parent: 1 }])]);
    await send(receiver.port, [resourceSpans("backend", 1, [{ span: 3, parent: 2 }])]);
    await send(receiver.port, [resourceSpans("frontend", 1, [{ span: 1 }, { span: 3, parent: 2 }])], true);
    const report = receiver.report();
    expect(report.checks.traces).toMatchObject({ checked: 1, orphanSpans: 0, duplicateSpans: 1 });
    expect(report.examples.duplicateSpans).toEqual([
      Array.from(id(16, 1), (b) => b.toString(16).padStart(2, "0")).join(""),
    ]);
    expect(report.services).toEqual([
      { service: "backend", spans: 1, dataPoints: 0, logRecords: 0 },
      { service: "frontend", spans: 3, dataPoints: 0, logRecords: 0 },
    ]);
  });

  test("past maxOpenItems the least recently active traces are checked early", async () => {
    const receiver = await sink({ maxOpenItems: 3 });
    await send(receiver.port, [resourceSpans("svc", 1, [{ span: 1 }, { span: 2, parent: 1 }])]);
    await send(receiver.port, [resourceSpans("svc", 2, [{ span: 1 }, { span: 2, parent: 1 }])]);
    expect(receiver.stats().openTraces).toBe(1);
    expect(receiver.report().checks.traces).toMatchObject({ checked: 2, finalizedEarly: 1, orphanSpans: 0 });
  });
});

test("gRPC with the JSON codec is decoded in full and recorded the same way", async () => {
  const receiver = await sink();
  const client = createClient(
    TraceService,
    createGrpcTransport({ baseUrl: `http://127.0.0.1:${receiver.port}`, useBinaryFormat: false }),
  );
  await client.export(create(ExportTraceServiceRequestSchema, {
    resourceSpans: [{
      resource: { attributes: [{ key: "service.name", value: { value: { case: "stringValue", value: "json" } } }] },
      scopeSpans: [{ spans: [{ traceId: id(16, 1), spanId: id(8, 1), endTimeUnixNano: 1n }] }],
    }],
  }));
  const report = receiver.report();
  expect(report.services).toEqual([{ service: "json", spans: 1, dataPoints: 0, logRecords: 0 }]);
  expect(report.violations).toBe(0);
});

describe("the direct path answers as Connect does", () => {
  /** A server for the same method, with or without the direct path; counts what it is told. */
  async function server(direct: boolean) {
    const seen = { bytes: 0, rejected: 0, messages: [] as number[] };
    const viaDirectPath = { calls: 0 };
    const method = preEncodedExportMethod("traces");
    const handler = createGrpcHandler({
      routes: (router) =>
        router.rpc(method, (request) => {
          seen.messages.push(request.resources.length);
          return {};
        }),
      ...(direct
        ? {
          plainUnary: new Map([[`/${method.parent.typeName}/${method.name}`, {
            handle(message: Uint8Array) {
              viaDirectPath.calls++;
              seen.messages.push(countResources(message));
              return new Uint8Array(0);
            },
          }]]),
        }
        : {}),
      readMaxBytes: 64,
      keepChunks: false,
      onBytes: (_, bytes) => (seen.bytes += bytes),
      onRejected: () => seen.rejected++,
    });
    const http2 = createServer(handler);
    servers.push(http2);
    await new Promise<void>((resolve) => http2.listen(0, "127.0.0.1", resolve));
    return { port: (http2.address() as AddressInfo).port, seen, viaDirectPath };
  }

  function countResources(message: Uint8Array): number {
    let count = 0;
    for (let i = 0; i < message.length; i += 2 + (message[i + 1] ?? 0)) count++;
    return count;
  }

  async function call(port: number, body: Uint8Array, headers: Record<string, string> = {}) {
    const client = connect(`http://127.0.0.1:${port}`);
    try {
      const request = client.request({
        ":method": "POST",
        ":path": "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        "content-type": "application/grpc",
        te: "trailers",
        ...headers,
      });
      const answer = {
        status: 0,
        headers: {} as Record<string, unknown>,
        trailers: {} as Record<string, unknown>,
        data: [] as number[],
      };
      request.on("response", (h) => {
        const { date: _, ...rest } = h;
        answer.headers = rest;
      });
      request.on("trailers", (t) => (answer.trailers = { ...t }));
      request.on("data", (chunk: Buffer) => answer.data.push(...chunk));
      request.end(body);
      await new Promise((resolve) => request.on("close", resolve));
      return answer;
    } finally {
      client.close();
    }
  }

  const envelope = (flags: number, payload: number[]) => [flags, 0, 0, 0, payload.length, ...payload];
  const resource = [0x0a, 0x02, 0x0a, 0x00];
  const bodies: Record<string, number[]> = {
    "one message": envelope(0, resource),
    "an empty message": envelope(0, []),
    "no message": [],
    "two messages": [...envelope(0, resource), ...envelope(0, [])],
    "a message and a partial one": [...envelope(0, resource), 0, 0],
    "a partial header": [0, 0, 0],
    "a partial message": [0, 0, 0, 0, 9, 1],
    "a compressed flag without compression": envelope(1, resource),
    "a message over the size limit": envelope(0, Array<number>(65).fill(0)),
    "a second message over the size limit": [...envelope(0, []), ...envelope(0, Array<number>(65).fill(0))],
  };

  for (const [what, body] of Object.entries(bodies)) {
    test(what, async () => {
      const connectOnly = await server(false);
      const direct = await server(true);
      const variants: Record<string, string>[] = [{}, { "grpc-accept-encoding": "br, gzip", "grpc-timeout": "5S" }];
      for (const headers of variants) {
        const expected = await call(connectOnly.port, Uint8Array.from(body), headers);
        const actual = await call(direct.port, Uint8Array.from(body), headers);
        expect(actual).toEqual(expected);
      }
      expect(direct.seen).toEqual(connectOnly.seen);
      // Well-framed messages reach the route without Connect.
      expect(direct.viaDirectPath.calls).toBe(direct.seen.messages.length);
    });
  }

  test("requests it does not know go to Connect", async () => {
    const direct = await server(true);
    const answer = await call(direct.port, Uint8Array.from(envelope(0, [])), { "grpc-timeout": "soon" });
    expect(answer.trailers["grpc-status"]).toBe(String(Code.InvalidArgument));
    expect(direct.seen.messages).toEqual([]);
  });
});
