import { parseLatency } from "./units.ts";
import type { PathSegment } from "./yaml-source.ts";

/** Latency percentiles in microseconds, ascending: `[[0.5, 40000], [0.95, 180000], ...]`. */
export type LatencyPercentiles = readonly (readonly [quantile: number, us: number])[];

const LATENCY_QUANTILES: Record<string, number> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99, p999: 0.999 };

/**
 * `{ p50: 40ms, p99: 1s }` into microseconds by quantile. Percentiles must parse and rise with the
 * quantile; each one that does not is reported at its own key and left out.
 */
export function parseLatencyPercentiles(
  latency: Readonly<Record<string, unknown>>,
  path: readonly PathSegment[],
  report: (path: readonly PathSegment[], message: string) => void,
): LatencyPercentiles {
  const points: [number, number][] = [];
  for (const [key, quantile] of Object.entries(LATENCY_QUANTILES)) {
    const value = latency[key];
    if (typeof value !== "string" && typeof value !== "number") continue;
    const parsed = parseLatency(value);
    if (!parsed.ok) report([...path, key], parsed.message);
    else if (points.length > 0 && parsed.value <= points.at(-1)![1]) {
      report([...path, key], `${key} must be longer than the percentiles below it`);
    } else points.push([quantile, parsed.value]);
  }
  return points;
}
