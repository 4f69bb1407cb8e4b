import { afterEach, describe, expect, test } from "bun:test";
import * as grpc from "@grpc/grpc-js";
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { compressionGzip, createGrpcTransport } from "@connectrpc/connect-node";
import { DreamweaverError } from "../src/plugin-host/errors.ts";
import {
  type ExportLogsServiceRequest,
  ExportLogsServiceRequestSchema,
  LogsService,
} from "../src/gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import {
  type ExportMetricsServiceRequest,
  ExportMetricsServiceRequestSchema,
  MetricsService,
} from "../src/gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import {
  type ExportTraceServiceRequest,
  ExportTraceServiceRequestSchema,
  TraceService,
} from "../src/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import type { KeyValueSchema } from "../src/gen/opentelemetry/proto/common/v1/common_pb.ts";
import type { LogRecordSchema } from "../src/gen/opentelemetry/proto/logs/v1/logs_pb.ts";
import { AggregationTemporality, type MetricSchema } from "../src/gen/opentelemetry/proto/metrics/v1/metrics_pb.ts";
import { Span_SpanKind, type SpanSchema } from "../src/gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import type { Signal } from "../src/plugin-host/plugin.ts";
import { formatLiveLine, formatReport } from "../src/receiver/format-report.ts";
import type { SinkReport } from "../src/receiver/report.ts";
import { type Sink, type SinkOptions, startSink } from "../src/receiver/start-receiver.ts";
import { command } from "./helpers/cli.ts";

const BASE_NS = 1_750_000_000_000_000_000n;
const ms = (offset: number) => BASE_NS + BigInt(offset) * 1_000_000n;

function id(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16));
}

/** A 16-byte trace id and 8-byte span ids from short labels, so the data reads like a diagram. */
const traceId = (label: string) => id(label.padStart(32, "0"));
const spanId = (label: string) => id(label.padStart(16, "0"));

function attrs(values: Record<string, string>): MessageInitShape<typeof KeyValueSchema>[] {
  return Object.entries(values).map(([key, value]) => ({ key, value: { value: { case: "stringValue", value } } }));
}

function resource(service: string) {
  return { attributes: attrs({ "service.name": service, "service.instance.id": `${service}-1` }) };
}

type SpanInit = MessageInitShape<typeof SpanSchema>;
interface SpanSpec {
  trace: string;
  span: string;
  parent?: string;
  kind: Span_SpanKind;
  from: number;
  to: number;
  linkTo?: string;
}

function span(spec: SpanSpec): SpanInit {
  return {
    traceId: traceId(spec.trace),
    spanId: spanId(spec.span),
    parentSpanId: spec.parent === undefined ? new Uint8Array() : spanId(spec.parent),
    name: `span ${spec.span}`,
    kind: spec.kind,
    startTimeUnixNano: ms(spec.from),
    endTimeUnixNano: ms(spec.to),
    links: spec.linkTo === undefined ? [] : [{ traceId: traceId(spec.trace), spanId: spanId(spec.linkTo) }],
  };
}

function traces(byService: Record<string, SpanInit[]>): ExportTraceServiceRequest {
  return create(ExportTraceServiceRequestSchema, {
    resourceSpans: Object.entries(byService).map(([service, spans]) => ({
      resource: resource(service),
      scopeSpans: [{ scope: { name: "test" }, spans }],
    })),
  });
}

type LogInit = MessageInitShape<typeof LogRecordSchema>;
function log(trace?: string, spanLabel?: string): LogInit {
  return {
    timeUnixNano: ms(1),
    body: { value: { case: "stringValue", value: "something happened" } },
    traceId: trace === undefined ? new Uint8Array() : traceId(trace),
    spanId: spanLabel === undefined ? new Uint8Array() : spanId(spanLabel),
  };
}

function logs(byService: Record<string, LogInit[]>): ExportLogsServiceRequest {
  return create(ExportLogsServiceRequestSchema, {
    resourceLogs: Object.entries(byService).map(([service, logRecords]) => ({
      resource: resource(service),
      scopeLogs: [{ scope: { name: "test" }, logRecords }],
    })),
  });
}

