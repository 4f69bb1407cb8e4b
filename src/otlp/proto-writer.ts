// A growable protobuf byte writer for the OTLP hot path. protobuf-es message objects cost an allocation per
// field and a bigint per timestamp; this writes straight into one reused buffer, with plain numbers only.
//
// Integers arrive as JS numbers. 64-bit wire values are written from two 32-bit halves computed with exact
// double arithmetic (division by 2^32 and ToUint32 are exact for safe integers), never with bigint.

import { nativeUtf8Write, utf8Writable } from "../runtime/utf8-write.ts";
import type { BufferPool } from "./buffer-pool.ts";

/** Wire types, as the protobuf encoding spec numbers them. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_31 = 0x8000_0000;
const NS_PER_US = 1000;
const DEFAULT_CAPACITY = 64 * 1024;
// Up to this many bytes a loop copies faster than `set()`, a native call with a fixed cost (pre-encoded
// attributes, mostly 20 to 100 bytes, measured faster by loop under Bun).
const COPY_LOOP_BYTES = 256;

// Shorter ASCII strings are copied by a loop, which beats any native call's fixed cost up to this length.
const SHORT_STRING_UNITS = nativeUtf8Write ? 20 : 42;

const utf8 = new TextEncoder();

/** Bytes a uint32 (or any non-negative safe integer) takes as a varint. */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/**
 * Appends protobuf wire data to a growable buffer. Nested messages are written in place: `beginMessage`
 * reserves a byte (or two) for the length, and `endMessage` resizes it, moving the body with `copyWithin`,
 * when the length needs another size, so the output is canonical protobuf, byte-identical to protobuf-es
 * `toBinary`. Numbers passed to it must be integers in the range each method names.
 *
 * `finish()` returns a copy of the message and empties the writer, so one writer serves any number of
 * messages with one buffer (which only ever grows). Handing out views of the buffer instead measured slower
 * under Bun when every full buffer meant a fresh one (views of the old kept it alive); over a `BufferPool`,
 * whose buffers come back once their views are given back, `finish()` lends views and copies nothing.
 */
