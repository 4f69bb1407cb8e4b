import { setImmediate } from "node:timers";

/** Time for the engine: the only place that reads the wall clock or waits. Tests and `--fast` swap it. */
export interface Clock {
  /** Microseconds since the Unix epoch. */
  nowUs(): number;
  sleep(ms: number): Promise<void>;
  /** Lets timers and I/O run during long synchronous stretches. */
  yield(): Promise<void>;
}

/** The wall clock, with sub-millisecond resolution from the monotonic performance timer. */
export const systemClock: Clock = {
  nowUs: () => Math.round((performance.timeOrigin + performance.now()) * 1000),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  yield: () => new Promise((resolve) => setImmediate(resolve)),
};