type MetricInit = MessageInitShape<typeof MetricSchema>;
function counter(name: string, value: number, at: number, route = "/"): MetricInit {
  return {
    name,
    data: {
      case: "sum",
      value: {
        isMonotonic: true,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPoints: [{
          attributes: attrs({ "http.route": route }),
          startTimeUnixNano: ms(0),
          timeUnixNano: ms(at),
          value: { case: "asInt", value: BigInt(value) },
        }],
      },
    },
  };
}

function histogram(name: string, count: number, bucketCounts: number[]): MetricInit {
  return {
    name,
    data: {
      case: "histogram",
      value: {
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPoints: [{
          startTimeUnixNano: ms(0),
          timeUnixNano: ms(1000),
          count: BigInt(count),
          sum: 1.5,
          explicitBounds: [0.1, 1],
          bucketCounts: bucketCounts.map(BigInt),
        }],
      },
    },
  };
}

function gauge(name: string, value: number): MetricInit {
  return {
    name,
    data: { case: "gauge", value: { dataPoints: [{ timeUnixNano: ms(1000), value: { case: "asDouble", value } }] } },
  };
}

function metrics(byService: Record<string, MetricInit[]>): ExportMetricsServiceRequest {
  return create(ExportMetricsServiceRequestSchema, {
    resourceMetrics: Object.entries(byService).map(([service, metrics]) => ({
      resource: resource(service),
      scopeMetrics: [{ scope: { name: "test" }, metrics }],
    })),
  });
}

/** A real gRPC client over loopback HTTP/2, as an exporter would use. */
function clientsFor(port: number, compressed = false) {
  const transport = createGrpcTransport({
    baseUrl: `http://127.0.0.1:${port}`,
    ...(compressed ? { sendCompression: compressionGzip } : {}),
  });
  return {
    traces: createClient(TraceService, transport),
    metrics: createClient(MetricsService, transport),
    logs: createClient(LogsService, transport),
  };
}

const sinks: Sink[] = [];
async function sink(options: SinkOptions = {}): Promise<Sink> {
  const started = await startSink({ host: "127.0.0.1", port: 0, ...options });
  sinks.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.close()));
});

const GOOD_TRACE = "a1";

/** frontend SERVER -> frontend CLIENT -> backend SERVER -> backend PRODUCER ~> worker CONSUMER (linked). */
const goodSpans = {
  frontend: [
    span({ trace: GOOD_TRACE, span: "1", kind: Span_SpanKind.SERVER, from: 0, to: 100 }),
    span({ trace: GOOD_TRACE, span: "2", parent: "1", kind: Span_SpanKind.CLIENT, from: 10, to: 90 }),
  ],
  backend: [
    span({ trace: GOOD_TRACE, span: "3", parent: "2", kind: Span_SpanKind.SERVER, from: 15, to: 85 }),
    span({ trace: GOOD_TRACE, span: "4", parent: "3", kind: Span_SpanKind.PRODUCER, from: 20, to: 25 }),
  ],
  // The consumer starts after its producer ended and outlives the whole request: that is fine.
  worker: [
    span({ trace: GOOD_TRACE, span: "5", parent: "4", kind: Span_SpanKind.CONSUMER, from: 150, to: 300, linkTo: "4" }),
  ],
};

