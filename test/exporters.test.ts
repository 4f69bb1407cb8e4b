import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { base64Encode } from "@bufbuild/protobuf/wire";
import { ExportLogsServiceRequestSchema } from "../src/gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import { ExportMetricsServiceRequestSchema } from "../src/gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import { ExportTraceServiceRequestSchema } from "../src/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import { createMultiExporter } from "../src/export/multi-exporter.ts";
import type { Exporter, ExportRequest } from "../src/plugin-host/plugin.ts";
import type { RunSummary } from "../src/run/summary.ts";
import otlpGrpc from "../plugins/exporters/otlp-grpc.ts";
import otlpHttp from "../plugins/exporters/otlp-http.ts";
import { startSink } from "../src/receiver/start-receiver.ts";
import { checkExporters } from "../src/testing/index.ts";
import { runCli } from "./helpers/cli.ts";
import { loadExample, runFast } from "./helpers/run.ts";

const dir = mkdtempSync(join(tmpdir(), "dreamweaver-exporters-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RUN = ["run", "examples/ecommerce.yaml", "--fast", "--duration", "5s", "--start-time", "2026-01-01T00:00:00Z"];

/**
 * Runs the CLI with `--json` and the given exporter flags: the summary, which is all of stdout, and stderr,
 * where what an exporter prints goes under `--json`.
 */
function run(...exporterArgs: string[]): { summary: RunSummary; stderr: string } {
  const result = runCli([...RUN, "--json", ...exporterArgs]);
  expect(result.stderr).not.toContain("cannot");
  expect(result.code).toBe(0);
  return { summary: JSON.parse(result.stdout) as RunSummary, stderr: result.stderr };
}

/** OTLP/JSON back into protobuf-es's JSON mapping: hex ids into base64, as `fromJson` reads bytes. */
function base64Ids(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(base64Ids);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => {
      if (!["traceId", "spanId", "parentSpanId"].includes(key)) return [key, base64Ids(field)];
      const hex = field as string;
      expect(hex).toMatch(/^([0-9a-f]{16}|[0-9a-f]{32})$/);
      return [key, base64Encode(Uint8Array.from(hex.match(/../g)!, (byte) => parseInt(byte, 16)))];
    }),
  );
}

/** Decodes every line of a file exporter's output and counts what it holds. */
function countFile(path: string): { spans: number; dataPoints: number; logRecords: number; lines: number } {
  const lines = readFileSync(path, "utf8").split("\n");
  expect(lines.pop()).toBe("");
  const counts = { spans: 0, dataPoints: 0, logRecords: 0, lines: lines.length };
  for (const line of lines) {
    const json = JSON.parse(line) as Record<string, JsonValue>;
    // One export request per line, of exactly one signal, as the Collector's file exporter writes them.
    expect(Object.keys(json)).toHaveLength(1);
    if ("resourceSpans" in json) {
      const request = fromJson(ExportTraceServiceRequestSchema, base64Ids(json));
      for (const r of request.resourceSpans) for (const s of r.scopeSpans) counts.spans += s.spans.length;
    } else if ("resourceMetrics" in json) {
      const request = fromJson(ExportMetricsServiceRequestSchema, base64Ids(json));
      for (const r of request.resourceMetrics) {
        for (const s of r.scopeMetrics) {
          for (const metric of s.metrics) {
            const data = metric.data;
            if (data.case === "gauge" || data.case === "sum" || data.case === "histogram") {
              counts.dataPoints += data.value.dataPoints.length;
            }
          }
        }
      }
    } else {
      const request = fromJson(ExportLogsServiceRequestSchema, base64Ids(json));
      for (const r of request.resourceLogs) for (const s of r.scopeLogs) counts.logRecords += s.logRecords.length;
    }
  }
  return counts;
}

function expectEverything(summary: RunSummary, path: string): void {
  const counts = countFile(path);
  expect(summary.spans).toBeGreaterThan(0);
  expect({ spans: counts.spans, dataPoints: counts.dataPoints, logRecords: counts.logRecords }).toEqual({
    spans: summary.spans,
    dataPoints: summary.dataPoints,
    logRecords: summary.logRecords,
  });
  expect(counts.lines).toBe(summary.exports);
}

test("--exporter file:path writes one OTLP/JSON export request per line, everything the run sent", () => {
  const path = join(dir, "one.jsonl");
  const { summary } = run("--exporter", `file:${path}`);
  expectEverything(summary, path);
});

test("the file exporter appends: a second run adds its lines after the first's", () => {
  const path = join(dir, "append.jsonl");
  const first = run("--exporter", `file:${path}`).summary;
  const second = run("--exporter", `file:${path}`).summary;
  expect(countFile(path).lines).toBe(first.exports + second.exports);
});

test("a file that cannot be opened fails the run at once, naming the path", () => {
  const path = join(dir, "missing", "x.jsonl");
  const result = runCli([...RUN, "--exporter", `file:${path}`]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`cannot open "${path}" for appending`);
});

