// What the built-in receiver remembers a request by, to recognise a sender's retry of it (receiver/redeliveries.ts).
// Bun's native 64-bit wyhash where it exists: the receiver hashes every byte it receives, and SHA-1 was an eighth of
// its work at 150k spans/s, against a tenth of that for wyhash. Elsewhere SHA-1. Fingerprints are only ever
// compared within one process, so the two never meet; 64 bits are plenty to tell 100,000 remembered requests apart
// (two of them share a fingerprint with a chance of about 3 in 10^10).
import { createHash } from "node:crypto";

type BunHash = (data: Uint8Array | string, seed?: number | bigint) => number | bigint;

const bunHash = (globalThis as { Bun?: { hash: BunHash } }).Bun?.hash;

/** A fingerprint of `label` and `parts`, each part's length included, so that other splits of the same bytes differ. */
export function fingerprint(label: string, parts: readonly Uint8Array[]): string {
  const length = new Uint8Array(4);
  const view = new DataView(length.buffer);
  if (bunHash !== undefined) {
    let hash = bunHash(label);
    for (const part of parts) {
      view.setUint32(0, part.length);
      hash = bunHash(part, bunHash(length, hash));
    }
    return String(hash);
  }
  const hash = createHash("sha1").update(label);
  for (const part of parts) {
    view.setUint32(0, part.length);
    hash.update(length).update(part);
  }
  return hash.digest("base64");
}
