// What every bench reports besides its own figures: the runtime, and wall and CPU time of what it timed.
// Web standards and `node:process` only, so each bench runs unchanged on Bun and Deno.
import process from "node:process";

/** `bun 1.4.5` or `deno 2.9.6`. */
export const RUNTIME: string = navigator.userAgent.replace("/", " ").toLowerCase();

export interface Timing {
  readonly wallSeconds: number;
  /** User plus system CPU time of this process (all its threads) over the same span. */
  readonly cpuSeconds: number;
}

/** Runs `work` and returns its result with the wall and CPU time it took. */
export async function timed<T>(work: () => T | Promise<T>): Promise<[T, Timing]> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const wallSeconds = round3((performance.now() - started) / 1000);
  const cpu = process.cpuUsage(cpuBefore);
  return [result, { wallSeconds, cpuSeconds: round3((cpu.user + cpu.system) / 1e6) }];
}

/** A full garbage collection where the runtime offers one (Bun; Deno with `--v8-flags=--expose-gc`). */
export function collectGarbage(): void {
  const runtime = globalThis as { Bun?: { gc(force: boolean): void }; gc?: () => void };
  if (runtime.Bun) runtime.Bun.gc(true);
  else runtime.gc?.();
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
