import type { Signal } from "../plugin-host/plugin.ts";
import { fingerprint } from "../runtime/fingerprint.ts";

/**
 * Recognises export requests received before. OTLP delivery is at least once: a sender whose call got no
 * answer (it timed out, the connection dropped as the receiver restarted) sends the request again, byte for
 * byte, though the receiver may have taken it the first time. Requests are remembered by a fingerprint of
 * their resources (runtime/fingerprint.ts), the last `capacity` of them, which covers any sender's retry
 * window with bounded memory.
 */
export class Redeliveries {
  readonly #seen = new Set<string>();
  readonly #ring: (string | undefined)[];
  #next = 0;

  constructor(capacity: number) {
    this.#ring = new Array<string | undefined>(Math.max(1, capacity));
  }

  /** Whether the same request arrived before (among the last `capacity`); remembers this one. */
  repeated(signal: Signal, resources: readonly Uint8Array[]): boolean {
    const print = fingerprint(signal, resources);
    if (this.#seen.has(print)) return true;
    const oldest = this.#ring[this.#next];
    if (oldest !== undefined) this.#seen.delete(oldest);
    this.#ring[this.#next] = print;
    this.#next = (this.#next + 1) % this.#ring.length;
    this.#seen.add(print);
    return false;
  }
}
