import { describe, expect, test } from "bun:test";
import { activeScenarios, scenarioWindows, trafficFactor } from "../src/engine/scenario-timeline.ts";
import { loadYaml, problemsOf, VALID } from "./helpers/config.ts";

const withScenarios = (yaml: string) => `${VALID}scenarios:\n${yaml}`;

describe("scenarios: config", () => {
  test("a scenario loads with its window, targets and effects", async () => {
    const { config } = await loadYaml(withScenarios(`  - name: db slow
    at: 10s
    duration: 20s
    ramp: 5s
    priority: 2
    target: [users-db, { template: web, operation: "GET /api/users" }]
    latency: { multiply: 4, add: 20ms }
    errors: { rate: 0.2, cause: timeout }
`));
    expect(config.scenarios).toEqual([{
      name: "db slow",
      atSeconds: 10,
      durationSeconds: 20,
      rampSeconds: 5,
      priority: 2,
      targets: [{ service: "users-db" }, { template: "web", operation: "GET /api/users" }],
      latency: { multiply: 4, addUs: 20_000 },
      errors: { rate: 0.2, cause: "timeout" },
    }]);
  });

  test("unknown names get a did-you-mean; windows before or after the run are located errors", async () => {
    expect(
      await problemsOf(withScenarios(`  - name: a
    at: 10s
    duration: 5s
    target: user-db
    timeout: true
  - name: b
    at: -5s
    duration: 5s
    traffic: { multiply: 2, entry: frontnd }
  - name: c
    at: 2m
    duration: 5s
    target: { template: web, operation: "GET /api/user" }
    latency: { multiply: 2 }
  - name: d
    at: 5s
    duration: 5s
    latency: { multiplier: 2 }
`)),
    ).toEqual([
      `scenarios[0].target (line 31:13): unknown service "user-db". Did you mean "users-db"?`,
      `scenarios[1].at (line 34:9): a window cannot start before the run ("-5s"); write an offset such as 5m`,
      `scenarios[1].traffic.entry (line 36:36): "frontnd" is not an entry point. Did you mean "frontend"? Entry points: frontend.`,
      `scenarios[2].at (line 38:9): starts at 2m, after the run ends (workload.duration is 60 s)`,
      `scenarios[2].target.operation (line 40:41): unknown operation "GET /api/user". Did you mean "GET /api/users"?`,
      `scenarios[3].latency.multiplier (line 45:16): unknown key "multiplier". Did you mean "multiply"?`,
    ]);
  });

  test("a scenario that changes nothing is an error", async () => {
    expect(await problemsOf(withScenarios("  - { name: idle, at: 1s, duration: 5s }\n"))).toEqual([
      "scenarios[0] (line 28:5): changes nothing: add latency, errors, timeout, traffic or logs",
    ]);
  });
});

describe("scenarios: timeline", () => {
  const base = { atSeconds: 100, durationSeconds: 60, rampSeconds: 10, priority: 0, targets: [] };

  test("a ramp grows the intensity in and out; repeats recur every period", () => {
    const s = { ...base, name: "s", everySeconds: 300, latency: { multiply: 2 } };
    expect(activeScenarios([s], 99)).toEqual([]);
    expect(activeScenarios([s], 105)[0]).toMatchObject({ intensity: 0.5, phase: "ramping up" });
    expect(activeScenarios([s], 130)[0]).toMatchObject({ intensity: 1, phase: "active" });
    expect(activeScenarios([s], 158)[0]).toMatchObject({ phase: "ramping down" });
    expect(activeScenarios([s], 160)).toEqual([]);
    expect(activeScenarios([s], 430)[0]).toMatchObject({ intensity: 1 });
    expect(scenarioWindows(s, 1000)).toEqual([[100, 160], [400, 460], [700, 760]]);
  });

  test("overlapping scenarios come lowest priority first, so the higher one wins a field", () => {
    const low = { ...base, name: "low", priority: 1, errors: { rate: 0.1 } };
    const high = { ...base, name: "high", priority: 5, errors: { rate: 0.5 } };
    expect(activeScenarios([high, low], 130).map((a) => a.scenario.name)).toEqual(["low", "high"]);
  });

  test("traffic multipliers compose by multiplying; one entry point's share only scales its share", () => {
    const all = { ...base, name: "all", rampSeconds: 0, traffic: { multiply: 3 } };
    const one = { ...base, name: "one", rampSeconds: 0, traffic: { multiply: 5, entry: "a" } };
    expect(trafficFactor(activeScenarios([all, one], 130), 2)).toBeCloseTo(3 * (1 + 4 / 2), 9);
  });
});
