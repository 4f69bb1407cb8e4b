// Runs follow their load shape and traffic scenarios: request start times, per bucket, against the curve.
import { expect, test } from "bun:test";
import { planRun } from "../src/engine/plan.ts";
import { simulateRequest } from "../src/engine/simulate.ts";
import { loadYaml, VALID } from "./helpers/config.ts";

const DAY_START_US = Date.UTC(2026, 0, 1) * 1000;

/** Request starts of a whole run, in seconds after its start. */
function starts(plan: ReturnType<typeof planRun>): number[] {
  return Array.from({ length: plan.totalRequests }, (_, i) => plan.arrivals.offsetUs(i) / 1e6);
}

function perBucket(times: readonly number[], bucketSeconds: number, buckets: number): number[] {
  const counts = Array<number>(buckets).fill(0);
  for (const t of times) counts[Math.min(buckets - 1, Math.floor(t / bucketSeconds))]!++;
  return counts;
}

test("a diurnal day: the requests of each hour follow the curve within 2%, peaking at 14:00 UTC", async () => {
  const settings = await loadYaml(VALID.replace(
    "  rate: 10/s\n  duration: 1m\n",
    '  duration: 24h\n  arrivals: uniform\n  shape: { diurnal: { min: 0.5/s, max: 3/s, peak: "14:00" } }\n',
  ));
  const plan = planRun(settings, undefined, DAY_START_US);
  const hours = perBucket(starts(plan), 3600, 24);
  for (let hour = 0; hour < 24; hour++) {
    // The cosine's mean over the hour, from its integral.
    const phase = (t: number) => Math.sin((2 * Math.PI * (t - 14 * 3600)) / 86400) * 86400 / (2 * Math.PI);
    const expected = 0.5 * 3600 + 1.25 * (3600 + phase((hour + 1) * 3600) - phase(hour * 3600));
    expect(Math.abs(hours[hour]! / expected - 1)).toBeLessThan(0.02);
  }
  // 13:00-14:00 and 14:00-15:00 are the busiest, equal but for one request either way.
  expect([13, 14]).toContain(hours.indexOf(Math.max(...hours)));
});

test("a ramp 10 -> 1000/s over 60 s: each 5 s bucket within 2% of the line", async () => {
  const settings = await loadYaml(VALID.replace(
    "  rate: 10/s\n",
    "  arrivals: uniform\n  shape: { ramp: { from: 10/s, to: 1000/s, over: 60s } }\n",
  ));
  const plan = planRun(settings, undefined, DAY_START_US);
  const buckets = perBucket(starts(plan), 5, 12);
  buckets.forEach((count, b) => {
    const expected = 5 * (10 + (990 * (b * 5 + 2.5)) / 60);
    expect(Math.abs(count / expected - 1)).toBeLessThan(0.02);
  });
});

test("a traffic scenario on one entry point raises its share of requests while it lasts", async () => {
  const yaml = VALID.replace("rate: 10/s", "rate: 200/s").replace(
    "services:\n",
    "services:\n  - name: mobile\n    type: web\n    downstream: [users]\n",
  ) + "scenarios:\n  - { name: push campaign, at: 20s, duration: 20s, traffic: { multiply: 4, entry: mobile } }\n";
  const plan = planRun(await loadYaml(yaml), undefined, DAY_START_US);
  const entries: Record<string, number[]> = { frontend: [0, 0, 0], mobile: [0, 0, 0] };
  for (let i = 0; i < plan.totalRequests; i++) {
    const startUs = DAY_START_US + plan.arrivals.offsetUs(i);
    const window = Math.min(2, Math.floor((startUs - DAY_START_US) / 20e6));
    let root = "";
    simulateRequest(plan, i, startUs, {
      span: (instance, span) => void (span.parentSpanId === undefined && (root = instance.service.name)),
      log: () => {},
      handled: () => {},
    });
    entries[root]![window]!++;
  }
  // Before and after: one request in two; during: mobile's rate x4 while frontend's stays (4 in 5).
  for (const window of [0, 2]) {
    expect(entries.mobile![window]! / (entries.mobile![window]! + entries.frontend![window]!)).toBeCloseTo(0.5, 1);
  }
  expect(entries.mobile![1]! / (entries.mobile![1]! + entries.frontend![1]!)).toBeCloseTo(0.8, 1);
  expect(entries.frontend![1]! / entries.frontend![0]!).toBeCloseTo(1, 0);
});
