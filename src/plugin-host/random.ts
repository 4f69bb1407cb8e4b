import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_53 = 2 ** 53;
const HEX = "0123456789abcdef";

/**
 * The only source of randomness plugins see. It wraps a seeded pure-rand generator, so everything drawn
 * from it is reproducible from (seed, request index).
 */
export class Random {
  constructor(private readonly generator: RandomGenerator) {}

  /** A uniform unsigned 32-bit integer. */
  uint32(): number {
    return this.generator.next() >>> 0;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  float(): number {
    const high = this.uint32() >>> 5; // 27 bits
    const low = this.uint32() >>> 6; // 26 bits
    return (high * 67_108_864 + low) / TWO_POW_53;
  }

  /** A uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    const span = max - min + 1;
    // Below 2^32 a single draw with rejection of the biased tail is exact and cheap.
    if (span <= TWO_POW_32) {
      const limit = TWO_POW_32 - (TWO_POW_32 % span);
      let draw = this.uint32();
      while (draw >= limit) draw = this.uint32();
      return min + (draw % span);
    }
    return min + Math.floor(this.float() * span);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  /** A uniformly chosen element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** `digits` lowercase hex digits. */
  hex(digits: number): string {
    let out = "";
    for (let i = 0; i < digits; i++) out += HEX[this.uint32() & 15];
    return out;
  }

  /**
   * `length` random bytes, in an array of their own: under Bun that is cheaper than a view of a shared
   * block, and it keeps no block alive for as long as one id is.
   */
  bytes(length: number): Uint8Array {
    return this.fill(new Uint8Array(length));
  }

  /** Fills `out` with random bytes, as `bytes(out.length)` would draw them; returns it. */
  fill(out: Uint8Array): Uint8Array {
    const length = out.length;
    for (let i = 0; i < length; i += 4) {
      let word = this.uint32();
      for (let j = i; j < Math.min(i + 4, length); j++, word >>>= 8) out[j] = word & 0xff;
    }
    return out;
  }
}

/** MurmurHash3's 32-bit finalizer: every input bit flips about half of the output bits. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
