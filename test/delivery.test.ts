import { afterAll, expect, test } from "bun:test";
import { createServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { Code } from "@connectrpc/connect";
import otlpGrpc from "../plugins/exporters/otlp-grpc.ts";
import type { ExportError } from "../src/plugin-host/plugin.ts";
import { retryDelayMs } from "../src/export/retry.ts";
import type { RunStats } from "../src/export/run-stats.ts";
import { formatSummary } from "../src/cli/format-summary.ts";
import { type Sink, type SinkOptions, startSink } from "../src/receiver/start-receiver.ts";
import { runExampleFast } from "./helpers/run.ts";

const sinks: Sink[] = [];
afterAll(() => Promise.all(sinks.map((s) => s.close())));

async function faultySink(options: SinkOptions): Promise<Sink> {
  const sink = await startSink({ port: 0, traceIdleMs: 60_000, ...options });
  sinks.push(sink);
  return sink;
}

test("a receiver failing 20% of calls with UNAVAILABLE still gets everything, through retries", async () => {
  const sink = await faultySink({ failRate: 0.2, delayMs: 5 });
  const summary = await runExampleFast("marketplace.yaml", `http://127.0.0.1:${sink.port}`, { durationSeconds: 20 });
  const report = sink.report();
  expect(summary.failedExports).toBe(0);
  expect(report.spans).toBe(summary.spans);
  expect(report.dataPoints).toBe(summary.dataPoints);
  expect(report.logRecords).toBe(summary.logRecords);
  expect(report.violations).toBe(0);
  // Every injected failure was a call the run had to make again.
  expect(report.injectedFailures).toBeGreaterThan(0);
  expect(summary.retries).toBe(report.injectedFailures!);
  expect(summary.exports + summary.retries).toBe(
    report.requests.traces + report.requests.metrics +
      report.requests.logs + report.injectedFailures!,
  );
  expect(formatSummary(summary)).toContain(`retried       ${summary.retries.toLocaleString("en-US")} export attempts`);
  expect(JSON.parse(JSON.stringify(summary)).retries).toBe(summary.retries);
}, 30_000);

test("a non-retryable failure (INVALID_ARGUMENT) is not retried", async () => {
  const sink = await faultySink({ failRate: 1, failCode: Code.InvalidArgument });
  let stats: RunStats | undefined;
  const error = await runExampleFast("marketplace.yaml", `http://127.0.0.1:${sink.port}`, {
    durationSeconds: 5,
    onStart: (s) => (stats = s),
  }).catch((e: unknown) => e);
  expect(String(error)).toContain("invalid_argument");
  // Every call the run made failed once and was given up on: none was sent again.
  expect(stats?.retries).toBe(0);
  expect(stats?.calls.lost).toBeGreaterThan(0);
  expect(sink.stats().injectedFailures).toBe(stats!.calls.lost);
});

test("the receiver fails calls evenly and deterministically", async () => {
  const sink = await faultySink({ failRate: 0.25 });
  await runExampleFast("ecommerce.yaml", `http://127.0.0.1:${sink.port}`, { durationSeconds: 5 });
  const { requests, injectedFailures } = sink.stats();
  const calls = requests.traces + requests.metrics + requests.logs + injectedFailures!;
  expect(injectedFailures).toBe(Math.floor(calls * 0.25));
});

test("retry delays: exponential with jitter, bounded, honouring the receiver's delay", () => {
  const policy = { initialDelayMs: 100, maxDelayMs: 5000, maxElapsedMs: 30_000, maxAttempts: Infinity };
  const retryable = Object.assign(new Error("unavailable"), { retryable: true });
  expect(retryDelayMs(new Error("plain"), 1, 0, policy, 0.5)).toBeUndefined();
  expect(retryDelayMs(Object.assign(new Error("x"), { retryable: false }), 1, 0, policy, 0.5)).toBeUndefined();
  expect(retryDelayMs(retryable, 1, 0, policy, 0)).toBe(50);
  expect(retryDelayMs(retryable, 1, 0, policy, 0.999)).toBeCloseTo(100, 0);
  expect(retryDelayMs(retryable, 3, 0, policy, 0)).toBe(200);
  expect(retryDelayMs(retryable, 20, 0, policy, 0)).toBe(2500);
  expect(retryDelayMs(retryable, 20, 29_000, policy, 0)).toBeUndefined();
  expect(retryDelayMs(Object.assign(retryable, { retryAfterMs: 1234 }), 1, 0, policy, 0)).toBe(1234);
  expect(retryDelayMs(retryable, 3, 0, { ...policy, maxAttempts: 3 }, 0)).toBeUndefined();
});

/** The error the otlp-grpc exporter throws when the receiver answers RESOURCE_EXHAUSTED, with or without RetryInfo. */
async function resourceExhausted(withRetryInfo: boolean): Promise<ExportError> {
  // google.rpc.Status { code: 8, message, details: [Any(RetryInfo { retry_delay: 1.5 s })] }, encoded by hand.
  const duration = new BinaryWriter().uint32(8).int64(1).uint32(16).int32(500_000_000).finish();
  const retryInfo = new BinaryWriter().uint32(10).bytes(duration).finish();
  const any = new BinaryWriter().uint32(10).string("type.googleapis.com/google.rpc.RetryInfo").uint32(18)
    .bytes(retryInfo).finish();
  const status = new BinaryWriter().uint32(8).int32(8).uint32(18).string("slow down").uint32(26).bytes(any).finish();
  const server = createServer((request, response) => {
    request.on("data", () => {});
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/grpc+proto" });
      const trailers: Record<string, string> = { "grpc-status": "8", "grpc-message": "slow%20down" };
      if (withRetryInfo) trailers["grpc-status-details-bin"] = Buffer.from(status).toString("base64");
      response.addTrailers(trailers);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const exporter = otlpGrpc.exporters["otlp-grpc"]({ url, tls: false, timeoutMs: 2000 });
  try {
    const request = { signal: "traces", resources: [], items: 0, bytes: 0 } as const;
    return await exporter.export(request, new AbortController().signal).then(
      () => Promise.reject(new Error("export succeeded")),
      (error: ExportError) => error,
    );
  } finally {
    await exporter.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

test("RESOURCE_EXHAUSTED is retryable only with RetryInfo, after the delay it gives", async () => {
  expect(await resourceExhausted(true)).toMatchObject({ retryable: true, retryAfterMs: 1500 });
  const plain = await resourceExhausted(false);
  expect(plain.retryable).toBe(false);
  expect(plain.retryAfterMs).toBeUndefined();
});
