// The incident example, sent unpaced into the built-in receiver and read back per minute, as a dashboard
// would show it: the database's latency and errors step up inside the window, its callers' follow, and
// everything is back to baseline outside it.
import { afterAll, expect, test } from "bun:test";
import { type Sink, startSink } from "../src/receiver/start-receiver.ts";
import type { ServiceBucket } from "../src/receiver/time-buckets.ts";
import { runExampleFast } from "./helpers/run.ts";

let sink: Sink | undefined;
afterAll(() => sink?.close());

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

test("examples/incident.yaml: the lock storm shows from 8m to 13m, by the configured factors", async () => {
  sink = await startSink({ port: 0, bucketSeconds: 60 });
  const summary = await runExampleFast("incident.yaml", `http://127.0.0.1:${sink.port}`);
  expect(summary.failedExports).toBe(0);
  const report = sink.report();
  const service = (name: string) => report.buckets!.services.find((s) => s.service === name)!.buckets;
  // Minutes 0-7 and 14-19 are baseline, 9-11 the whole window (8 and 12 hold its 20 s ramps).
  const minutes = (buckets: readonly ServiceBucket[], from: number, to: number) => buckets.slice(from, to);
  const baseline = (buckets: readonly ServiceBucket[]) => [...minutes(buckets, 0, 8), ...minutes(buckets, 14, 20)];

  const db = service("orders-db");
  expect(db.length).toBe(20);
  const baseP95 = median(baseline(db).map((b) => b.p95Ms));
  const incidentP95 = median(minutes(db, 9, 12).map((b) => b.p95Ms));
  expect(incidentP95 / baseP95).toBeGreaterThan(6 * 0.9); // latency: { multiply: 6 }
  expect(incidentP95 / baseP95).toBeLessThan(6 * 1.1);
  for (const bucket of minutes(db, 9, 12)) {
    expect(bucket.errorRate).toBeGreaterThan(0.15 * 0.9 * 0.95); // errors: { rate: 0.15 }, within 10% (and noise)
    expect(bucket.errorRate).toBeLessThan(0.15 * 1.1 * 1.05);
  }
  for (const bucket of baseline(db)) {
    expect(bucket.errorRate).toBeLessThan(0.01);
    expect(Math.abs(bucket.p95Ms / baseP95 - 1)).toBeLessThan(0.1);
  }
  // The step is in the minute the window starts and ends, not a bucket earlier or later.
  expect(db[7]!.errorRate).toBeLessThan(0.01);
  expect(db[8]!.errorRate).toBeGreaterThan(0.05);
  expect(db[12]!.errorRate).toBeGreaterThan(0.05);
  expect(db[13]!.errorRate).toBeLessThan(0.01);

  // The failures cascade to the callers, whose latency grows with the database's share of it.
  for (const caller of ["orders-api", "storefront"]) {
    const buckets = service(caller);
    const before = median(baseline(buckets).map((b) => b.p95Ms));
    for (const bucket of minutes(buckets, 9, 12)) {
      expect(bucket.errorRate).toBeGreaterThan(0.1);
      expect(bucket.p95Ms).toBeGreaterThan(before * 1.3);
    }
    for (const bucket of baseline(buckets)) expect(bucket.errorRate).toBeLessThan(0.02);
  }
});