test("--exporter stdout prints traces as trees and one line per metrics and logs call (on stderr with --json)", () => {
  const { stderr: stdout } = run("--exporter", "stdout");
  expect(stdout).toMatch(/^trace [0-9a-f]{32}: \d+ spans?, /m);
  // Root spans start a line; their children are indented under them.
  expect(stdout).toMatch(/^GET \/api\/users {2}\[SERVER api-gateway\] {2}\+0\.0 ms/m);
  expect(stdout).toMatch(/^└─ (GET|POST) {2}\[CLIENT api-gateway\]/m);
  expect(stdout).toMatch(/^logs: \d+ log records from \d+ services?$/m);
  expect(stdout).toMatch(/^metrics: \d+ data points from \d+ services?$/m);
});

test("repeated --exporter sends everything to each of them", () => {
  const [a, b] = [join(dir, "a.jsonl"), join(dir, "b.jsonl")];
  const { summary } = run("--exporter", `file:${a}`, "--exporter=none", "--exporter", `file:${b}`);
  expectEverything(summary, a);
  expectEverything(summary, b);
  expect(readFileSync(a, "utf8")).toBe(readFileSync(b, "utf8"));
});

test("an unknown exporter among several is a usage error", () => {
  const result = runCli([...RUN, "--exporter", "none", "--exporter", "fil"]);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(`unknown exporter "fil". Did you mean "file"?`);
});

const REQUEST: ExportRequest = { signal: "traces", resources: [], items: 0, bytes: 0 };

function failing(message: string, retryable: boolean, retryAfterMs?: number): Exporter {
  return {
    export: () => Promise.reject(Object.assign(new Error(message), { retryable, retryAfterMs })),
    close: () => Promise.resolve(),
  };
}

const ok: Exporter = { export: () => Promise.resolve({ rejected: 2 }), close: () => Promise.resolve() };

test("several exporters: a failure names the exporter, and is retryable only when every failure is", async () => {
  const signal = new AbortController().signal;
  expect(await createMultiExporter([{ name: "a", exporter: ok }]).export(REQUEST, signal)).toEqual({ rejected: 2 });
  const one = createMultiExporter([{ name: "a", exporter: ok }, { name: "b", exporter: failing("down", true, 50) }]);
  await expect(one.export(REQUEST, signal)).rejects.toMatchObject({
    message: "b: down",
    retryable: true,
    retryAfterMs: 50,
  });
  const both = createMultiExporter([
    { name: "a", exporter: failing("busy", true) },
    { name: "b", exporter: failing("bad", false) },
  ]);
  await expect(both.export(REQUEST, signal)).rejects.toMatchObject({ message: "a: busy; b: bad", retryable: false });
});

test("the OTLP exporters pass the exporter conformance suite against a live receiver", async () => {
  const sink = await startSink({ port: 0, httpPort: 0 });
  try {
    await checkExporters(otlpGrpc, { "otlp-grpc": { url: `http://127.0.0.1:${sink.port}` } });
    await checkExporters(otlpHttp, { "otlp-http": { url: `http://127.0.0.1:${sink.httpPort}` } });
    await checkExporters(otlpHttp, {
      "otlp-http": { url: `http://127.0.0.1:${sink.httpPort}`, protocol: "http/json" },
    });
    // Every call was accepted, so the suite checked the success path, not only failures.
    expect(sink.stats().requests).toEqual({ traces: 3, metrics: 3, logs: 3 });
    expect(sink.stats().rejectedRequests).toBe(0);
  } finally {
    await sink.close();
  }
});

test("a run calls its exporters' connect() while it sets up, before the first export, and fans it out", async () => {
  const calls: string[] = [];
  const member = (name: string): Exporter => ({
    connect: () => calls.push(`${name} connect`),
    export: () => (calls.push(`${name} export`), Promise.resolve({ rejected: 0 })),
    close: () => Promise.resolve(),
  });
  await runFast(await loadExample("ecommerce.yaml"), { requests: 50, exporters: [member("a"), member("b")] });
  expect(calls.slice(0, 2)).toEqual(["a connect", "b connect"]);
  expect(calls.filter((call) => call.endsWith("connect"))).toHaveLength(2);
  expect(calls.length).toBeGreaterThan(2);
});

test("otlp-grpc's connect() opens its connection before any call, so the first call does not wait for it", async () => {
  const sockets: Socket[] = [];
  const connected = Promise.withResolvers<void>();
  const server = createServer((socket) => (sockets.push(socket), connected.resolve()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const exporter = otlpGrpc.exporters!["otlp-grpc"]!({ url: `http://127.0.0.1:${port}`, tls: false, timeoutMs: 1000 });
  try {
    exporter.connect!();
    await connected.promise;
    expect(sockets).toHaveLength(1);
  } finally {
    await exporter.close();
    sockets.forEach((socket) => socket.destroy());
    server.close();
  }
});
