import { afterAll, expect, test } from "bun:test";
import { type Sink, startSink } from "../src/receiver/start-receiver.ts";
import { TimeBuckets } from "../src/receiver/time-buckets.ts";
import { runExampleFast } from "./helpers/run.ts";

const MINUTE_NS = 60e9;

test("buckets count served requests, errors and latency percentiles per service and minute", () => {
  const buckets = new TimeBuckets(60);
  // Minute 0: 100 requests of 1..100 ms, 5 failed; minute 1: 10 requests of 500 ms.
  for (let i = 1; i <= 100; i++) buckets.add("api", 2, i * 1e8, i * 1e6, i % 20 === 0);
  for (let i = 0; i < 10; i++) buckets.add("api", 2, MINUTE_NS + i * 1e9, 500e6, false);
  buckets.add("api", 3, 0, 1e6, false); // a client call of a service that serves requests: not counted
  buckets.add("db", 3, 0, 2e6, true); // a database seen only through its clients
  const report = buckets.report();
  expect(report.services.map((s) => s.service)).toEqual(["api", "db"]);
  const [first, second] = report.services[0]!.buckets;
  expect(first).toMatchObject({ start: "1970-01-01T00:00:00.000Z", requests: 100, errors: 5, errorRate: 0.05 });
  expect(first!.p50Ms).toBeCloseTo(50, -0.5);
  expect(first!.p95Ms).toBeCloseTo(95, -0.5);
  expect(Math.abs(first!.p99Ms / 99 - 1)).toBeLessThan(0.02);
  expect(second).toMatchObject({ start: "1970-01-01T00:01:00.000Z", requests: 10, errors: 0 });
  expect(Math.abs(second!.p50Ms / 500 - 1)).toBeLessThan(0.02);
  expect(report.services[1]!.buckets[0]).toMatchObject({ requests: 1, errors: 1 });
});

let sink: Sink | undefined;
afterAll(() => sink?.close());

test("the receiver's buckets add up to what a run sent", async () => {
  sink = await startSink({ port: 0, bucketSeconds: 10 });
  const summary = await runExampleFast("ecommerce.yaml", `http://127.0.0.1:${sink.port}`, { durationSeconds: 30 });
  const report = sink.report();
  const gateway = report.buckets!.services.find((s) => s.service === "api-gateway")!;
  const requests = gateway.buckets.reduce((sum, b) => sum + b.requests, 0);
  expect(requests).toBe(summary.requests); // one SERVER span per request at the edge
  expect(gateway.buckets.length).toBeGreaterThanOrEqual(3);
});
