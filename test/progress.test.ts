import { expect, test } from "bun:test";
import { progressLine, WindowedRate } from "../src/cli/progress.ts";
import { RunStats } from "../src/export/run-stats.ts";

const RATES = { elapsedSeconds: 12, spans: 412.4, dataPoints: 37, logRecords: 95 };

function stats(fields: Partial<RunStats>): RunStats {
  return Object.assign(new RunStats(), fields);
}

test("a finite paced run shows done/total, percent and the time left on its schedule", () => {
  const line = progressLine(
    stats({ requests: 120, totalRequests: 600, startUs: 0, simulatedUs: 12e6, endUs: 60e6 }),
    { paced: true },
    RATES,
  );
  expect(line).toBe(
    "12s  120/600 requests  20%  ETA 48s  spans 412/s  data points 37/s  logs 95/s  exports 0 ok, 0 failed, 0 dropped",
  );
});

test("an unpaced run's time left is extrapolated from its pace; a run until Ctrl-C shows its count alone", () => {
  const fast = progressLine(stats({ requests: 1_000, totalRequests: 31_000 }), { paced: false }, RATES);
  expect(fast).toStartWith("12s  1,000/31,000 requests  3%  ETA 6m00s  spans");
  const endless = progressLine(stats({ requests: 5_000 }), { paced: true }, RATES);
  expect(endless).toStartWith("12s  requests 5,000  spans 412/s");
  expect(endless).not.toContain("ETA");
});

test("a paced run whose last spans are still running says it waits for them, and for how long", () => {
  const line = progressLine(
    stats({ requests: 600, totalRequests: 600, startUs: 0, simulatedUs: 60e6, endUs: 60e6, finishingUntilUs: 88e6 }),
    { paced: true },
    { ...RATES, nowUs: 61e6 },
  );
  expect(line).toStartWith(
    "12s  600/600 requests  100%  waiting for the spans still running to end (Ctrl-C sends them now)  ETA 27s  spans",
  );
});

test("data points that come in one burst per interval read as a steady rate, not 0/s most seconds", () => {
  const rate = new WindowedRate(10e6, 0);
  let count = 0;
  const seen: number[] = [];
  for (let second = 1; second <= 60; second++) {
    if (second % 10 === 3) count += 500; // one export of 500 data points every 10 s
    const perSecond = rate.add(second * 1e6, count);
    if (second > 13) seen.push(perSecond);
  }
  expect(Math.min(...seen)).toBeGreaterThanOrEqual(45);
  expect(Math.max(...seen)).toBeLessThanOrEqual(50);
  // Without a window, the rate is the last second's.
  const instant = new WindowedRate(0, 0);
  expect([instant.add(1e6, 0), instant.add(2e6, 500), instant.add(3e6, 500)]).toEqual([0, 500, 0]);
});
