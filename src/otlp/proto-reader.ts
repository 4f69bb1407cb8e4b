/** Protobuf wire types. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const START_GROUP = 3;
export const END_GROUP = 4;
export const FIXED32 = 5;

/** Nested messages deeper than this are refused, as protobuf-es refuses them (its default recursion limit). */
export const MAX_DEPTH = 100;

/** A message that is not valid protobuf; the request carrying it is refused. */
export class MalformedMessage extends Error {
  override readonly name = "MalformedMessage";
}

/**
 * A cursor over protobuf wire data that reads values in place, without building message objects.
 * Every read is bounds-checked and every malformation (truncation, a varint longer than ten bytes, an
 * illegal tag or wire type, a group that does not end) throws MalformedMessage, so a scan either
 * reads a valid message or refuses it, like a decoder. Where a message ends is the caller's business:
 * `delimited` hands out the end of a length-delimited field and `end` checks that a scan stopped there.
 */
export class ProtoReader {
  pos = 0;
  /** The same bytes as `buf`, for reading several at a time. */
  readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** The next tag, `field << 3 | wireType`, with a legal field number and wire type. */
  tag(): number {
    const first = this.buf[this.pos];
    // A legal one-byte tag (fields 1-15): nearly every tag of OTLP. Small, so that it is inlined.
    if (first !== undefined && first < 0x80 && first >= 8 && (first & 7) < 6) {
      this.pos++;
      return first;
    }
    return this.#longTag();
  }

