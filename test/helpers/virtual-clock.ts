import { setImmediate } from "node:timers";
import type { Clock } from "../../src/runtime/clock.ts";

/** A clock that jumps ahead by each sleep, in whole microseconds: a paced schedule runs in no real time. */
export function virtualClock(startUs: number): Clock & { readonly us: number } {
  let us = startUs;
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    get us() {
      return us;
    },
    nowUs: () => us,
    sleep: (ms) => ((us += Math.ceil(Math.max(1, ms) * 1000)), tick()),
    yield: tick,
  };
}
