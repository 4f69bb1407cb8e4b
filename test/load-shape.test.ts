import { describe, expect, test } from "bun:test";
import { createRateCurve } from "../src/config/rate-curve.ts";
import { loadYaml, problemsOf, VALID } from "./helpers/config.ts";

const withShape = (shape: string) => VALID.replace("  rate: 10/s\n", `  shape:\n${shape}\n`);

describe("workload.shape", () => {
  test("a ramp, steps, diurnal, bursts and their sum and product load with the rate they mean", async () => {
    const ramp = await loadYaml(withShape("    ramp: { from: 10/s, to: 1000/s, over: 60s }"));
    expect(ramp.config.workload.shape).toEqual({ kind: "ramp", from: 10, to: 1000, overSeconds: 60 });
    // 60 s ramp averaging 505/s, then 1000/s for the remaining 0 s of the 1 m run.
    expect(ramp.config.workload.ratePerSecond).toBeCloseTo(505, 0);

    const steps = await loadYaml(withShape("    steps: [{ rate: 10/s, for: 20s }, { rate: 40/s, for: 40s }]"));
    expect(steps.config.workload.ratePerSecond).toBeCloseTo(30, 5);

    const product = await loadYaml(withShape(
      '    product:\n      - diurnal: { min: 1/s, max: 5/s, period: 24h, peak: "14:00" }\n' +
        "      - bursts: { base: 1, peak: 3, every: 10m, for: 1m }",
    ));
    expect(product.config.workload.shape.kind).toBe("product");
  });

  test("--rate still means a constant rate and a config may keep its rate beside a shape", async () => {
    const both = await loadYaml(
      VALID.replace("  rate: 10/s\n", "  rate: 10/s\n  shape: { ramp: { from: 1/s, to: 2/s, over: 1m } }\n"),
    );
    expect(both.config.workload.shape.kind).toBe("ramp");
  });

  test("broken shapes are located errors", async () => {
    expect(await problemsOf(withShape("    rampp: { from: 1/s, to: 2/s, over: 1m }"))).toEqual([
      "workload.shape (line 24:5): a shape has exactly one of ramp, steps, diurnal, bursts, sum, product (found rampp)",
    ]);
    expect(await problemsOf(withShape("    ramp: { from: fast, to: 2/s }"))).toEqual([
      "workload.shape.ramp.over (line 24:11): missing over: a duration such as 5m",
      `workload.shape.ramp.from (line 24:19): "fast" is not a rate; write <count>/<s|m|h>, e.g. "100/s" or "6000/m"`,
    ]);
    expect(await problemsOf(withShape("    bursts: { base: 1/s, peak: 9/s, every: 1m, for: 2m }"))).toEqual([
      "workload.shape.bursts.for (line 24:53): a burst must be shorter than the time between bursts (every)",
    ]);
    expect(await problemsOf(VALID.replace("  rate: 10/s\n", ""))).toEqual([
      "workload (line 23:3): missing rate: write e.g. rate: 10/s, or a shape",
    ]);
  });
});

describe("rate curves", () => {
  test("a ramp's expected requests per 5 s bucket follow the line exactly", () => {
    const curve = createRateCurve({ kind: "ramp", from: 10, to: 1000, overSeconds: 60 }, 60, 0);
    for (let start = 0; start < 60; start += 5) {
      const expected = 5 * (10 + (990 * (start + 2.5)) / 60);
      expect(curve.cumulative(start + 5) - curve.cumulative(start)).toBeCloseTo(expected, 6);
    }
  });

  test("a diurnal curve peaks at its UTC time of day and its hours follow the cosine", () => {
    const start = Date.UTC(2026, 0, 1) / 1000;
    const curve = createRateCurve(
      { kind: "diurnal", min: 1, max: 5, periodSeconds: 86400, peak: { utcSecondOfDay: 14 * 3600 } },
      86400,
      start,
    );
    expect(curve.rateAt(14 * 3600)).toBeCloseTo(5, 9);
    expect(curve.rateAt(2 * 3600)).toBeCloseTo(1, 9);
    for (let hour = 0; hour < 24; hour++) {
      const mid = (hour + 0.5) * 3600;
      const approx = curve.rateAt(mid) * 3600;
      const counted = curve.cumulative((hour + 1) * 3600) - curve.cumulative(hour * 3600);
      expect(Math.abs(counted / approx - 1)).toBeLessThan(0.02);
    }
  });

  test("timeOf inverts cumulative, also across bursts", () => {
    const curve = createRateCurve(
      { kind: "bursts", base: 2, peak: 50, everySeconds: 60, forSeconds: 10, firstSeconds: 30 },
      300,
      0,
    );
    for (const requests of [1, 59.5, 60, 61, 200, 900, curve.expectedRequests]) {
      expect(curve.cumulative(curve.timeOf(requests))).toBeCloseTo(requests, 6);
    }
    expect(curve.timeOf(curve.expectedRequests + 1)).toBe(Infinity);
    // 30 s of base, a 10 s burst, 50 s of base: 2*30 + 50*10 + 2*50.
    expect(curve.cumulative(90)).toBeCloseTo(660, 6);
  });
});
