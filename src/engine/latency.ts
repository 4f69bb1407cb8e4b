import type { LatencyPercentiles } from "../config/config.ts";

/** Draws one own-work duration in microseconds from a uniform number in [0, 1). */
export type DurationModel = (u: number) => number;

/** The seed's model: 50% to 200% of the base duration, uniformly. */
export function uniformDuration(baseUs: number): DurationModel {
  return (u) => baseUs * (0.5 + 1.5 * u);
}

/**
 * A long-tailed model through the given percentiles: the inverse CDF is interpolated linearly between
 * them in (−ln(1−q), ln duration), which hits every percentile exactly. Past the last one the tail goes
 * on at half the last segment's slope: still long (timeouts, GC pauses), but not exploding. Below the
 * median it falls to 40% of p50 at q = 0: requests are rarely much faster than typical.
 */
export function percentileDuration(percentiles: LatencyPercentiles): DurationModel {
  const p50 = percentiles[0]![1];
  const knots = [
    [0, Math.log(p50 * 0.4)] as const,
    ...percentiles.map(([q, us]) => [-Math.log(1 - q), Math.log(us)] as const),
  ];
  if (knots.length === 2) knots.push([-Math.log(1 - 0.99), Math.log(p50 * 4)]); // only p50: a default tail
  return (u) => {
    const z = -Math.log(1 - Math.min(u, 0.99999));
    let i = 1;
    while (i < knots.length - 1 && z > knots[i]![0]) i++;
    const [z0, y0] = knots[i - 1]!;
    const [z1, y1] = knots[i]!;
    const slope = (y1 - y0) / (z1 - z0);
    return Math.exp(z <= z1 ? y0 + slope * (z - z0) : y1 + (slope / 2) * (z - z1));
  };
}
