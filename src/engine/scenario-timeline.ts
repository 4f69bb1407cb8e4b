import type { Scenario } from "../config/scenarios.ts";

/** A scenario in effect at some moment, and how far: 0..1 while it ramps up or down, 1 in between. */
export interface ActiveScenario {
  readonly scenario: Scenario;
  readonly intensity: number;
  /** Where it is in its window: a deploy is rolling out (or back) for the whole of it. */
  readonly phase: "ramping up" | "active" | "ramping down" | "rolling out" | "rolling back";
}

/** The windows of a scenario inside a run of `durationSeconds`, repeats included, as [start, end) seconds. */
export function scenarioWindows(scenario: Scenario, durationSeconds: number): [number, number][] {
  const windows: [number, number][] = [];
  const every = scenario.everySeconds ?? Infinity;
  for (let start = scenario.atSeconds; start < durationSeconds; start += every) {
    windows.push([start, Math.min(start + scenario.durationSeconds, durationSeconds)]);
    if (every === Infinity) break;
  }
  return windows;
}

/**
 * The scenarios in effect `t` seconds after the run's start, lowest priority first (equal priorities in
 * file order), so that applying them in order lets the higher or later one win a field they both set.
 */
export function activeScenarios(scenarios: readonly Scenario[], t: number): ActiveScenario[] {
  const active: ActiveScenario[] = [];
  for (const scenario of scenarios) {
    if (t < scenario.atSeconds) continue;
    const since = scenario.everySeconds === undefined
      ? t - scenario.atSeconds
      : (t - scenario.atSeconds) % scenario.everySeconds;
    if (since >= scenario.durationSeconds) continue;
    const untilEnd = scenario.durationSeconds - since;
    const ramp = scenario.rampSeconds;
    const intensity = ramp > 0 ? Math.min(1, since / ramp, untilEnd / ramp) : 1;
    active.push({ scenario, intensity, phase: phaseOf(scenario, since, untilEnd) });
  }
  return active.sort((a, b) => a.scenario.priority - b.scenario.priority);
}

function phaseOf(scenario: Scenario, since: number, untilEnd: number): ActiveScenario["phase"] {
  const { deploy, rampSeconds: ramp } = scenario;
  if (deploy) return "rollback" in deploy ? "rolling back" : "rolling out";
  return ramp > 0 && since < ramp ? "ramping up" : ramp > 0 && untilEnd < ramp ? "ramping down" : "active";
}

/**
 * How much the scenarios' traffic effects multiply the request rate at `t`: a scenario aimed at one of
 * `entryPoints` (chosen uniformly) scales only that entry's share of the traffic.
 */
export function trafficFactor(active: readonly ActiveScenario[], entryPoints: number): number {
  let factor = 1;
  for (const { scenario, intensity } of active) {
    if (!scenario.traffic) continue;
    const multiplier = ramped(scenario.traffic.multiply, intensity);
    factor *= scenario.traffic.entry === undefined ? multiplier : 1 + (multiplier - 1) / entryPoints;
  }
  return factor;
}

/** A scenario's factor as far as it has ramped up: 1 at intensity 0, the whole factor at 1. */
export function ramped(factor: number, intensity: number): number {
  return 1 + (factor - 1) * intensity;
}