describe("a well-formed workload", () => {
  test("is counted per service and passes every check", async () => {
    const received: Array<[Signal, Uint8Array]> = [];
    const receiver = await sink({ onRequest: (signal, bytes) => received.push([signal, bytes]) });
    const client = clientsFor(receiver.port);

    const frontendSpans = traces({ frontend: goodSpans.frontend });
    await client.traces.export(frontendSpans);
    // Log records may arrive before the spans they point at.
    await client.logs.export(logs({
      frontend: [log(GOOD_TRACE, "1"), log()],
      backend: [log(GOOD_TRACE, "3")],
      worker: [log(GOOD_TRACE, "5")],
    }));
    await client.traces.export(traces({ backend: goodSpans.backend, worker: goodSpans.worker }));
    await client.metrics.export(metrics({
      frontend: [counter("http.server.requests", 5, 1000)],
      backend: [histogram("http.server.request.duration", 6, [3, 2, 1]), gauge("process.cpu.utilization", 0.4)],
    }));
    await client.metrics.export(metrics({ frontend: [counter("http.server.requests", 9, 2000)] }));

    const report = receiver.report();
    expect(report.requests).toEqual({ traces: 2, metrics: 2, logs: 1 });
    expect(report.rejectedRequests).toBe(0);
    expect(report.services).toEqual([
      { service: "backend", spans: 2, dataPoints: 2, logRecords: 1 },
      { service: "frontend", spans: 2, dataPoints: 2, logRecords: 2 },
      { service: "worker", spans: 1, dataPoints: 0, logRecords: 1 },
    ]);
    expect({ spans: report.spans, dataPoints: report.dataPoints, logRecords: report.logRecords })
      .toEqual({ spans: 5, dataPoints: 4, logRecords: 4 });
    expect(report.checks.traces).toMatchObject({ checked: 1, finalizedEarly: 0 });
    expect(report.checks.metrics).toMatchObject({ counterStreams: 1, untrackedStreams: 0, histogramPoints: 1 });
    expect(report.violations).toBe(0);
    expect(report.examples).toEqual({});
    expect(formatReport(report)).toEndWith("all checks passed");

    // Uncompressed requests reach the hook byte for byte, and are what the byte count measures.
    expect(received).toHaveLength(5);
    expect(received[0]?.[0]).toBe("traces");
    expect(received[0]?.[1]).toEqual(toBinary(ExportTraceServiceRequestSchema, frontendSpans));
    expect(report.bytes.traces).toBe(
      received.filter(([s]) => s === "traces").reduce((n, [, b]) => n + b.length + 5, 0),
    );
  });

  test("a compressed request reaches the hook as its canonical encoding", async () => {
    const received: Uint8Array[] = [];
    const receiver = await sink({ onRequest: (_, bytes) => received.push(bytes) });
    const request = traces({ frontend: goodSpans.frontend });
    await clientsFor(receiver.port, true).traces.export(request);
    expect(received).toEqual([toBinary(ExportTraceServiceRequestSchema, request)]);
  });

  test("an idle trace is checked without waiting for the report", async () => {
    const receiver = await sink({ traceIdleMs: 50 });
    await clientsFor(receiver.port).traces.export(traces(goodSpans));
    expect(receiver.stats().openTraces).toBe(1);
    for (let waited = 0; receiver.stats().openTraces > 0 && waited < 2000; waited += 20) await Bun.sleep(20);
    expect(receiver.stats().openTraces).toBe(0);
    expect(formatLiveLine(receiver.stats())).toContain("spans 5 (");
  });
});

describe("requests received again (at-least-once delivery)", () => {
  test("are counted as duplicates, once per signal and whatever the path, not as received or violations", async () => {
    const receiver = await sink();
    const client = clientsFor(receiver.port);
    const gzipped = clientsFor(receiver.port, true);
    const spans = traces(goodSpans);
    const records = logs({ frontend: [log(GOOD_TRACE, "1"), log()] });
    const points = metrics({ frontend: [counter("http.server.requests", 5, 1000)] });
    for (const send of [client, client, gzipped]) {
      await send.traces.export(spans);
      await send.logs.export(records);
      await send.metrics.export(points);
    }
    // Different content is never a duplicate, though its span ids repeat: that stays a violation.
    await client.traces.export(
      traces({ frontend: [span({ trace: GOOD_TRACE, span: "1", kind: 2, from: 0, to: 100 })] }),
    );
    const report = receiver.report();
    expect(report.requests).toEqual({ traces: 4, metrics: 3, logs: 3 });
    expect(report.duplicates).toEqual({ requests: 6, spans: 10, dataPoints: 2, logRecords: 4 });
    expect({ spans: report.spans, dataPoints: report.dataPoints, logRecords: report.logRecords })
      .toEqual({ spans: 6, dataPoints: 1, logRecords: 2 });
    expect(report.checks.traces).toMatchObject({ duplicateSpans: 1 });
    expect(report.violations).toBe(1);
    expect(formatReport(report)).toContain(
      "received again: 6 requests (10 spans, 2 data points, 4 log records), resent by the sender",
    );
    expect(formatLiveLine(receiver.stats())).toContain("received again 6");
  });
});

