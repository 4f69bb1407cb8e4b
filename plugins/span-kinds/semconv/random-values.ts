import type { OperationContext, Random } from "../../../src/index.ts";

// Realistic-looking values drawn in the hot loop: a few uint32 draws each, no regex, no parsing.

/** Eight lowercase hex digits from one draw. */
function hex8(random: Random): string {
  return random.uint32().toString(16).padStart(8, "0");
}

/** A random UUID (version 4, RFC 9562): version nibble 4, variant bits 10. */
export function uuidV4(random: Random): string {
  const a = hex8(random);
  const b = hex8(random);
  const c = random.uint32();
  const variant = (8 | ((c >>> 28) & 3)).toString(16);
  const rest = (c & 0x0fff_ffff).toString(16).padStart(7, "0");
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${rest.slice(0, 3)}-${rest.slice(3)}${hex8(random)}`;
}

/** A public unicast IPv4 address, from one draw: what a client on the internet looks like. */
export function ipv4(random: Pick<Random, "uint32">): string {
  const word = random.uint32();
  let first = ((word >>> 24) % 223) + 1;
  let second = (word >>> 16) & 255;
  // Not loopback, nor private (RFC 1918), nor shared address space (100.64/10).
  if (first === 127 || first === 10) first += 1;
  if (first === 172 && second >= 16 && second <= 31) second += 16;
  if (first === 192 && second === 168) second = 169;
  if (first === 100 && second >= 64 && second <= 127) second -= 64;
  return `${first}.${second}.${(word >>> 8) & 255}.${((word & 255) % 254) + 1}`;
}

/**
 * A private address (RFC 1918) from one draw, as pods and hosts inside one system have: mostly a
 * Kubernetes-style 10.x pod network, some 172.16-31.x and 192.168.x.
 */
export function privateIpv4(random: Pick<Random, "uint32">): string {
  const word = random.uint32();
  const host = `${(word >>> 8) & 255}.${((word & 255) % 254) + 1}`;
  const pick = (word >>> 24) % 10;
  if (pick < 7) return `10.${(word >>> 16) & 15}.${host}`;
  if (pick < 9) return `172.${16 + ((word >>> 16) & 15)}.${host}`;
  return `192.168.${host}`;
}

/** How many clients reach a service at the edge, and how many pods call it or answer for it inside. */
const EDGE_CLIENTS = 1024;
const PODS = 16;

/**
 * `client.address` of calls into a service: at the edge one of its public clients, inside one of the pods
 * that call it. Clients and pods recur, as in production, so a dashboard grouped by client shows regulars.
 */
export function clientAddressFor(context: OperationContext): (random: Random) => string {
  return context.edge ?? (context.callerLanguages === undefined)
    ? pickFrom(addressPool(`clients of ${context.service}`, EDGE_CLIENTS, ipv4))
    : pickFrom(addressPool(`pods calling ${context.service}`, PODS, privateIpv4));
}

/** `network.peer.address` of calls to a service: one of the pods that answer for it. */
export function peerAddressFor(context: OperationContext): (random: Random) => string {
  return pickFrom(addressPool(`pods of ${context.service}`, PODS, privateIpv4));
}

/** One of `addresses`, with one draw (a power-of-two count keeps the pick even). */
function pickFrom(addresses: readonly string[]): (random: Random) => string {
  return (random) => addresses[random.uint32() % addresses.length]!;
}

const pools = new Map<string, readonly string[]>();

/**
 * `size` addresses drawn once by `draw` from a generator seeded with `name` (FNV-1a, then xorshift32): the
 * same name always has the same addresses, in every run, shard and worker. Drawn once rather than per span,
 * each is also made (and made a flat string) once, not in the hot loop.
 */
function addressPool(name: string, size: number, draw: (random: Pick<Random, "uint32">) => string): readonly string[] {
  let addresses = pools.get(name);
  if (addresses === undefined) {
    let state = fnv1a(name) || 1;
    const random = {
      uint32() {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        return state >>> 0;
      },
    };
    addresses = Array.from({ length: size }, () => draw(random));
    pools.set(name, addresses);
  }
  return addresses;
}

/** FNV-1a of `text`'s UTF-16 code units: a stable 32-bit number from a name. */
export function fnv1a(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** The fixed private address of a host named `name`: a database's, whose clients always reach the same one. */
export function addressOf(name: string): string {
  const hash = fnv1a(name);
  return `10.${(hash >>> 24) & 15}.${(hash >>> 8) & 255}.${(hash & 255) % 254 + 1}`;
}

/** A client's ephemeral source port (the Linux default range 32768-60999). */
export function ephemeralPort(random: Random): number {
  return 32768 + (random.uint32() % 28232);
}

/** An integer between min and max whose logarithm is uniform: many small values, a long tail of big ones. */
export function logUniformInt(random: Random, min: number, max: number): number {
  return Math.round(min * Math.pow(max / min, random.float()));
}

/** An item from a list of [weight, item] pairs, compiled once into a cumulative table. */
export function weighted<T>(entries: readonly (readonly [number, T])[]): (random: Random) => T {
  const total = entries.reduce((sum, [weight]) => sum + weight, 0);
  let running = 0;
  const cumulative = entries.map(([weight, item]) => [(running += weight) / total, item] as const);
  return (random) => {
    const u = random.float();
    for (const [limit, item] of cumulative) if (u < limit) return item;
    return cumulative[cumulative.length - 1]![1];
  };
}

/** Words for slugs, usernames and such; plain English so generated paths read naturally. */
export const WORDS: readonly string[] = [
  "alpha",
  "amber",
  "autumn",
  "blue",
  "bright",
  "cedar",
  "classic",
  "coastal",
  "copper",
  "crimson",
  "daily",
  "delta",
  "eastern",
  "echo",
  "forest",
  "golden",
  "harbor",
  "indigo",
  "island",
  "jade",
  "lunar",
  "maple",
  "meadow",
  "metro",
  "midnight",
  "nova",
  "ocean",
  "orchid",
  "pacific",
  "prairie",
  "quartz",
  "river",
  "royal",
  "sierra",
  "silver",
  "spring",
  "summit",
  "sunset",
  "urban",
  "valley",
  "velvet",
  "winter",
];

/** A two-word slug such as `golden-harbor`. */
export function slug(random: Random): string {
  return `${random.pick(WORDS)}-${random.pick(WORDS)}`;
}
