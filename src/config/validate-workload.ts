import type { Config } from "./config.ts";
import { type LoadShape, parseLoadShape } from "./load-shape.ts";
import { createRateCurve } from "./rate-curve.ts";
import { checkFormat, isRecord } from "./raw-values.ts";
import { parseDuration, parseRate } from "./units.ts";
import type { PathSegment } from "./yaml-source.ts";

type Report = (path: readonly PathSegment[], message: string) => void;

/**
 * `workload`: a duration, and a rate or a shape (a shape wins; `rate` alone is the seed's constant
 * rate). Returns undefined after reporting what is wrong.
 */
export function checkWorkload(raw: unknown, report: Report): Config["workload"] | undefined {
  if (!isRecord(raw)) return undefined; // the schema reports it
  const workload = raw;
  const rate = checkFormat(["workload", "rate"], workload.rate, parseRate, report);
  const durationSeconds = checkFormat(["workload", "duration"], workload.duration, parseDuration, report);
  let shape: LoadShape | undefined;
  if (workload.shape !== undefined) shape = parseLoadShape(workload.shape, ["workload", "shape"], report);
  else if (rate !== undefined) shape = { kind: "constant", rate };
  else if (workload.rate === undefined) report(["workload"], "missing rate: write e.g. rate: 10/s, or a shape");
  if (shape === undefined || durationSeconds === undefined) return undefined;
  const arrivals = workload.arrivals === "uniform" ? "uniform" : "poisson";
  return { ratePerSecond: meanRate(shape, durationSeconds), durationSeconds, shape, arrivals };
}

/** The mean rate over the run: a shaped run's "configured rate" in summaries. */
export function meanRate(shape: LoadShape, durationSeconds: number): number {
  if (shape.kind === "constant") return shape.rate;
  return createRateCurve(shape, durationSeconds, 0).expectedRequests / durationSeconds;
}
