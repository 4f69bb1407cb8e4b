import { sha3_256 } from "@noble/hashes/sha3.js";
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import { mix32, Random } from "../plugin-host/random.ts";

const encoder = new TextEncoder();

/** SHA3-256 of the seed string's UTF-8 bytes: the 32 bytes every generator is derived from. */
export function hashSeed(seed: string): Uint8Array {
  return sha3_256(encoder.encode(seed));
}

/** The seed hash as eight big-endian 32-bit words, computed once per hash. */
const wordsCache = new WeakMap<Uint8Array, Uint32Array>();

function seedWords(seedHash: Uint8Array): Uint32Array {
  let words = wordsCache.get(seedHash);
  if (words === undefined) {
    const view = new DataView(seedHash.buffer, seedHash.byteOffset, seedHash.byteLength);
    words = Uint32Array.from({ length: 8 }, (_, k) => view.getUint32(k * 4));
    wordsCache.set(seedHash, words);
  }
  return words;
}

/**
 * Request i's generator, derived from (seed, i) alone so that content never depends on timing,
 * concurrency, runtime or sharding. With the seed hash as words S0..S7 and i = hi·2^32 + lo, word k
 * (0..3) of the xoroshiro128+ state is mix32(S_k ^ mix32(lo ^ S_(k+4)) ^ mix32(hi + 0x9e3779b9·(k+1))).
 * A hash per request would be as good and several times slower; the finalizer's avalanche makes
 * neighbouring requests' states unrelated.
 */
export function requestRandom(seedHash: Uint8Array, index: number): Random {
  const s = seedWords(seedHash);
  const lo = index >>> 0;
  const hi = Math.floor(index / 0x1_0000_0000) >>> 0;
  // Written out rather than mapped over [0, 1, 2, 3]: this runs once per request.
  const word = (k: number) =>
    mix32(s[k]! ^ mix32(lo ^ s[k + 4]!) ^ mix32((hi + Math.imul(0x9e3779b9, k + 1)) >>> 0)) | 0;
  return fromState(word(0), word(1), word(2), word(3));
}

/** A generator for run-level choices (instance ids and the like): SHA3 of the seed hash and `domain`. */
export function namedRandom(seedHash: Uint8Array, domain: string): Random {
  const domainBytes = encoder.encode(domain);
  const input = new Uint8Array(seedHash.length + domainBytes.length);
  input.set(seedHash, 0);
  input.set(domainBytes, seedHash.length);
  const digest = new DataView(sha3_256(input).buffer);
  const word = (k: number) => digest.getUint32(k * 4) | 0;
  return fromState(word(0), word(1), word(2), word(3));
}

/**
 * A generator for one description that may have to be drawn twice alike (a call between services of two
 * conventions eras describes both sides from it), from one 32-bit word of the request's generator.
 */
export function replayableRandom(seed: number): Random {
  const word = (k: number) => mix32((seed ^ Math.imul(0x9e3779b9, k + 1)) >>> 0) | 0;
  return fromState(word(0), word(1), word(2), word(3));
}

/** A xoroshiro128+ generator from four state words; never from the all-zero state (2^-128 odds, cheap to rule out). */
function fromState(a: number, b: number, c: number, d: number): Random {
  const zero = (a | b | c | d) === 0;
  return new Random(xoroshiro128plusFromState(zero ? [1, 0, 0, 0] : [a, b, c, d]));
}
