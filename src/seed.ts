import { sha3_256 } from "@noble/hashes/sha3.js";
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import { Random } from "./random.ts";

const encoder = new TextEncoder();
const REQUEST_DOMAIN = encoder.encode("dreamweaver/request");

/** SHA3-256 of the seed string's UTF-8 bytes: the 32 bytes every generator is derived from. */
export function hashSeed(seed: string): Uint8Array {
  return sha3_256(encoder.encode(seed));
}

/**
 * Request i's generator, derived from (seed, i) alone so that content never depends on timing,
 * concurrency, runtime or sharding: the first 16 bytes of
 * SHA3-256(seedHash || "dreamweaver/request" || uint64be(i)), read as four big-endian uint32 words,
 * are the xoroshiro128+ state.
 */
export function requestRandom(seedHash: Uint8Array, index: number): Random {
  return new Random(xoroshiro128plusFromState(deriveState(seedHash, REQUEST_DOMAIN, index)));
}

/** A generator for one-off, run-level choices (instance ids and the like) under its own domain. */
export function namedRandom(seedHash: Uint8Array, domain: string): Random {
  return new Random(xoroshiro128plusFromState(deriveState(seedHash, encoder.encode(domain), 0)));
}

function deriveState(seedHash: Uint8Array, domain: Uint8Array, index: number): number[] {
  const input = new Uint8Array(seedHash.length + domain.length + 8);
  input.set(seedHash, 0);
  input.set(domain, seedHash.length);
  new DataView(input.buffer).setBigUint64(seedHash.length + domain.length, BigInt(index));
  const digest = new DataView(sha3_256(input).buffer);
  const state = [0, 1, 2, 3].map((word) => digest.getUint32(word * 4) | 0);
  // xoroshiro128+ must not start from the all-zero state; 2^-128 odds, but cheap to rule out.
  return state.every((word) => word === 0) ? [1, 0, 0, 0] : state;
}
