import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type Sink, startSink } from "../src/receiver/start-receiver.ts";
import { command, readInBackground, ROOT, runCli, runStarted } from "./helpers/cli.ts";
import { captureExports, FIXED_START_US, loadSettings, runExampleFast, runFast } from "./helpers/run.ts";
import { planRun } from "../src/engine/plan.ts";

const sinks: Sink[] = [];
afterAll(() => Promise.all(sinks.map((s) => s.close())));

/** A built-in receiver on an ephemeral port that keeps the bytes of every request it accepts. */
async function capturingSink(): Promise<{ sink: Sink; requests: string[] }> {
  const requests: string[] = [];
  const sink = await startSink({
    port: 0,
    traceIdleMs: 60_000,
    onRequest: (signal, bytes) => requests.push(`${signal}:${Buffer.from(bytes).toString("base64")}`),
  });
  sinks.push(sink);
  return { sink, requests };
}

describe("into the built-in receiver", () => {
  let report: ReturnType<Sink["report"]>;
  let summary: Awaited<ReturnType<typeof runExampleFast>>;
  beforeAll(async () => {
    const { sink } = await capturingSink();
    summary = await runExampleFast("marketplace.yaml", `http://127.0.0.1:${sink.port}`, { durationSeconds: 30 });
    report = sink.report();
  });

  test("received counts equal generated counts", () => {
    expect(report.spans).toBe(summary.spans);
    expect(report.dataPoints).toBe(summary.dataPoints);
    expect(report.logRecords).toBe(summary.logRecords);
    expect(summary.failedExports).toBe(0);
  });

  test("the receiver's trace and metric checks all pass", () => {
    expect(report.checks.traces.checked).toBe(summary.requests);
    expect(report.violations).toBe(0);
    expect(report.examples).toEqual({});
  });
});

test("the same seed and start time give byte-identical requests", async () => {
  const first = await capturingSink();
  const second = await capturingSink();
  await runExampleFast("marketplace.yaml", `http://127.0.0.1:${first.sink.port}`, { durationSeconds: 20 });
  await runExampleFast("marketplace.yaml", `http://127.0.0.1:${second.sink.port}`, { durationSeconds: 20 });
  // Exports run concurrently and may arrive in any order; their content may not differ.
  expect(first.requests.length).toBeGreaterThan(10);
  expect(second.requests.toSorted()).toEqual(first.requests.toSorted());
});

// The incident example adds a load curve and a scenario to what must come out the same; the release day a
// deploy (new instances mid-run), its rollback and a saturation, at a lower rate to keep it short.
const RUNTIME_RUNS = [
  ["ecommerce.yaml", "20s", "10/s"],
  ["incident.yaml", "9m", "20/s"],
  ["deploy.yaml", "14m", "8/s"],
] as const;
for (const [example, duration, rate] of RUNTIME_RUNS) {
  test(`${example}: a run on Deno sends exactly the bytes a run on Bun sends`, async () => {
    const bun = await capturingSink();
    const deno = await capturingSink();
    const args = (port: number) => [
      "run",
      `examples/${example}`,
      "--fast",
      "--start-time",
      new Date(FIXED_START_US / 1000).toISOString(),
      "--duration",
      duration,
      "--rate",
      rate,
      "--endpoint",
      `127.0.0.1:${port}`,
    ];
    const [onBun, onDeno] = await Promise.all([
      Bun.spawn([...command({ runtime: "bun" }), ...args(bun.sink.port)], { cwd: ROOT, stderr: "pipe" }).exited,
      Bun.spawn([...command({ runtime: "deno" }), ...args(deno.sink.port)], { cwd: ROOT, stderr: "pipe" }).exited,
    ]);
    expect([onBun, onDeno]).toEqual([0, 0]);
    expect(bun.requests.length).toBeGreaterThan(5);
    expect(deno.requests.toSorted()).toEqual(bun.requests.toSorted());
  }, 60_000);
}

test("an unreachable receiver is one line naming the endpoint, quickly", () => {
  const started = performance.now();
  const result = runCli(["run", "examples/ecommerce.yaml", "--fast", "--endpoint", "127.0.0.1:9"]);
  expect(result.code).toBe(1);
  expect(result.stderr.trimEnd().split("\n").at(-1)).toMatch(
    /^cannot export to http:\/\/127\.0\.0\.1:9: unavailable: .*\. Is an OTLP receiver listening there\? \(--sink starts a built-in one\)$/,
  );
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(performance.now() - started).toBeLessThan(10_000);
});