  #longTag(): number {
    const buf = this.buf;
    const start = this.pos;
    const tag = this.uint32();
    if (this.pos - start > 5 || (this.pos - start === 5 && (buf[this.pos - 1] ?? 0) > 0x0f)) {
      throw new MalformedMessage("illegal tag: varint overflows uint32");
    }
    if (tag >>> 3 === 0 || (tag & 7) > 5) throw illegalTag(tag);
    return tag;
  }

  /** A varint's low 32 bits as an unsigned number (lengths, tags, uint32 fields). */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    let byte = buf[pos++] ?? 0;
    let value = byte & 0x7f;
    if (byte >= 0x80) {
      byte = buf[pos++] ?? 0;
      value |= (byte & 0x7f) << 7;
      if (byte >= 0x80) {
        byte = buf[pos++] ?? 0;
        value |= (byte & 0x7f) << 14;
        if (byte >= 0x80) {
          byte = buf[pos++] ?? 0;
          value |= (byte & 0x7f) << 21;
          if (byte >= 0x80) {
            byte = buf[pos++] ?? 0;
            value |= (byte & 0x0f) << 28;
            // Bits past 32 are dropped, as protobuf does when a uint32 or int32 is read from an int64.
            for (let count = 5; byte >= 0x80; count++) {
              if (count === 10) throw new MalformedMessage("invalid varint: longer than 10 bytes");
              byte = buf[pos++] ?? 0;
            }
          }
        }
      }
    }
    this.pos = pos;
    if (pos > buf.length) throw truncated();
    return value >>> 0;
  }

  /** A varint's low 32 bits as a signed number (int32 and enum fields). */
  int32(): number {
    return this.uint32() | 0;
  }

  /** A varint as a signed 64-bit number (int64 fields); exact within ±2^53, as numbers are. */
  int64(): number {
    const buf = this.buf;
    let pos = this.pos;
    let byte = 0x80;
    let low = 0;
    for (let shift = 0; shift < 28 && byte >= 0x80; shift += 7) {
      byte = buf[pos++] ?? 0;
      low |= (byte & 0x7f) << shift;
    }
    let high = 0;
    if (byte >= 0x80) {
      // The fifth byte straddles the halves: four bits to the low one, three to the high one.
      byte = buf[pos++] ?? 0;
      low |= (byte & 0x0f) << 28;
      high = (byte & 0x70) >> 4;
      for (let shift = 3; byte >= 0x80; shift += 7) {
        if (shift > 31) throw new MalformedMessage("invalid varint: longer than 10 bytes");
        byte = buf[pos++] ?? 0;
        high |= (byte & 0x7f) << shift;
      }
    }
    this.pos = pos;
    if (pos > buf.length) throw truncated();
    return (high | 0) * 0x1_0000_0000 + (low >>> 0);
  }

  skipVarint(): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let count = 1; (buf[pos++] ?? 0) >= 0x80; count++) {
      if (count === 10) throw new MalformedMessage("invalid varint: longer than 10 bytes");
    }
    this.pos = pos;
    if (pos > buf.length) throw truncated();
  }

  /** Four little-endian bytes as an unsigned number; a fixed64 is two of them, low half first. */
  fixed32(limit: number): number {
    const buf = this.buf;
    const pos = this.pos;
    if (pos + 4 > limit) throw truncated();
    this.pos = pos + 4;
    return ((buf[pos] ?? 0) | (buf[pos + 1] ?? 0) << 8 | (buf[pos + 2] ?? 0) << 16 | (buf[pos + 3] ?? 0) << 24) >>> 0;
  }

  /**
   * Reads the length of a length-delimited field and returns where its content ends; the cursor is then at
   * its start. The content must fit in the enclosing message, which ends at `limit`.
   */
  delimited(limit: number): number {
    const length = this.uint32();
    const end = this.pos + length;
    if (end > limit) throw truncated();
    return end;
  }

  /** Moves past a length-delimited field's content. */
  skipDelimited(limit: number): void {
    this.pos = this.delimited(limit);
  }

  /** Skips a field of any wire type; `depth` is the nesting of the message it is in (groups nest too). */
  skip(tag: number, limit: number, depth: number): void {
    switch (tag & 7) {
      case VARINT:
        this.skipVarint();
        break;
      case FIXED64:
        this.skipBytes(8, limit);
        break;
      case LEN:
        this.skipDelimited(limit);
        break;
      case FIXED32:
        this.skipBytes(4, limit);
        break;
      case START_GROUP:
        this.#skipGroup(tag >>> 3, limit, depth + 1);
        break;
      default:
        throw new MalformedMessage(`unexpected end-group tag for field ${tag >>> 3}`);
    }
  }

  /** Checks that a message's fields ended exactly where its length said it would. */
  end(end: number): void {
    if (this.pos !== end) throw new MalformedMessage("premature end of message: a field overruns it");
  }

  skipBytes(count: number, limit: number): void {
    if (this.pos + count > limit) throw truncated();
    this.pos += count;
  }

  #skipGroup(field: number, limit: number, depth: number): void {
    if (depth > MAX_DEPTH) throw tooDeep();
    for (;;) {
      if (this.pos >= limit) throw truncated();
      const tag = this.tag();
      if ((tag & 7) === END_GROUP) {
        if (tag >>> 3 !== field) throw new MalformedMessage("invalid end group tag");
        return;
      }
      this.skip(tag, limit, depth);
    }
  }
}

/** Throws when a message sits deeper than MAX_DEPTH. */
export function checkDepth(depth: number): void {
  if (depth > MAX_DEPTH) throw tooDeep();
}

/**
 * Refuses a field the schema defines when it comes with another wire type than its type has. (A decoder
 * would read it as its type anyway and misread what follows; refusing says what went wrong instead.)
 */
export function expectWireType(tag: number, wireType: number, message: string): void {
  if ((tag & 7) !== wireType) throw wrongWireType(tag, message);
}

export function wrongWireType(tag: number, message: string): MalformedMessage {
  return new MalformedMessage(`${message} field ${tag >>> 3}: unexpected wire type ${tag & 7}`);
}

function truncated(): MalformedMessage {
  return new MalformedMessage("premature EOF");
}

function tooDeep(): MalformedMessage {
  return new MalformedMessage(`maximum recursion depth of ${MAX_DEPTH} reached`);
}

function illegalTag(tag: number): MalformedMessage {
  return new MalformedMessage(`illegal tag: field no ${tag >>> 3} wire type ${tag & 7}`);
}
