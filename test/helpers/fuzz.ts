// Seeded randomness and the mutations the fuzz tests apply: the same seed gives the same cases on every
// run and runtime, so a failure names a case that can be replayed.

/** A small seeded generator (mulberry32): fuzz cases must not depend on Math.random. */
export class FuzzRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Values that break parsers and checks: wrong types, extremes, odd text. */
export const AWKWARD_VALUES: readonly unknown[] = [
  0,
  -1,
  1,
  0.5,
  -0.000001,
  1e308,
  -1e308,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 53 + 1,
  65536,
  4294967296,
  "",
  " ",
  "0",
  "-1",
  "1e309",
  "NaN",
  "null",
  "💥",
  "ünïcödé ✓",
  "\u202etxet",
  "\u0000",
  "line\nbreak",
  "a".repeat(5000),
  "{ip}",
  "{int:1:1e309}",
  "{int:9:1}",
  "{choice}",
  "{",
  "}",
  "{}",
  "{nope}",
  "100/s",
  "0/s",
  "1e300/s",
  "0.0000001/s",
  "99999999999/h",
  "30000d",
  "366d",
  "1e300ms",
  "1e300s",
  "-5s",
  "0s",
  "0.001s",
  "5m",
  "grpc://localhost:0",
  "http://user:pw@h:1",
  "garbage!!",
  "[::1]:4317",
  "server",
  "client",
  "consumer",
  "histogram",
  "gauge",
  "counter",
  true,
  false,
  null,
  [],
  {},
  [1, "two"],
  { a: 1 },
  { rate: "10/s" },
  { kind: "diurnal" },
];

/** Keys a mutation may add, known and unknown. */
const AWKWARD_KEYS: readonly string[] = [
  "rate",
  "duration",
  "shape",
  "downstream",
  "replicas",
  "base_duration_ms",
  "latency",
  "error_rate",
  "calls",
  "tls",
  "headers",
  "scenarios",
  "traffic",
  "every",
  "ramp",
  "p99",
  "plugins",
  "<<",
  "💥",
  "",
  "0",
];

type Path = (string | number)[];

/** Every path to a value of a parsed YAML document (maps and lists walked into). */
function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => paths(item, [...prefix, i], out));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) paths(item, [...prefix, key], out);
  }
  return out;
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  return node;
}

/** Changes one value of a parsed document in place: deletes, replaces, duplicates, renames or bends it. */
export function mutateData(root: unknown, random: FuzzRandom): void {
  const all = paths(root).filter((path) => path.length > 0);
  if (all.length === 0) return;
  const path = random.pick(all);
  const parent = parentOf(root, path);
  const key = path.at(-1)!;
  const value = parent[key];
  switch (random.int(7)) {
    case 0: // delete
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return;
    case 1: { // replace with an awkward value, half the time one of the same type (which gets further)
      const sameType = AWKWARD_VALUES.filter((awkward) => typeof awkward === typeof value);
      parent[key] = structuredClone(random.pick(random.chance(0.5) && sameType.length > 0 ? sameType : AWKWARD_VALUES));
      return;
    }
    case 2: // duplicate: a list item twice, or a sibling's value here
      if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(value));
      else {
        const siblings = Object.keys(parent);
        parent[key] = structuredClone(parent[random.pick(siblings)]);
      }
      return;
    case 3: // rename a key, or add one
      if (!Array.isArray(parent)) {
        delete parent[key];
        parent[random.chance(0.5) ? random.pick(AWKWARD_KEYS) : `${String(key)}x`] = value;
      } else parent.push(structuredClone(random.pick(AWKWARD_VALUES)));
      return;
    case 4: // bend a number
      parent[key] = typeof value === "number"
        ? random.pick([value * 1e6, -value, value + 0.5, 0, value * 1e300, value / 1e9])
        : random.pick([1e9, -3, 0.25]);
      return;
    case 5: // bend a text
      parent[key] = typeof value === "string"
        ? random.pick([
          value.slice(0, random.int(value.length + 1)),
          `${value}${value}`,
          `${value}💥`,
          value.toUpperCase(),
        ])
        : JSON.stringify(value) ?? "x";
      return;
    default: // swap in another part of the document
      parent[key] = structuredClone(parentOf(root, [...random.pick(all), "x"]));
  }
}

/** Characters that mean something to YAML, and some that mean something to text. */
const SYNTAX = [
  ":",
  "-",
  "[",
  "]",
  "{",
  "}",
  "&a",
  "*a",
  "!",
  "!!int",
  "|",
  ">",
  "%",
  "@",
  "`",
  "#",
  "'",
  '"',
  "\t",
  "\n",
  "?",
  ",",
  "<<: *a",
  "\u0000",
  "\ufeff",
  "💥",
  "\\",
];

/** Damages YAML text: truncates it, deletes or doubles a line, re-indents one, or inserts syntax. */
export function mutateText(text: string, random: FuzzRandom): string {
  const lines = text.split("\n");
  const line = random.int(lines.length);
  switch (random.int(6)) {
    case 0:
      return text.slice(0, random.int(text.length));
    case 1:
      lines.splice(line, 1);
      return lines.join("\n");
    case 2: // a doubled line is a duplicate key or a repeated item
      lines.splice(line, 0, lines[line]!);
      return lines.join("\n");
    case 3:
      lines[line] = random.chance(0.5) ? ` ${lines[line]}` : lines[line]!.replace(/^ {1,2}/, "");
      return lines.join("\n");
    case 4: {
      const at = random.int(text.length + 1);
      return text.slice(0, at) + random.pick(SYNTAX) + text.slice(at);
    }
    default: {
      const at = random.int(text.length);
      return text.slice(0, at) + String.fromCodePoint(random.int(0x3000)) + text.slice(at + 1);
    }
  }
}

/** Damages bytes: truncates, flips bits, inserts, deletes or repeats runs, or inserts awkward bytes. */
export function mutateBytes(bytes: Uint8Array, random: FuzzRandom): Uint8Array {
  let out = bytes;
  for (let round = 1 + random.int(4); round > 0; round--) {
    const at = random.int(out.length + 1);
    switch (random.int(6)) {
      case 0:
        out = out.subarray(0, at);
        break;
      case 1:
        if (at < out.length) {
          out = out.slice();
          out[at] = out[at]! ^ (1 << random.int(8));
        }
        break;
      case 2:
        out = spliced(out, at, 0, Uint8Array.from({ length: 1 + random.int(8) }, () => random.int(256)));
        break;
      case 3:
        out = spliced(out, at, 1 + random.int(16));
        break;
      case 4: // a run repeated: nested lengths that overrun their parents
        out = spliced(out, at, 0, out.slice(at, at + 1 + random.int(64)));
        break;
      default: // a huge varint length, or the bytes of a wrong wire type
        out = spliced(out, at, 0, Uint8Array.from(random.pick(AWKWARD_BYTES)));
    }
  }
  return out;
}

const AWKWARD_BYTES = [[0xff, 0xff, 0xff, 0xff, 0x0f], [0x80, 0x80, 0x80], [0x0a], [0x0f], [0x07]];

/** `bytes` with `deleted` bytes at `at` replaced by `inserted`, as a new array. */
function spliced(bytes: Uint8Array, at: number, deleted: number, inserted = new Uint8Array(0)): Uint8Array {
  const end = Math.min(bytes.length, at + deleted);
  const out = new Uint8Array(at + inserted.length + bytes.length - end);
  out.set(bytes.subarray(0, at));
  out.set(inserted, at);
  out.set(bytes.subarray(end), at + inserted.length);
  return out;
}