export class ProtoWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** `buf` as the runtime's UTF-8 writer wants it (the same memory). */
  private utf8Target: Uint8Array;
  private pos = 0;
  /** Where the message being written starts: 0, except over a pool, where earlier messages stay lent. */
  private start = 0;
  /**
   * For each message begun and not yet ended, where its length goes: the position for one reserved byte, its
   * complement (negative) for two. A typed array and a depth, so nesting costs no push/pop and no allocation.
   */
  private open: Int32Array = new Int32Array(32);
  private depth = 0;

  /** @param pool where buffers come from when `finish()` should lend views rather than copy. */
  constructor(initialCapacity: number = DEFAULT_CAPACITY, private readonly pool?: BufferPool) {
    this.buf = pool ? pool.take(initialCapacity) : new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.utf8Target = utf8Writable(this.buf);
  }

  /** Bytes written since the last `finish()` or `reset()`. */
  get length(): number {
    return this.pos - this.start;
  }

  /** Discards everything written since the last `finish()`, keeping the buffer. */
  reset(): void {
    this.pos = this.start;
    this.depth = 0;
  }

  /**
   * The bytes written, after which the writer is empty again: a copy, or over a pool a view lent from it,
   * valid until it is given back (`BufferPool.giveBack`).
   */
  finish(): Uint8Array {
    if (this.depth !== 0) throw new Error(`ProtoWriter.finish: ${this.depth} message(s) not ended`);
    const pool = this.pool;
    if (pool === undefined) {
      const out = this.buf.slice(0, this.pos);
      this.pos = 0;
      return out;
    }
    const out = this.buf.subarray(this.start, this.pos);
    pool.lend(out);
    this.start = this.pos;
    // The next message starts in a buffer with room for it, most likely, rather than moving there half-way.
    if (this.buf.length - this.pos < pool.minRoom) this.moveTo(pool.take(pool.bufferBytes));
    return out;
  }

  /** A field key: field number and wire type. */
  tag(fieldNumber: number, wireType: number): void {
    const key = (fieldNumber << 3) | wireType;
    // Fields 1 to 15 have one-byte keys; this is the most frequent write of all.
    if (key < 128) {
      if (this.pos + 1 > this.buf.length) this.grow(1);
      this.buf[this.pos++] = key;
      return;
    }
    this.uint32(key >>> 0);
  }

  /** A varint from an integer in [0, 2^32). */
  uint32(value: number): void {
    if (this.pos + 5 > this.buf.length) this.grow(5);
    const buf = this.buf;
    let pos = this.pos;
    while (value > 127) {
      buf[pos++] = (value & 127) | 128;
      value >>>= 7;
    }
    buf[pos++] = value;
    this.pos = pos;
  }

  /** A varint from a non-negative safe integer (up to 2^53). */
  uint53(value: number): void {
    if (value < TWO_POW_31) {
      this.uint32(value);
      return;
    }
    if (this.pos + 8 > this.buf.length) this.grow(8);
    const buf = this.buf;
    let pos = this.pos;
    // `& 127` goes through ToInt32, which keeps the low bits exactly; the division by 128 is exact.
    while (value >= TWO_POW_31) {
      buf[pos++] = (value & 127) | 128;
      value = Math.floor(value / 128);
    }
    this.pos = pos;
    this.uint32(value);
  }

  /** An int64 varint from a safe integer: negative values take ten bytes (two's complement), as in protobuf. */
  int64(value: number): void {
    if (value >= 0) {
      if (value < TWO_POW_31) this.uint32(value);
      else this.uint53(value);
      return;
    }
    this.varint64(value >>> 0, Math.floor(value / TWO_POW_32) >>> 0);
  }

  bool(value: boolean): void {
    this.uint32(value ? 1 : 0);
  }

  fixed32(value: number): void {
    if (this.pos + 4 > this.buf.length) this.grow(4);
    this.word(value);
  }

  /** A fixed64 from a non-negative safe integer. */
  fixed64(value: number): void {
    this.halves(value >>> 0, Math.floor(value / TWO_POW_32) >>> 0);
  }

  /** An sfixed64 from a safe integer; negative values in two's complement. */
  sfixed64(value: number): void {
    this.halves(value >>> 0, Math.floor(value / TWO_POW_32) >>> 0);
  }

  /**
   * A fixed64 nanosecond timestamp from non-negative microseconds. The nanosecond value passes 2^53 (any date after 1970-04),
   * so `us * 1000` as a double would round; each 32-bit half of the microseconds is scaled separately and the
   * low half's overflow carried into the high half, which is exact for microseconds up to 2^53. `extraNs`
   * (0-999) is added to the nanoseconds.
   */
  fixed64MicrosAsNanos(us: number, extraNs = 0): void {
    const high = Math.floor(us / TWO_POW_32);
    const lowNs = (us - high * TWO_POW_32) * NS_PER_US + extraNs;
    const carry = Math.floor(lowNs / TWO_POW_32);
    this.halves(lowNs - carry * TWO_POW_32, high * NS_PER_US + carry);
  }

  /** A little-endian IEEE 754 float64. */
  double(value: number): void {
    if (this.pos + 8 > this.buf.length) this.grow(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** Length-prefixed bytes (a `bytes` field's value). */
  bytes(value: Uint8Array): void {
    this.uint32(value.length);
    this.raw(value);
  }

  /** Bytes as they are, without a length: pre-encoded wire data. */
  raw(value: Uint8Array): void {
    const n = value.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    const pos = this.pos;
    // Ids and pre-encoded attributes are short enough for the loop.
    if (n <= COPY_LOOP_BYTES) {
      for (let i = 0; i < n; i++) buf[pos + i] = value[i]!;
    } else {
      buf.set(value, pos);
    }
    this.pos = pos + n;
  }

  /** A length-prefixed UTF-8 string. Lone surrogates become U+FFFD, as with TextEncoder. */
  string(value: string): void {
    const n = value.length;
    if (n > SHORT_STRING_UNITS) {
      this.utf8String(value);
      return;
    }
    // Most strings here are short ASCII (keys, names, ids): one byte each, so the one-byte length is known
    // before they are copied. By hand, since encodeInto costs a native call and a subarray per string.
    if (this.pos + 1 + n > this.buf.length) this.grow(1 + n);
    const buf = this.buf;
    let pos = this.pos + 1;
    for (let i = 0; i < n; i++) {
      const unit = value.charCodeAt(i);
      if (unit >= 128) {
        this.utf8String(value);
        return;
      }
      buf[pos++] = unit;
    }
    buf[this.pos] = n;
    this.pos = pos;
  }

  /**
   * Starts a length-delimited field holding a nested message; close it with `endMessage()`. `lengthBytes` is the
   * room kept for the length: 1 suits most messages, 2 saves moving the body of messages usually 128 bytes to
   * 16 KiB long (spans). Either way `endMessage()` makes the prefix canonical.
   */
  beginMessage(fieldNumber: number, lengthBytes: 1 | 2 = 1): void {
    this.tag(fieldNumber, WIRE_LEN);
    this.beginLength(lengthBytes);
  }

  /**
   * A length-prefixed UTF-8 string written from `pieces`, one after another: the bytes of the joined string,
   * without joining them. Pieces are almost always ASCII; at the first that is not (it might end half of a
   * surrogate pair whose other half starts the next piece), what was written is dropped and the pieces are
   * joined and written as one string.
   */
  stringPieces(pieces: readonly string[]): void {
    // Relative to `start`, which stays valid when the writer moves to a bigger buffer.
    const mark = this.pos - this.start;
    this.beginLength(1);
    for (let i = 0; i < pieces.length; i++) {
      if (!this.piece(pieces[i]!)) {
        this.depth--;
        this.pos = this.start + mark;
        this.string(pieces.join(""));
        return;
      }
    }
    this.endMessage();
  }

  /** Keeps room for a length that `endMessage()` writes. */
  private beginLength(lengthBytes: 1 | 2): void {
    if (this.pos + lengthBytes > this.buf.length) this.grow(lengthBytes);
    if (this.depth === this.open.length) this.open = growStack(this.open);
    this.open[this.depth++] = lengthBytes === 1 ? this.pos : ~this.pos;
    this.pos += lengthBytes;
  }

  /**
   * One piece of a string, without a length: a short one by a loop when it is ASCII, a long one by the runtime's
   * UTF-8 writer when its ends are not surrogates (only there can a piece differ from the same text joined).
   * False, having written part of it, when it cannot be written on its own.
   */
  private piece(value: string): boolean {
    const n = value.length;
    if (this.pos + 3 * n > this.buf.length) this.grow(3 * n);
    if (n > SHORT_STRING_UNITS) {
      if (isSurrogate(value.charCodeAt(0)) || isSurrogate(value.charCodeAt(n - 1))) return false;
      this.pos += nativeUtf8Write
        ? nativeUtf8Write(this.utf8Target, value, this.pos)
        : utf8.encodeInto(value, this.buf.subarray(this.pos)).written;
      return true;
    }
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) {
      const unit = value.charCodeAt(i);
      if (unit >= 128) return false;
      buf[pos++] = unit;
    }
    this.pos = pos;
    return true;
  }

  /** Ends the innermost open message, writing its length. */
  endMessage(): void {
    if (this.depth === 0) throw new Error("ProtoWriter.endMessage: no message begun");
    const mark = this.open[--this.depth]!;
    const reserved = mark >= 0 ? 1 : 2;
    const lengthPos = mark >= 0 ? mark : ~mark;
    const length = this.pos - lengthPos - reserved;
    if (reserved === 1 && length < 128) {
      this.buf[lengthPos] = length;
    } else if (reserved === 2 && length >= 128 && length < 16_384) {
      this.buf[lengthPos] = (length & 127) | 128;
      this.buf[lengthPos + 1] = length >>> 7;
    } else {
      this.resizePrefix(lengthPos, length, reserved);
    }
  }

  /**
   * Any string: room for its longest UTF-8, a length prefix the size its ASCII length needs (almost always right),
   * the UTF-8 by the runtime, then the body moved in the rare case the prefix needs another size.
   */
  private utf8String(value: string): void {
    const maxBytes = 3 * value.length;
    const room = varintSize(maxBytes) + maxBytes;
    if (this.pos + room > this.buf.length) this.grow(room);
    const lengthPos = this.pos;
    const reserved = varintSize(value.length);
    const bodyPos = lengthPos + reserved;
    const written = nativeUtf8Write
      ? nativeUtf8Write(this.utf8Target, value, bodyPos)
      : utf8.encodeInto(value, this.buf.subarray(bodyPos)).written;
    const needed = varintSize(written);
    if (needed !== reserved) this.buf.copyWithin(lengthPos + needed, bodyPos, bodyPos + written);
    this.pos = lengthPos;
    this.uint32(written);
    this.pos += written;
  }

  /** Rewrites the length prefix at `lengthPos` (now `reserved` bytes) to its canonical size, moving the body. */
  private resizePrefix(lengthPos: number, length: number, reserved: number): void {
    const needed = varintSize(length);
    if (this.pos + needed - reserved > this.buf.length) this.grow(needed - reserved);
    const bodyStart = lengthPos + reserved;
    this.buf.copyWithin(lengthPos + needed, bodyStart, this.pos);
    this.pos = lengthPos;
    this.uint32(length);
    this.pos += length;
  }

  /** A varint of at least 2^28 from its 32-bit halves (the first four bytes always continue). */
  private varint64(low: number, high: number): void {
    if (this.pos + 10 > this.buf.length) this.grow(10);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < 4; i++) {
      buf[pos++] = (low & 127) | 128;
      low >>>= 7;
    }
    // Bits 28..34 straddle the halves.
    const middle = (low & 15) | ((high & 7) << 4);
    high >>>= 3;
    if (high === 0) {
      buf[pos++] = middle;
    } else {
      buf[pos++] = middle | 128;
      while (high > 127) {
        buf[pos++] = (high & 127) | 128;
        high >>>= 7;
      }
      buf[pos++] = high;
    }
    this.pos = pos;
  }

  private halves(low: number, high: number): void {
    if (this.pos + 8 > this.buf.length) this.grow(8);
    this.word(low);
    this.word(high);
  }

  /** Four little-endian bytes; the caller has reserved them. */
  private word(value: number): void {
    const buf = this.buf;
    const pos = this.pos;
    buf[pos] = value & 255;
    buf[pos + 1] = (value >>> 8) & 255;
    buf[pos + 2] = (value >>> 16) & 255;
    buf[pos + 3] = (value >>> 24) & 255;
    this.pos = pos + 4;
  }

  /** Doubles the buffer (or more) so that `needed` more bytes fit; over a pool, moves to another buffer. */
  private grow(needed: number): void {
    if (this.pool !== undefined) {
      this.moveTo(this.pool.take(2 * (this.pos - this.start + needed)));
      return;
    }
    let capacity = this.buf.length * 2;
    while (capacity < this.pos + needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
    this.utf8Target = utf8Writable(next);
  }

  /**
   * Continues in `next`, a buffer from the pool: the message written so far moves to its start (with the
   * positions of its open length prefixes), and the old buffer is retired, to be reused once given back.
   */
  private moveTo(next: Uint8Array): void {
    const shift = this.start;
    next.set(this.buf.subarray(shift, this.pos));
    for (let i = 0; i < this.depth; i++) {
      const mark = this.open[i]!;
      this.open[i] = mark >= 0 ? mark - shift : ~(~mark - shift);
    }
    this.pool!.retire(this.buf);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
    this.utf8Target = utf8Writable(next);
    this.pos -= shift;
    this.start = 0;
  }
}

function isSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdfff;
}

function growStack(stack: Int32Array): Int32Array {
  const next = new Int32Array(stack.length * 2);
  next.set(stack);
  return next;
}