describe("a malformed workload", () => {
  test("every violation is counted", async () => {
    const receiver = await sink();
    const client = clientsFor(receiver.port);
    const { SERVER, CLIENT, PRODUCER, CONSUMER } = Span_SpanKind;
    await client.traces.export(traces({
      broken: [
        // b1: two roots.
        span({ trace: "b1", span: "1", kind: SERVER, from: 0, to: 10 }),
        span({ trace: "b1", span: "2", kind: SERVER, from: 0, to: 10 }),
        // b2: the parent of span 2 never arrives.
        span({ trace: "b2", span: "1", kind: SERVER, from: 0, to: 10 }),
        span({ trace: "b2", span: "2", parent: "9", kind: CLIENT, from: 1, to: 5 }),
        // b3: the child ends after its parent.
        span({ trace: "b3", span: "1", kind: SERVER, from: 0, to: 100 }),
        span({ trace: "b3", span: "2", parent: "1", kind: CLIENT, from: 50, to: 150 }),
        // b4: a consumer without a link to its producer.
        span({ trace: "b4", span: "1", kind: SERVER, from: 0, to: 100 }),
        span({ trace: "b4", span: "2", parent: "1", kind: PRODUCER, from: 10, to: 20 }),
        span({ trace: "b4", span: "3", parent: "2", kind: CONSUMER, from: 30, to: 200 }),
        // b5: fine, but a log record points at a span that does not exist.
        span({ trace: "b5", span: "1", kind: SERVER, from: 0, to: 10 }),
      ],
    }));
    await client.logs.export(logs({ broken: [log("b5", "1"), log("b5", "7")] }));
    await client.metrics.export(metrics({
      broken: [counter("jobs.done", 10, 1000), histogram("job.duration", 5, [1, 2, 1])],
    }));
    await client.metrics.export(metrics({ broken: [counter("jobs.done", 7, 2000)] }));

    const report = receiver.report();
    expect(report.checks.traces).toEqual({
      checked: 5,
      finalizedEarly: 0,
      tracesWithoutRoot: 0,
      tracesWithSeveralRoots: 1,
      orphanSpans: 1,
      spansOutsideParent: 1,
      consumersNotLinked: 1,
      spansEndingBeforeStart: 0,
      duplicateSpans: 0,
      logsWithUnknownSpan: 1,
    });
    expect(report.checks.metrics).toEqual({
      counterStreams: 1,
      untrackedStreams: 0,
      histogramPoints: 1,
      counterDecreases: 1,
      counterStartChanges: 0,
      histogramCountMismatches: 1,
    });
    expect(report.violations).toBe(7);
    expect(report.examples.orphanSpans).toEqual(["000000000000000000000000000000b2"]);
    expect(report.examples.counterDecreases).toEqual(['broken/broken-1 jobs.done{"http.route"="/"}']);
    const text = formatReport(report);
    expect(text).toContain("FAIL  1  spans whose parent was not received  e.g. trace 000000000000000000000000000000b2");
    expect(text).toEndWith("7 violations found");
  });

  test("a trace without a root, a duplicate span and a span ending before it starts", async () => {
    const receiver = await sink();
    const { SERVER, CLIENT } = Span_SpanKind;
    const spans = [
      span({ trace: "c1", span: "2", parent: "1", kind: CLIENT, from: 0, to: 10 }),
      span({ trace: "c2", span: "1", kind: SERVER, from: 10, to: 0 }),
    ];
    const client = clientsFor(receiver.port);
    await client.traces.export(traces({ broken: spans }));
    // The same spans in another request: not a sender's retry (that would be the same request), a duplicate.
    await client.traces.export(traces({ broken: spans.toReversed() }));
    expect(receiver.report().checks.traces).toMatchObject({
      checked: 2,
      tracesWithoutRoot: 1,
      orphanSpans: 1,
      duplicateSpans: 2,
      spansEndingBeforeStart: 1,
    });
  });

  test("a message over the size limit is refused and counted", async () => {
    const receiver = await sink({ maxMessageBytes: 64 });
    const error = await clientsFor(receiver.port).traces.export(traces(goodSpans)).catch((e: unknown) => e);
    expect(ConnectError.from(error).code).toBe(Code.ResourceExhausted);
    const stats = receiver.stats();
    expect(stats.rejectedRequests).toBe(1);
    expect(stats.requests.traces).toBe(0);
    expect(stats.bytes.traces).toBeGreaterThan(64);
  });
});

