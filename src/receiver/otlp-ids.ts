// OTLP trace and span ids, read in place from encoded messages into forms that are cheap to keep and to
// compare. An all-zero id is invalid in OTLP and means "no id" to receivers, so it is absent like an empty
// one. Ids of a length OTLP does not allow are kept too, distinct from every other id, as a decoder keeps
// them. Hex is only for reports.

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/**
 * A map key for the trace id in `buf[start, end)`, "" when absent: a 16-byte id as 8 UTF-16 code units
 * (two bytes each), any other length as "#" and its hex, which has odd length, so the two never meet.
 */
export function traceKey(buf: Uint8Array, start: number, end: number): string {
  if (isZero(buf, start, end)) return "";
  if (end - start !== 16) return `#${hex(buf, start, end)}`;
  const pair = (offset: number) => (buf[start + offset] ?? 0) << 8 | (buf[start + offset + 1] ?? 0);
  return String.fromCharCode(pair(0), pair(2), pair(4), pair(6), pair(8), pair(10), pair(12), pair(14));
}

/** The trace id behind a `traceKey`, as lower-case hex ("" stays ""). */
export function traceKeyHex(key: string): string {
  if (key.length !== 8) return key.slice(1);
  let out = "";
  for (let i = 0; i < key.length; i++) {
    const unit = key.charCodeAt(i);
    out += (HEX[unit >> 8] ?? "") + (HEX[unit & 0xff] ?? "");
  }
  return out;
}

/**
 * A span id is kept as two values, compared pairwise, so that no string is made per span: an 8-byte id
 * as its big-endian halves (`spanIdHigh`, `spanIdLow`, two uint32s), an absent one as 0 and 0, and any
 * other length as -1 and "#" plus its hex.
 */
export type SpanIdLow = number | string;

export function spanIdHigh(buf: Uint8Array, start: number, end: number): number {
  if (end - start === 8) return uint32(buf, start);
  return isZero(buf, start, end) ? 0 : -1;
}

export function spanIdLow(buf: Uint8Array, start: number, end: number): SpanIdLow {
  if (end - start === 8) return uint32(buf, start + 4);
  return isZero(buf, start, end) ? 0 : `#${hex(buf, start, end)}`;
}

/** Whether a span id (as `spanIdHigh`, `spanIdLow`) is absent. */
export function isAbsentSpanId(high: number, low: SpanIdLow): boolean {
  return high === 0 && low === 0;
}

function uint32(buf: Uint8Array, at: number): number {
  return ((buf[at] ?? 0) << 24 | (buf[at + 1] ?? 0) << 16 | (buf[at + 2] ?? 0) << 8 | (buf[at + 3] ?? 0)) >>> 0;
}

function isZero(buf: Uint8Array, start: number, end: number): boolean {
  let bits = 0;
  for (let i = start; i < end; i++) bits |= buf[i] ?? 0;
  return bits === 0;
}

function hex(buf: Uint8Array, start: number, end: number): string {
  let out = "";
  for (let i = start; i < end; i++) out += HEX[buf[i] ?? 0] ?? "";
  return out;
}

/** A trace id seen in the last this many distinct ones is looked up instead of made anew. */
const INTERNED_TRACE_KEYS = 100_000;

/**
 * Makes `traceKey`s, handing out the same string for a trace id seen recently. A trace's id comes with
 * each of its spans and log records, in several requests; one string per trace instead of one per item
 * saves the allocation, and map lookups with it reuse the hash the string keeps. A cached key is checked
 * against the id's bytes, so a hash collision only costs a fresh string.
 */
export class TraceKeys {
  readonly #recent = new Map<number, string>();

  key(buf: Uint8Array, start: number, end: number): string {
    if (end - start !== 16) return traceKey(buf, start, end);
    // 32 bits of the id, random, as a small integer: a map keyed by int32 hashes faster than by double. Two ids
    // sharing them only cost a fresh string (the key is checked against the id).
    const hash = uint32(buf, start) | 0;
    const cached = this.#recent.get(hash);
    if (cached !== undefined && isKeyOf(cached, buf, start)) return cached;
    const key = traceKey(buf, start, end);
    if (cached === undefined) {
      // Forgetting everything now and then is simpler than tracking recency, and as good for this.
      if (this.#recent.size >= INTERNED_TRACE_KEYS) this.#recent.clear();
      this.#recent.set(hash, key);
    }
    return key;
  }
}

/** Whether `key` is the `traceKey` of the 16-byte id at `buf[start]`. */
function isKeyOf(key: string, buf: Uint8Array, start: number): boolean {
  if (key.length !== 8) return false;
  for (let i = 0; i < 8; i++) {
    if (key.charCodeAt(i) !== ((buf[start + 2 * i] ?? 0) << 8 | (buf[start + 2 * i + 1] ?? 0))) return false;
  }
  return true;
}
