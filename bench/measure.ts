// What every bench reports besides its own figures: the runtime, and wall and CPU time of what it timed.
// Web standards and `node:process` only, so each bench runs unchanged on Bun and Deno.
import { readFileSync } from "node:fs";
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

/**
 * CPU seconds (user plus system) of this process's children that have ended and been waited for, from Linux's
 * `/proc/self/stat` (clock ticks of 1/100 s); undefined elsewhere. The difference across a `spawnSync` is the
 * child's CPU time, every thread of it.
 */
export function childrenCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name (which may hold spaces) start at the state, field 3; cutime and cstime are 16, 17.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

/** A full garbage collection where the runtime offers one (Bun; Deno with `--v8-flags=--expose-gc`). */
export function collectGarbage(): void {
  const runtime = globalThis as { Bun?: { gc(force: boolean): void }; gc?: () => void };
  if (runtime.Bun) runtime.Bun.gc(true);
  else runtime.gc?.();
}

/** CPU µs per span, to two decimals. */
export function usPerSpan(cpuSeconds: number, spans: number): number {
  return Math.round((cpuSeconds / spans) * 1e8) / 100;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
