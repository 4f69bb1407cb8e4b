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
import { startProgress } from "../src/cli/progress.ts";
import type { PerSignal } from "../src/export/run-stats.ts";
import { formatReport } from "../src/receiver/format-report.ts";
import type { ItemCounts, SinkStats } from "../src/receiver/report.ts";
import { type Sink, type SinkOptions, startSink } from "../src/receiver/start-receiver.ts";
import type { RunSummary } from "../src/run/summary.ts";
import { systemClock } from "../src/runtime/clock.ts";
import { exportError } from "./helpers/export-error.ts";
import { runExampleFast } from "./helpers/run.ts";

const sinks: Sink[] = [];
afterAll(() => Promise.all(sinks.map((s) => s.close())));

async function faultySink(options: SinkOptions): Promise<Sink> {
  const sink = await startSink({ port: 0, traceIdleMs: 60_000, ...options });
  sinks.push(sink);
  return sink;
}

/**
 * The run's figures and the receiver's agree to the item: for each signal, what was generated is what was
 * delivered, rejected, lost, unconfirmed or dropped; the receiver holds exactly what was delivered (once
 * each: what it got again it counts as duplicates, and no more than the run said might come twice).
 */
function expectAccounted(summary: RunSummary, received: SinkStats): void {
  const generated = { traces: summary.spans, metrics: summary.dataPoints, logs: summary.logRecords };
  for (const signal of ["traces", "metrics", "logs"] as const) {
    const { delivered, rejected, lost, unconfirmed, dropped } = summary;
    expect(delivered[signal] + rejected[signal] + lost[signal] + unconfirmed[signal] + dropped[signal]).toBe(
      generated[signal],
    );
  }
  // Nothing was left without an answer, so nothing is in doubt.
  expect(summary.unconfirmedExports).toBe(0);
  expect(counts(received)).toEqual(counts(perItem(summary.delivered)));
  expect(received.duplicates.spans).toBeLessThanOrEqual(summary.possibleDuplicates.traces);
  expect(received.duplicates.dataPoints).toBeLessThanOrEqual(summary.possibleDuplicates.metrics);
  expect(received.duplicates.logRecords).toBeLessThanOrEqual(summary.possibleDuplicates.logs);
  expect(summary.exports).toBe(summary.deliveredExports + summary.failedExports + summary.unconfirmedExports);
}

const counts = ({ spans, dataPoints, logRecords }: ItemCounts) => ({ spans, dataPoints, logRecords });
const perItem = (p: PerSignal): ItemCounts => ({ spans: p.traces, dataPoints: p.metrics, logRecords: p.logs });

