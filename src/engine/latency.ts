import type { LatencyPercentiles } from "../config/config.ts";

/** Draws one own-work duration in microseconds from a uniform number in [0, 1). */
export type DurationModel = (u: number) => number;

/**
 * `base_duration_ms`: log-normal with the base as its median and σ = 0.54, so p90 ≈ 2x, p99 ≈ 3.5x and
 * p99.9 ≈ 5.3x the base, as request latencies have a tail; capped at 20x (one request in about 10^8).
 */
export function logNormalDuration(medianUs: number): DurationModel {
  return (u) => medianUs * Math.min(MAX_FACTOR, Math.exp(SIGMA * probit(u)));
}

const SIGMA = 0.54;
const MAX_FACTOR = 20;

/**
 * The standard normal quantile of u in (0, 1) (Acklam's rational approximation, relative error under
 * 1.2e-9): the inverse CDF keeps u's order, so u >= 0.99 is still the slowest 1%.
 */
function probit(u: number): number {
  const p = Math.min(Math.max(u, 1e-12), 1 - 1e-12);
  if (p < P_LOW || p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p < P_LOW ? p : 1 - p));
    const x = (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) /
      ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
    return p < P_LOW ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q /
    (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
}

const P_LOW = 0.02425;
const A = [
  -39.69683028665376,
  220.9460984245205,
  -275.9285104469687,
  138.357751867269,
  -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293,
  -0.3223964580411365,
  -2.400758277161838,
  -2.549732539343734,
  4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

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
