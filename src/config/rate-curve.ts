import type { LoadShape } from "./load-shape.ts";

/**
 * A request rate over the run and its integral Λ(t), the expected number of requests by time t. Arrival
 * times come from Λ⁻¹: request i arrives at Λ⁻¹(S_i) where S_i grows by 1 per request (uniform arrivals)
 * or by unit-mean exponential gaps (Poisson arrivals), which is what makes any shape an exact,
 * seed-determined schedule.
 */
export interface RateCurve {
  /** Requests per second at `t` seconds after the start. */
  rateAt(t: number): number;
  /** Λ(t): expected requests in [0, t]. */
  cumulative(t: number): number;
  /** Λ⁻¹(requests): the time by which that many requests are expected; Infinity past the end. */
  timeOf(requests: number): number;
  /** Λ(duration). */
  readonly expectedRequests: number;
  readonly durationSeconds: number;
}

/** Cells of the numeric integral: at most one second wide, at most this many. */
const MAX_CELLS = 1_000_000;
/** Rate samples per cell: bursts switch mid-cell, so each cell is integrated from several points. */
const SAMPLES_PER_CELL = 4;

/**
 * The rate curve of `shape` over `durationSeconds`, for a run that starts at `startEpochSeconds` (UTC),
 * times `factor(t)` when given (what scenarios do to the traffic).
 */
export function createRateCurve(
  shape: LoadShape,
  durationSeconds: number,
  startEpochSeconds: number,
  factor?: (t: number) => number,
): RateCurve {
  const shaped = rateFunction(shape, startEpochSeconds);
  if (shape.kind === "constant" && !factor) return constantCurve(shape.rate, durationSeconds);
  const rateAt = factor ? (t: number) => shaped(t) * factor(t) : shaped;
  const cells = Math.min(MAX_CELLS, Math.max(1, Math.ceil(durationSeconds)));
  const width = durationSeconds / cells;
  const integral = new Float64Array(cells + 1);
  for (let k = 0; k < cells; k++) {
    let sum = 0;
    for (let j = 0; j < SAMPLES_PER_CELL; j++) sum += rateAt((k + (j + 0.5) / SAMPLES_PER_CELL) * width);
    integral[k + 1] = integral[k]! + (sum / SAMPLES_PER_CELL) * width;
  }
  const expectedRequests = integral[cells]!;
  return {
    rateAt,
    durationSeconds,
    expectedRequests,
    cumulative(t) {
      if (t <= 0) return 0;
      if (t >= durationSeconds) return expectedRequests;
      const k = Math.floor(t / width);
      return integral[k]! + (t / width - k) * (integral[k + 1]! - integral[k]!);
    },
    timeOf(requests) {
      if (requests <= 0) return 0;
      if (requests > expectedRequests) return Infinity;
      // The first cell whose end reaches `requests` (cells of rate zero are skipped).
      let [low, high] = [0, cells - 1];
      while (low < high) {
        const mid = (low + high) >> 1;
        if (integral[mid + 1]! >= requests) high = mid;
        else low = mid + 1;
      }
      const inCell = integral[low + 1]! - integral[low]!;
      return (low + (inCell > 0 ? (requests - integral[low]!) / inCell : 0)) * width;
    },
  };
}

function constantCurve(rate: number, durationSeconds: number): RateCurve {
  const expectedRequests = rate * durationSeconds;
  return {
    rateAt: () => rate,
    durationSeconds,
    expectedRequests,
    cumulative: (t) => rate * Math.min(Math.max(t, 0), durationSeconds),
    timeOf: (requests) => (requests > expectedRequests ? Infinity : Math.max(requests, 0) / rate),
  };
}

/** Requests per second at `t` seconds after the start. */
function rateFunction(shape: LoadShape, startEpochSeconds: number): (t: number) => number {
  switch (shape.kind) {
    case "constant":
      return () => shape.rate;
    case "ramp":
      return (t) => shape.from + (shape.to - shape.from) * Math.min(1, Math.max(0, t / shape.overSeconds));
    case "steps": {
      const ends: number[] = [];
      let end = 0;
      for (const step of shape.steps) ends.push(end += step.forSeconds);
      const last = shape.steps.length - 1;
      // After the last step its rate holds, so steps shorter than the run never leave it idle.
      return (t) => {
        const index = ends.findIndex((e) => t < e);
        return shape.steps[index < 0 ? last : index]!.rate;
      };
    }
    case "diurnal": {
      const peakAt = "afterStartSeconds" in shape.peak
        ? shape.peak.afterStartSeconds
        : shape.peak.utcSecondOfDay - startEpochSeconds;
      const amplitude = (shape.max - shape.min) / 2;
      return (t) => shape.min + amplitude * (1 + Math.cos((2 * Math.PI * (t - peakAt)) / shape.periodSeconds));
    }
    case "bursts":
      return (t) => {
        const since = t - shape.firstSeconds;
        return since >= 0 && since % shape.everySeconds < shape.forSeconds ? shape.peak : shape.base;
      };
    case "sum": {
      const terms = shape.terms.map((term) => rateFunction(term, startEpochSeconds));
      return (t) => terms.reduce((sum, term) => sum + term(t), 0);
    }
    case "product": {
      const terms = shape.terms.map((term) => rateFunction(term, startEpochSeconds));
      return (t) => terms.reduce((product, term) => product * term(t), 1);
    }
  }
}
