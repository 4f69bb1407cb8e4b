import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { Random } from "../index.ts";

/** Draw `i`'s randomness: the same `i` gives the same sequence, as a request index does in a run. */
export function seededRandom(i: number): Random {
  return new Random(xoroshiro128plus(i));
}

/**
 * Runs a plugin's synchronous code with `Math.random` and `Date.now` throwing: a plugin's randomness
 * comes from the context, or the same seed stops giving the same telemetry.
 */
export function withoutAmbientSources<T>(run: () => T): T {
  const { random } = Math;
  const { now } = Date;
  const forbidden = (what: string) => () => {
    throw new Error(`${what} is not allowed in a plugin; use the context's random`);
  };
  Math.random = forbidden("Math.random");
  Date.now = forbidden("Date.now");
  try {
    return run();
  } finally {
    Math.random = random;
    Date.now = now;
  }
}

/** Whether two plain values (strings, numbers, arrays, objects, byte arrays) are deeply equal. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v) => {
    if (v instanceof Uint8Array) return `bytes:${[...v].join(",")}`;
    if (typeof v === "bigint") return `bigint:${v}`;
    if (typeof v === "number" && !Number.isFinite(v)) return `number:${v}`;
    return v;
  });
}