describe("the server", () => {
  test("a port in use is a DreamweaverError, not a crash", async () => {
    const first = await sink();
    const error = await startSink({ host: "127.0.0.1", port: first.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DreamweaverError);
    expect((error as DreamweaverError).code).toBe("USAGE");
    expect((error as DreamweaverError).message).toBe(
      `cannot listen on 127.0.0.1:${first.port}: the port is already in use (another OTLP receiver?); choose another with --grpc-port`,
    );
  });

  test("an independent gRPC client (grpc-js) is understood too", async () => {
    const receiver = await sink();
    const client = new grpc.Client(`127.0.0.1:${receiver.port}`, grpc.credentials.createInsecure());
    const request = toBinary(ExportTraceServiceRequestSchema, traces(goodSpans));
    const response = await new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest(
        "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        (bytes: Uint8Array) => Buffer.from(bytes),
        (bytes: Buffer) => bytes,
        request,
        (error, value) => (error === null && value !== undefined ? resolve(value) : reject(error)),
      )
    );
    client.close();
    // An empty ExportTraceServiceResponse: no partial_success.
    expect(response.length).toBe(0);
    expect(receiver.report()).toMatchObject({ spans: 5, violations: 0 });
  });

  test("past maxOpenTraces the least recently active trace is checked early", async () => {
    const receiver = await sink({ maxOpenTraces: 2 });
    const { SERVER } = Span_SpanKind;
    await clientsFor(receiver.port).traces.export(traces({
      svc: ["d1", "d2", "d3"].map((trace) => span({ trace, span: "1", kind: SERVER, from: 0, to: 1 })),
    }));
    expect(receiver.stats().openTraces).toBe(2);
    expect(receiver.report().checks.traces).toMatchObject({ checked: 3, finalizedEarly: 1 });
  });

  test("close() finishes even while an exporter keeps its connection open", async () => {
    const receiver = await startSink({ host: "127.0.0.1", port: 0 });
    await clientsFor(receiver.port).traces.export(traces(goodSpans));
    const started = performance.now();
    await receiver.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(receiver.report().spans).toBe(5);
    await receiver.close();
  });
});

const RUNTIMES = {
  bun: [...command({ runtime: "bun" }), "sink"],
  deno: [...command({ runtime: "deno" }), "sink"],
};

/** Reads `stream` until `pattern` matches what has arrived so far. */
async function waitFor(stream: ReadableStream<Uint8Array>, pattern: RegExp): Promise<RegExpMatchArray> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const match = text.match(pattern);
      if (match !== null) return match;
      const { done, value } = await reader.read();
      if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
}

for (const [runtime, launch] of Object.entries(RUNTIMES)) {
  describe(`dreamweaver sink on ${runtime}`, () => {
    test("reports as JSON on SIGTERM and exits 1 when a check failed", async () => {
      const child = Bun.spawn([...launch, "--grpc-port", "0", "--json"], { stdout: "pipe", stderr: "pipe" });
      const [, port] = await waitFor(child.stderr, /listening on 127\.0\.0\.1:(\d+) \(OTLP\/gRPC\)/);
      const client = clientsFor(Number(port));
      await client.traces.export(traces(goodSpans));
      await client.logs.export(logs({ worker: [log(GOOD_TRACE, "77")] }));
      child.kill("SIGTERM");
      expect(await child.exited).toBe(1);
      const report = JSON.parse(await new Response(child.stdout).text()) as SinkReport;
      expect(report).toMatchObject({ spans: 5, logRecords: 1, violations: 1 });
      expect(report.checks.traces.logsWithUnknownSpan).toBe(1);
    }, 20_000);

    test("a port in use: one line, exit status 2", async () => {
      const taken = await sink();
      const child = Bun.spawn([...launch, "--grpc-port", String(taken.port)], { stdout: "pipe", stderr: "pipe" });
      expect(await child.exited).toBe(2);
      expect(await new Response(child.stderr).text()).toBe(
        `cannot listen on 127.0.0.1:${taken.port}: the port is already in use (another OTLP receiver?); ` +
          "choose another with --grpc-port\n",
      );
      expect(await new Response(child.stdout).text()).toBe("");
    }, 20_000);
  });
}
