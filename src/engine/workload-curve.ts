import type { Config } from "../config/config.ts";
import { createRateCurve, type RateCurve } from "../config/rate-curve.ts";
import { activeScenarios, trafficFactor } from "./scenario-timeline.ts";

/**
 * The request rate of a whole run: the workload's shape times what traffic scenarios add, for a run
 * starting at `startUs`. Arrivals, `validate`'s timeline and the pacing all follow this one curve.
 */
export function workloadCurve(config: Config, entryPoints: number, startUs: number): RateCurve {
  const { shape, durationSeconds } = config.workload;
  const traffic = config.scenarios.filter((scenario) => scenario.traffic);
  const factor = traffic.length === 0
    ? undefined
    : (t: number) => trafficFactor(activeScenarios(traffic, t), entryPoints);
  return createRateCurve(shape, durationSeconds, startUs / 1e6, factor);
}
