import { describe, expect, test } from "bun:test";
import { activeScenarios, scenarioWindows, trafficFactor } from "../src/engine/scenario-timeline.ts";
import {
  compileSaturation,
  compileScenarioEffects,
  versionEffect,
  withVersion,
} from "../src/engine/scenario-effects.ts";
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
      "scenarios[0] (line 28:5): changes nothing: add latency, errors, timeout, traffic, logs, deploy or saturation",
    ]);
  });
});

describe("scenarios: deploy and saturation config", () => {
  test("a deploy, its rollback and a saturation load with their effects", async () => {
    const { config } = await loadYaml(withScenarios(`  - name: users 2.0
    at: 10s
    duration: 20s
    target: users
    deploy: { version: "2.0.0", errors: { rate: 0.1, message: boom }, latency: { multiply: 2 } }
  - name: users back
    at: 40s
    duration: 10s
    target: users
    deploy: { rollback: true }
  - name: full
    at: 5s
    duration: 30s
    ramp: 10s
    target: users-db
    saturation: { level: 0.8 }
`));
    expect(config.scenarios.map(({ name, deploy, saturation }) => ({ name, deploy, saturation }))).toEqual([
      {
        name: "users 2.0",
        deploy: { version: "2.0.0", errors: { rate: 0.1, message: "boom" }, latency: { multiply: 2 } },
        saturation: undefined,
      },
      { name: "users back", deploy: { rollback: true }, saturation: undefined },
      { name: "full", deploy: undefined, saturation: { level: 0.8 } },
    ]);
  });

  test("bad targets and values are located errors, with did-you-mean", async () => {
    expect(
      await problemsOf(withScenarios(`  - name: a
    at: 10s
    duration: 20s
    target: user
    deploy: { version: "2.0.0" }
  - name: b
    at: 10s
    duration: 20s
    every: 1m
    ramp: 5s
    target: { service: users, operation: "GET /api/users" }
    deploy: { versoin: "2.0.0" }
    errors: { rate: 0.5 }
  - name: c
    at: 10s
    duration: 20s
    deploy: { rollback: true, version: "1.0.0", errors: { rate: 0.1 } }
  - name: d
    at: 10s
    duration: 20s
    target: { template: db, operation: SELECT }
    saturation: { level: 1.5 }
  - name: e
    at: 10s
    duration: 20s
    saturation: { levle: 0.5 }
`)),
    ).toEqual([
      `scenarios[0].target (line 31:13): unknown service "user". Did you mean "users"?`,
      `scenarios[1].deploy.versoin (line 39:15): unknown key "versoin". Did you mean "version"?`,
      `scenarios[2].deploy (line 44:13): a deploy needs a target: the services whose replicas it replaces`,
      `scenarios[2].deploy.version (line 44:40): a rollback brings back the version each replica ran before`,
      `scenarios[2].deploy.errors (line 44:57): a rollback brings the old version back as it was; errors and latency belong to a deploy`,
      `scenarios[3].saturation.level (line 49:26): must be less than 1 (was 1.5)`,
      `scenarios[4].saturation.levle (line 53:19): unknown key "levle". Did you mean "level"?`,
    ]);
  });

  test("a deploy aims at whole services, once, without a ramp or other effects", async () => {
    expect(
      await problemsOf(withScenarios(`  - name: b
    at: 10s
    duration: 20s
    every: 1m
    ramp: 5s
    target: { service: users, operation: "GET /api/users" }
    deploy: { version: "2.0.0" }
    errors: { rate: 0.5 }
  - name: d
    at: 10s
    duration: 20s
    target: [users, { template: db, operation: SELECT }]
    saturation: { level: 0.5 }
`)),
    ).toEqual([
      `scenarios[0].every (line 31:12): a deploy happens once; every does not apply`,
      `scenarios[0].ramp (line 32:11): a deploy replaces replicas one by one over its duration; ramp does not apply`,
      `scenarios[0].target.operation (line 33:42): a deploy changes whole services: name services or templates, not an operation`,
      `scenarios[0].errors (line 35:13): a deploy's errors and latency go under deploy: (they follow the new version); other effects need a scenario of their own`,
      `scenarios[1].target[1].operation (line 39:48): a saturation changes whole services: name services or templates, not an operation`,
    ]);
  });

  test("rollouts of one service never overlap, and a rollback needs a deploy before it", async () => {
    expect(
      await problemsOf(withScenarios(`  - name: back too early
    at: 5s
    duration: 5s
    target: users
    deploy: { rollback: true }
  - name: users 2.0
    at: 10s
    duration: 20s
    target: users
    deploy: { version: "2.0.0" }
  - name: web 3.0
    at: 25s
    duration: 10s
    target: { template: web }
    deploy: { version: "3.0.0" }
`)),
    ).toEqual([
      `scenarios[0].deploy.rollback (line 32:25): nothing to roll back on users: no deploy of it before 5s`,
      `scenarios[2].at (line 39:9): overlaps "users 2.0" (10s to 30s) on users: one rollout at a time per service`,
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

describe("scenarios: deploys and saturation over time", () => {
  const base = { atSeconds: 100, durationSeconds: 60, rampSeconds: 0, priority: 0, targets: [] };

  test("a deploy is rolling out, a rollback rolling back, for their whole windows", () => {
    const out = { ...base, name: "out", deploy: { version: "2" } };
    const back = { ...base, name: "back", atSeconds: 200, deploy: { rollback: true as const } };
    expect(activeScenarios([out, back], 101)).toMatchObject([{ phase: "rolling out" }]);
    expect(activeScenarios([out, back], 259)).toMatchObject([{ phase: "rolling back" }]);
    expect(activeScenarios([out, back], 170)).toEqual([]);
  });

  test("saturations fill what room is left, and latency grows as 1 / (1 - how full)", async () => {
    const { config } = await loadYaml(
      withScenarios(`  - { name: a, at: 10s, duration: 30s, target: users, saturation: { level: 0.5 } }
  - { name: b, at: 20s, duration: 20s, ramp: 10s, saturation: { level: 0.5 } }
`),
    );
    const saturation = compileSaturation(config);
    expect(saturation(5, "users")).toBe(0);
    expect(saturation(15, "users")).toBe(0.5);
    expect(saturation(15, "frontend")).toBe(0);
    // b ramps up over 20-30 s: at 25 s it is halfway, 25% full.
    expect(saturation(25, "users")).toBeCloseTo(1 - 0.5 * 0.75, 9);
    expect(saturation(30, "users")).toBeCloseTo(0.75, 9);
    expect(saturation(30, "frontend")).toBeCloseTo(0.5, 9);
    const effects = compileScenarioEffects(config);
    expect(effects(30, 10)!("users", "GET /api/users")!.multiply).toBeCloseTo(1 / (1 - 0.75), 9);
  });

  test("a bad version's effect composes with a scenario's: latencies multiply, the scenario's errors win", () => {
    const version = versionEffect({ version: "2", errors: { rate: 0.1, message: "bug" }, latency: { multiply: 2 } })!;
    expect(version).toMatchObject({ multiply: 2, addUs: 0, errorRate: 0.1, message: "bug" });
    expect(versionEffect({ rollback: true })).toBeUndefined();
    const slow = { multiply: 3, addUs: 1000, errorRate: 0, logs: [] };
    expect(withVersion(slow, version)).toMatchObject({ multiply: 6, addUs: 1000, errorRate: 0.1, message: "bug" });
    const failing = { ...slow, errorRate: 0.5, cause: "timeout" as const };
    expect(withVersion(failing, version)).toMatchObject({ multiply: 6, errorRate: 0.5, cause: "timeout" });
    expect(withVersion(failing, version)!.message).toBeUndefined();
    expect(withVersion(undefined, version)).toBe(version);
    expect(withVersion(slow, undefined)).toBe(slow);
  });
});
