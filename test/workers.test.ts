import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunStats } from "../src/export/run-stats.ts";
import type { ExportRequest } from "../src/plugin-host/plugin.ts";
import { combineSummaries } from "../src/run/combine.ts";
import { summarize } from "../src/run/summary.ts";
import { WARM_UP_RATE } from "../src/run/warm-up.ts";
import { runCli } from "./helpers/cli.ts";
import { VALID, writeConfig } from "./helpers/config.ts";

const DIR = mkdtempSync(join(tmpdir(), "dreamweaver-workers-"));
const RUN = ["examples/marketplace.yaml", "--fast", "--start-time", "2026-01-01T00:00:00Z", "--duration", "3m"];

interface Output {
  code: number;
  summary: Record<string, unknown>;
  /** Every span and log record as its JSON text with its service, sorted: the content, whatever the order. */
  spans: string[];
  logs: string[];
}

/**
 * A resource's service and version. The instance's identity (instance id, host, pid) is not compared:
 * each worker, like each shard, reports instances of its own so that metric streams never collide.
 */
function service(resource: { attributes: { key: string; value: unknown }[] }): unknown[] {
  return resource.attributes.filter(({ key }) => key === "service.name" || key === "service.version");
}

/** Runs the CLI into a file and reads back every span and log record it wrote. */
function runInto(name: string, flags: string[]): Output {
  const file = join(DIR, `${name}.jsonl`);
  const { code, stdout } = runCli([...RUN, "--exporter", `file:${file}`, "--json", ...flags]);
  const spans: string[] = [];
  const logs: string[] = [];
  for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) {
    const request = JSON.parse(line);
    for (const resource of request.resourceSpans ?? []) {
      for (const span of resource.scopeSpans.flatMap((s: { spans: unknown[] }) => s.spans)) {
        spans.push(JSON.stringify([service(resource.resource), span]));
      }
    }
    for (const resource of request.resourceLogs ?? []) {
      for (const log of resource.scopeLogs.flatMap((s: { logRecords: unknown[] }) => s.logRecords)) {
        logs.push(JSON.stringify([service(resource.resource), log]));
      }
    }
  }
  return { code, summary: JSON.parse(stdout), spans: spans.sort(), logs: logs.sort() };
}

test("--workers 2 writes the spans and log records of one worker, byte for byte, and sums its counts", () => {
  const one = runInto("one", ["--workers", "1"]);
  const two = runInto("two", ["--workers", "2"]);
  expect([one.code, two.code]).toEqual([0, 0]);
  expect(one.spans.length).toBeGreaterThan(500);
  expect(two.spans).toEqual(one.spans);
  expect(two.logs).toEqual(one.logs);
  for (const key of ["requests", "spans", "logRecords"]) expect(two.summary[key]).toBe(one.summary[key]);
  expect(two.summary.deliveredExports).toBe(two.summary.exports);
});

test("--shard k/n with --workers splits shard k further: the same requests as the shard in one worker", () => {
  const one = runInto("shard-one", ["--shard", "1/2", "--workers", "1"]);
  const two = runInto("shard-two", ["--shard", "1/2", "--workers", "2"]);
  expect(one.summary.requests).toBeGreaterThan(0);
  expect(two.summary.requests).toBe(one.summary.requests);
  expect(two.spans).toEqual(one.spans);
});

test("paced workers warm up before the run's start is set, so their schedule does not start behind", () => {
  // Requests of 30 spans: warming up on them takes its whole 250 ms. The services answer in milliseconds, so
  // the run ends soon after its 2 s.
  const backends = Array.from({ length: 8 }, (_, i) => `  - { name: items-${i}, type: web, downstream: [items-db] }`);
  const config = writeConfig(`
seed: "paced-workers"
templates:
  web: { traces: { span_kind: server, operations: ["GET /items"], base_duration_ms: 5 } }
  db: { traces: { span_kind: client, operations: ["SELECT items"], base_duration_ms: 1 } }
services:
  - { name: shop, type: web, downstream: [${backends.map((_, i) => `items-${i}`).join(", ")}] }
${backends.join("\n")}
  - { name: items-db, type: db }
workload: { rate: ${2 * WARM_UP_RATE}/s, duration: 2s }
output: { endpoint: localhost:4317 }
`);
  // Done after the start was set, the warm-up (up to 250 ms) made the first requests about 240 ms late.
  const { code, stdout } = runCli([config, "--exporter", "none", "--json", "--workers", "2"]);
  expect(code).toBe(0);
  expect(JSON.parse(stdout).maxLagMs).toBeLessThan(150);
});

test("--workers takes a whole number from 1", () => {
  const { code, stderr } = runCli([...RUN, "--exporter", "none", "--workers", "0"]);
  expect(code).toBe(2);
  expect(stderr).toContain('--workers: expected 1..256, got "0"');
});

test("a plugin that fails in the workers ends the run with one summary, the failure and exit 1", () => {
  // Each worker loads the plugin, so each has its own count: both break on their 151st request (two calls each).
  const config = writeConfig(
    VALID.replace("{ip}", "{ip} order {flaky/breaks_after:300}").replace("duration: 1m", "duration: 10m"),
  );
  const plugin = ["--plugin", "test/fixtures/faulty-placeholder.ts"];
  const result = runCli(["run", config, "--fast", "--sink", "--workers", "2", ...plugin, "--json"]);
  const summary = JSON.parse(result.stdout);
  expect(summary.failure).toBe(
    `plugin "flaky": placeholder "{flaky/breaks_after}" generate failed: order book exhausted after 300 orders`,
  );
  expect(summary.requests).toBe(300);
  // The workers sent to the receiver in the main thread: it holds every span they generated.
  expect(summary.receiver.spans).toBe(summary.spans);
  expect(result.stderr).not.toContain("    at ");
  expect(result.code).toBe(1);
});

test("the summaries of the workers combine into one: counts and rates summed, the worst lag, the failure", () => {
  const stats = new RunStats();
  stats.requests = 10;
  stats.spans = 40;
  stats.maxLagMs = 3;
  stats.settle({ signal: "traces", items: 40 } as ExportRequest, "delivered");
  const timing = { elapsedSeconds: 1, generationSeconds: 1, configuredRate: 5 };
  const calm = summarize(stats, timing);
  const failed = summarize({ ...stats, maxLagMs: 7 } as RunStats, { ...timing, failure: "plugin failed" });
  const both = combineSummaries([calm, failed], 2);
  expect([both.requests, both.spans, both.delivered.traces, both.deliveredExports]).toEqual([20, 80, 80, 2]);
  expect([both.achievedRate, both.configuredRate, both.maxLagMs, both.elapsedSeconds]).toEqual([20, 10, 7, 2]);
  expect(both.failure).toBe("plugin failed");
});
