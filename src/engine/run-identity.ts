import type { Random } from "../plugin-host/random.ts";
import { smallBytes } from "../runtime/small-bytes.ts";
import { namedRandom } from "./seed.ts";

/**
 * What makes one run's ids its own. A request's content depends on (seed, i) and its times on the run's
 * start; its ids take the start in too, so runs that start at different moments never share a trace,
 * span or instance id (two runs into one backend stay apart), while a run repeated with the same start
 * (`--fast --start-time`) repeats them byte for byte. Ids are still drawn from the request's own
 * generator, then XORed with masks of the run: a fixed one-to-one map per run, so ids stay unique within
 * a run, and the draws that follow them (the content) are the same whatever the start.
 */
export interface RunIdentity {
  readonly traceMask: Uint8Array;
  readonly spanMask: Uint8Array;
  /** The `service.instance.id` of instance `name` (`service/replica`), a version-4 UUID. */
  instanceId(name: string): string;
}

/** The identity of the run of `seedHash` that starts at `startUs`. */
export function runIdentity(seedHash: Uint8Array, startUs: number): RunIdentity {
  const random = namedRandom(seedHash, `run/${startUs}`);
  return {
    traceMask: random.bytes(16),
    spanMask: random.bytes(8),
    instanceId: (name) => uuid(namedRandom(seedHash, `instance-id/${startUs}/${name}`)),
  };
}

/** A new trace id (16 bytes) of this run, drawn from `random`. */
export function newTraceId(random: Random, identity: RunIdentity): Uint8Array {
  return masked(random.fill(smallBytes(16)), identity.traceMask);
}

/** A new span id (8 bytes) of this run, drawn from `random`. */
export function newSpanId(random: Random, identity: RunIdentity): Uint8Array {
  return masked(random.fill(smallBytes(8)), identity.spanMask);
}

function uuid(random: Random): string {
  const hex = random.hex(32);
  const variant = "89ab"[Number.parseInt(hex[16]!, 16) & 3];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** `id` XOR `mask`, in place; all zeros is not a valid id, so that one case becomes ...01. */
function masked(id: Uint8Array, mask: Uint8Array): Uint8Array {
  let any = 0;
  for (let k = 0; k < id.length; k++) any |= id[k]! ^= mask[k]!;
  if (any === 0) id[id.length - 1] = 1;
  return id;
}