test("a receiver failing 20% of calls with UNAVAILABLE still gets everything, through retries", async () => {
  const sink = await faultySink({ failRate: 0.2, delayMs: 5 });
  const summary = await runExampleFast("marketplace.yaml", `http://127.0.0.1:${sink.port}`, { durationSeconds: 20 });
  const report = sink.report();
  expectAccounted(summary, report);
  expect(report.violations).toBe(0);
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

test("a receiver refusing 20% of calls for good: what it holds is what the run delivered, the rest lost", async () => {
  const sink = await faultySink({ failRate: 0.2, failCode: Code.InvalidArgument });
  const summary = await runExampleFast("marketplace.yaml", `http://127.0.0.1:${sink.port}`, { requests: 2000 });
  const report = sink.report();
  expectAccounted(summary, report);
  expect(summary.failedExports).toBe(report.injectedFailures!);
  expect(summary.lost.traces + summary.lost.metrics + summary.lost.logs).toBeGreaterThan(0);
  expect(summary.retries).toBe(0);
  expect(formatSummary(summary)).toContain(
    `failed        ${summary.failedExports} export calls (lost: ${summary.lost.traces.toLocaleString("en-US")} spans`,
  );
}, 30_000);

test("a receiver restarted mid-run: retried calls it had stored arrive twice, and both sides say so", async () => {
  let tracesRequests = 0;
  let restarted: Promise<void> | undefined;
  const sink: Sink = await faultySink({
    // The 5th traces request is recorded, then the receiver crashes before answering it (calls merged while
    // the receiver is behind make fewer than 30 in all).
    onRequest: (signal) => {
      if (signal === "traces" && ++tracesRequests === 5) restarted = sink.restart(300);
    },
  });
  const summary = await runExampleFast("marketplace.yaml", `http://127.0.0.1:${sink.port}`, {
    requests: 3000,
    // A call cut off by the crash is given up on (and sent again) after a second.
    timeoutMs: 1000,
  });
  await restarted;
  const report = sink.report();
  expectAccounted(summary, report);
  expect(report.violations).toBe(0);
  expect(summary.deliveredExports).toBe(summary.exports);
  expect(report.duplicates.requests).toBeGreaterThanOrEqual(1);
  expect(report.duplicates.spans).toBeGreaterThan(0);
  expect(summary.retries).toBeGreaterThan(0);
  expect(formatSummary(summary)).toContain(
    `resent        ${summary.possibleDuplicates.traces.toLocaleString("en-US")} spans`,
  );
  expect(formatReport(sink.report())).toContain(`received again: ${report.duplicates.requests} request`);
}, 60_000);

test("a receiver answering 200 ms late at 1,000 requests/s: drops show as they happen and add up", async () => {
  const sink = await faultySink({ delayMs: 200 });
  const lines: { line: string; requests: number }[] = [];
  let stopProgress = () => {};
  // Stopped as Ctrl-C would once its requests are generated: paced, the run would otherwise wait for the
  // longest spans (timeouts of 30 s) to end before it sends their batch.
  const stop = new AbortController();
  const summary = await runExampleFast("ecommerce.yaml", `http://127.0.0.1:${sink.port}`, {
    requests: 2500,
    fast: false,
    signal: stop.signal,
    // A small queue, so that the paced run drops long before its end.
    maxQueuedBytes: 256 * 1024,
    onStart(stats) {
      stopProgress = startProgress(stats, {
        clock: systemClock,
        paced: true,
        dataPointWindowUs: 10e6,
        interactive: true,
        writeLine: () => {},
        writeStatus: (line) => lines.push({ line, requests: stats.requests }),
      });
      const generated = setInterval(() => {
        if (stats.generatedAtUs === 0) return;
        clearInterval(generated);
        stop.abort();
      }, 20);
    },
  });
  stopProgress();
  const report = sink.report();
  expectAccounted(summary, report);
  expect(summary.droppedExports).toBeGreaterThan(0);
  expect(summary.dropped.traces).toBeGreaterThan(0);
  expect(summary.deliveredExports).toBeGreaterThan(0);
  // The progress line counted drops while requests were still being generated.
  const dropping = lines.filter(({ line, requests }) =>
    /exports [\d,]+ ok, 0 failed, [1-9][\d,]* dropped/.test(line) && requests < summary.requests
  );
  expect(dropping.length).toBeGreaterThan(0);
}, 60_000);

test("a call that times out may still have arrived: counted unconfirmed, never lost", async () => {
  const sink = await faultySink({ delayMs: 300 });
  const stop = new AbortController();
  const summary = await runExampleFast("ecommerce.yaml", `http://127.0.0.1:${sink.port}`, {
    requests: 300,
    fast: false,
    timeoutMs: 100,
    signal: stop.signal,
    onStart(stats) {
      const generated = setInterval(() => {
        if (stats.generatedAtUs === 0) return;
        clearInterval(generated);
        stop.abort();
      }, 20);
    },
  });
  const { delivered, unconfirmed, possibleDuplicates } = summary;
  expect([summary.deliveredExports, summary.failedExports]).toEqual([0, 0]);
  expect(summary.unconfirmedExports).toBeGreaterThan(0);
  expect(summary.lastError).toMatch(/deadline_exceeded|did not finish within 0\.1s/);
  for (const signal of ["traces", "metrics", "logs"] as const) {
    const generated = { traces: summary.spans, metrics: summary.dataPoints, logs: summary.logRecords }[signal];
    expect(delivered[signal] + unconfirmed[signal] + summary.dropped[signal]).toBe(generated);
  }
  // Whatever the receiver got of them, it is within what the run left unconfirmed, retries included.
  const report = sink.report();
  expect(report.spans).toBeLessThanOrEqual(unconfirmed.traces);
  expect(report.spans + report.duplicates.spans).toBeLessThanOrEqual(unconfirmed.traces + possibleDuplicates.traces);
  expect(formatSummary(summary)).toContain(
    `unconfirmed   ${summary.unconfirmedExports} export call${
      summary.unconfirmedExports === 1 ? "" : "s"
    } got no answer`,
  );
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
  try {
    return await exportError(otlpGrpc.exporters["otlp-grpc"]({ url, tls: false, timeoutMs: 2000 }));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

test("RESOURCE_EXHAUSTED is retryable only with RetryInfo, after the delay it gives", async () => {
  expect(await resourceExhausted(true)).toMatchObject({ retryable: true, retryAfterMs: 1500 });
  const plain = await resourceExhausted(false);
  expect(plain.retryable).toBe(false);
  expect(plain.retryAfterMs).toBeUndefined();
});
