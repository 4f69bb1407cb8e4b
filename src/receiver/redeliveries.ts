import { createHash } from "node:crypto";
import type { Signal } from "../plugin-host/plugin.ts";

/**
 * Recognises export requests received before. OTLP delivery is at least once: a sender whose call got no
 * answer (it timed out, the connection dropped as the receiver restarted) sends the request again, byte for
 * byte, though the receiver may have taken it the first time. Requests are remembered by a fingerprint of
 * their resources (SHA-1, which hashes far faster than the receiver reads), the last `capacity` of them,
 * which covers any sender's retry window with bounded memory.
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
    const hash = createHash("sha1").update(signal);
    const length = new Uint8Array(4);
    for (const resource of resources) {
      // Each resource's length first, so that different splits of the same bytes differ.
      new DataView(length.buffer).setUint32(0, resource.length);
      hash.update(length).update(resource);
    }
    const fingerprint = hash.digest("base64");
    if (this.#seen.has(fingerprint)) return true;
    const oldest = this.#ring[this.#next];
    if (oldest !== undefined) this.#seen.delete(oldest);
    this.#ring[this.#next] = fingerprint;
    this.#next = (this.#next + 1) % this.#ring.length;
    this.#seen.add(fingerprint);
    return false;
  }
}