test("`dreamweaver <config>` runs, and --json prints the summary with the receiver's report", () => {
  const result = runCli([join("examples", "ecommerce.yaml"), "--fast", "--sink", "--duration", "5s", "--json"]);
  expect(result.code).toBe(0);
  const summary = JSON.parse(result.stdout);
  // 10/s for 5 s, Poisson arrivals: about 50 requests of 4 spans each.
  expect(summary.requests).toBeGreaterThan(25);
  expect(summary.requests).toBeLessThan(75);
  expect(summary.spans).toBe(4 * summary.requests);
  expect(summary.receiver.spans).toBe(summary.spans);
  expect(summary.receiver.logRecords).toBe(summary.logRecords);
});

test("Ctrl-C stops generating, sends what was generated and prints the summary", async () => {
  const child = Bun.spawn(
    [
      ...command({ runtime: "bun" }),
      "run",
      "examples/ecommerce.yaml",
      "--sink",
      "--rate",
      "50/s",
      "--duration",
      "10m",
      "--json",
    ],
    { cwd: ROOT, stdout: "pipe", stderr: "pipe" },
  );
  await runStarted(readInBackground(child.stderr));
  await Bun.sleep(1500);
  const signalled = performance.now();
  child.kill("SIGINT");
  expect(await child.exited).toBe(0);
  expect(performance.now() - signalled).toBeLessThan(6000);
  const summary = JSON.parse(await new Response(child.stdout).text());
  // A second and a half at 50/s.
  expect(summary.requests).toBeGreaterThan(20);
  expect(summary.requests).toBeLessThan(200);
  expect(summary.receiver.spans).toBe(summary.spans);
  expect(summary.receiver.logRecords).toBe(summary.logRecords);
}, 30_000);

test("export requests stay under the receiver's message limit, split by resource and by items", async () => {
  const sink = await startSink({ port: 0, maxMessageBytes: 65_536, traceIdleMs: 60_000 });
  sinks.push(sink);
  const loaded = await loadSettings(join(ROOT, "examples", "marketplace.yaml"));
  const config = { ...loaded.config, output: { ...loaded.config.output, batchSize: 500, maxMessageBytes: 65_536 } };
  const exports = captureExports({ ...loaded, config });
  const summary = await runFast({ ...loaded, config }, { requests: 1000, exporter: "capture" });
  expect(Math.max(...exports.map((e) => e.bytes))).toBeLessThanOrEqual(65_536);
  expect(exports.reduce((n, e) => n + (e.signal === "traces" ? e.items : 0), 0)).toBe(summary.spans);
  const sent = await runFast({ ...loaded, config }, {
    requests: 1000,
    endpoint: { url: `http://127.0.0.1:${sink.port}`, tls: false },
  });
  const report = sink.report();
  expect(sent.failedExports).toBe(0);
  expect([report.spans, report.logRecords, report.dataPoints]).toEqual([sent.spans, sent.logRecords, sent.dataPoints]);
  expect(report.rejectedRequests).toBe(0);
});

test("a paced run keeps its schedule while the receiver is down, and reports what was lost", async () => {
  const loaded = await loadSettings(join(ROOT, "examples", "ecommerce.yaml"));
  const config = {
    ...loaded.config,
    workload: { ratePerSecond: 50, durationSeconds: 2, shape: { kind: "constant" as const, rate: 50 } },
  };
  const summary = await runFast({ ...loaded, config }, {
    fast: false,
    endpoint: { url: "http://127.0.0.1:9", tls: false },
    drainMs: 2000,
  });
  expect(summary.requests).toBe(planRun({ ...loaded, config }).totalRequests);
  expect(summary.deliveredExports).toBe(0);
  expect(summary.failedExports + summary.droppedExports).toBeGreaterThan(0);
  // Nothing listens: every call was refused before it was sent, so none is unconfirmed.
  expect(summary.unconfirmedExports).toBe(0);
  expect(summary.lost.traces + summary.dropped.traces).toBe(summary.spans);
  expect(summary.lastError).toMatch(/^http:\/\/127\.0\.0\.1:9: unavailable: /);
}, 15_000);

test("output.concurrency bounds the export calls in flight", async () => {
  const most: number[] = [];
  for (const concurrency of [1, 3]) {
    const loaded = await loadSettings(join(ROOT, "examples", "marketplace.yaml"));
    let inFlight = 0;
    let peak = 0;
    loaded.registry.exporters.set("slow", {
      name: "slow",
      plugin: "test",
      value: () => ({
        async export() {
          peak = Math.max(peak, ++inFlight);
          await Bun.sleep(2);
          inFlight--;
          return { rejected: 0 };
        },
        close: () => Promise.resolve(),
      }),
    });
    const config = { ...loaded.config, output: { ...loaded.config.output, concurrency, batchSize: 10 } };
    await runFast({ ...loaded, config }, { requests: 300, exporter: "slow" });
    most.push(peak);
  }
  expect(most).toEqual([1, 3]);
});
