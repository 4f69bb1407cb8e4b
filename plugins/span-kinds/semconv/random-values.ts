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
export function ipv4(random: Random): string {
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
export function privateIpv4(random: Random): string {
  const word = random.uint32();
  const host = `${(word >>> 8) & 255}.${((word & 255) % 254) + 1}`;
  const pick = (word >>> 24) % 10;
  if (pick < 7) return `10.${(word >>> 16) & 15}.${host}`;
  if (pick < 9) return `172.${16 + ((word >>> 16) & 15)}.${host}`;
  return `192.168.${host}`;
}

/** `client.address` of calls into a service: public addresses at the edge, private ones inside. */
export function clientAddressFor(context: OperationContext): (random: Random) => string {
  return context.edge ?? (context.callerLanguages === undefined) ? ipv4 : privateIpv4;
}

/** The fixed private address of a host named `name`: a database's, whose clients always reach the same one. */
export function addressOf(name: string): string {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
  hash >>>= 0;
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
