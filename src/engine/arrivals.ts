import type { Arrivals } from "../config/config.ts";
import type { RateCurve } from "../config/rate-curve.ts";
import type { Random } from "../plugin-host/random.ts";
import { namedRandom } from "./seed.ts";

/** When each request of a run starts, and how many there are. */
export interface ArrivalSchedule {
  /** Requests in the run; counted on first use, by walking the whole schedule (a long run has many). */
  readonly count: number;
  /** Whether request `index` starts within the run: what a run loop asks, without counting them all first. */
  has(index: number): boolean;
  /**
   * Request `index`'s start, in microseconds after the run's start. Fastest when called with indices that
   * never decrease, as a run does: the schedule is a walk from request 0.
   */
  offsetUs(index: number): number;
}

/**
 * The schedule of a run, which depends on (seed, rate curve) alone: request i starts at the same time
 * whichever shard generates it and however fast. `poisson`: unit-rate exponential gaps, summed, through
 * Λ⁻¹ (a Poisson process; the count is random around the expected one). `uniform`: evenly spaced, the
 * grid shifted by a seeded fraction of one gap so the first request does not start on the run's start.
 */
export function createArrivalSchedule(seedHash: Uint8Array, arrivals: Arrivals, curve: RateCurve): ArrivalSchedule {
  const walk = arrivals === "uniform" ? uniformWalk(seedHash) : poissonWalk(seedHash);
  let count: number | undefined;
  let next = walk();
  let index = -1;
  let position = 0;
  /** Request `target`'s position in expected-count space. */
  const positionOf = (target: number) => {
    if (target < index) [next, index] = [walk(), -1];
    for (; index < target; index++) position = next();
    return position;
  };
  return {
    get count() {
      if (count === undefined) {
        count = 0;
        for (const step = walk(); step() < curve.expectedRequests;) count++;
      }
      return count;
    },
    has: (target) => positionOf(target) < curve.expectedRequests,
    offsetUs: (target) => curve.timeOf(positionOf(target)) * 1e6,
  };
}

/** A fresh walk: each call gives the next request's position in expected-count space. */
type Walk = () => () => number;

function poissonWalk(seedHash: Uint8Array): Walk {
  return () => {
    const random: Random = namedRandom(seedHash, "arrivals");
    let sum = 0;
    return () => (sum += -Math.log(1 - random.float()));
  };
}

function uniformWalk(seedHash: Uint8Array): Walk {
  const phase = namedRandom(seedHash, "arrivals").float();
  return () => {
    let i = 0;
    return () => i++ + phase;
  };
}

/** `schedule` ending after its first `maxRequests` requests (`--requests`), or at its own end if sooner. */
export function limitSchedule(schedule: ArrivalSchedule, maxRequests: number | undefined): ArrivalSchedule {
  if (maxRequests === undefined) return schedule;
  return {
    // Walks no further than the limit: an endless run's whole schedule is years long.
    get count() {
      let count = 0;
      while (count < maxRequests && schedule.has(count)) count++;
      return count;
    },
    has: (index) => index < maxRequests && schedule.has(index),
    offsetUs: (index) => schedule.offsetUs(index),
  };
}
