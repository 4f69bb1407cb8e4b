// The floor bench/compare.ts measures the generator against: the least work that puts spans of a given size
// on the wire as OTLP protobuf. A bare byte writer, no records, no randomness beyond the ids: fresh trace and
// span ids from an xorshift generator written straight into one reused buffer, a name, a kind, two fixed64
// timestamps, then string attributes from a fixed pool (each UTF-8 encoded by hand, as the generator's own
// writer does) until the span has the asked size, and the flags. Spans go into ScopeSpans messages of 500.

const BATCH = 500;
const KEYS = [
  "http.request.method",
  "http.route",
  "url.path",
  "server.address",
  "network.peer.address",
  "user_agent.original",
  "db.query.text",
  "messaging.message.id",
];
const VALUES = [
  "GET",
  "/api/orders/{orderId}/items",
  "/api/orders/48213/items",
  "checkout.prod.svc.cluster.local",
  "10.42.7.19",
  "okhttp/4.12.0",
  "SELECT id, total FROM orders WHERE id = $1",
  "4bf92f35-77b3-4da7-a3ce-929d0e0e4736",
];
const NAMES = ["GET /api/orders/{orderId}", "SELECT orders", "publish orders", "POST /api/cart"];

let buf = new Uint8Array(1 << 20);
let pos = 0;
let seed = 0x9e3779b9;

/** Encodes `spans` spans of about `bytesPerSpan` bytes each; returns the bytes written. */
export function writeFloorSpans(spans: number, bytesPerSpan: number): number {
  let total = 0;
  for (let done = 0; done < spans; done += BATCH) {
    pos = 0;
    for (let i = 0; i < Math.min(BATCH, spans - done); i++) span(done + i, bytesPerSpan);
    total += pos;
  }
  return total;
}

function span(index: number, size: number): void {
  ensure(size + 512);
  buf[pos++] = 0x12; // ScopeSpans.spans (2), length-delimited; two bytes kept for the length
  const lengthAt = pos;
  pos += 2;
  const start = pos;
  buf[pos++] = 0x0a; // trace_id
  buf[pos++] = 16;
  for (let i = 0; i < 4; i++) word(next());
  buf[pos++] = 0x12; // span_id
  buf[pos++] = 8;
  word(next());
  word(next());
  buf[pos++] = 0x22; // parent_span_id
  buf[pos++] = 8;
  word(next());
  word(next());
  buf[pos++] = 0x2a; // name
  string(NAMES[index & 3]!);
  buf[pos++] = 0x30; // kind
  buf[pos++] = 2;
  const startNs = 1_767_225_600_000_000_000 + index * 1_000_000;
  buf[pos++] = 0x39; // start_time_unix_nano, fixed64
  fixed64(startNs);
  buf[pos++] = 0x41; // end_time_unix_nano
  fixed64(startNs + 250_000);
  for (let a = 0; pos - start < size - 6; a++) attribute(KEYS[a & 7]!, VALUES[(a + index) & 7]!);
  buf[pos++] = 0x85; // flags (16), fixed32
  buf[pos++] = 0x01;
  word(1);
  const length = pos - start;
  buf[lengthAt] = (length & 127) | 128;
  buf[lengthAt + 1] = length >>> 7;
}

/** A KeyValue (Span.attributes, 9) with a string AnyValue. */
function attribute(key: string, value: string): void {
  buf[pos++] = 0x4a;
  const outer = pos++;
  buf[pos++] = 0x0a;
  string(key);
  buf[pos++] = 0x12;
  const inner = pos++;
  buf[pos++] = 0x0a;
  string(value);
  buf[inner] = pos - inner - 1;
  buf[outer] = pos - outer - 1;
}

/** A length-prefixed ASCII string shorter than 128 bytes, one byte per character. */
function string(value: string): void {
  const n = value.length;
  buf[pos++] = n;
  for (let i = 0; i < n; i++) buf[pos++] = value.charCodeAt(i);
}

/** A fixed64 from a nanosecond timestamp (a double: exactness does not matter for the floor). */
function fixed64(value: number): void {
  const high = Math.floor(value / 0x1_0000_0000);
  word(value - high * 0x1_0000_0000);
  word(high);
}

function word(value: number): void {
  buf[pos++] = value & 255;
  buf[pos++] = (value >>> 8) & 255;
  buf[pos++] = (value >>> 16) & 255;
  buf[pos++] = value >>> 24;
}

function ensure(room: number): void {
  if (pos + room <= buf.length) return;
  const bigger = new Uint8Array(buf.length * 2);
  bigger.set(buf.subarray(0, pos));
  buf = bigger;
}

/** xorshift32. */
function next(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}
