import {
  checkDepth,
  expectWireType,
  LEN,
  MalformedMessage,
  type ProtoReader,
  VARINT,
  wrongWireType,
} from "../otlp/proto-reader.ts";
import { isValidUtf8 } from "./valid-utf8.ts";

// Scanners of the OTLP common messages (opentelemetry/proto/common/v1 and resource/v1). Each one walks a
// message that ends at `end`, checks every field it knows for its wire type (and strings for UTF-8, as a
// proto3 decoder does), skips unknown fields, and leaves the reader at `end`. `depth` is the message's
// nesting from the export request (the request is 1), for the decoder's recursion limit.

/** What the receiver keeps of one ResourceSpans or ResourceLogs besides the items' own facts. */
export interface ScannedResource {
  /** The first string-valued `service.name` resource attribute, if any. */
  readonly service: string | undefined;
  /** Spans or log records in it. */
  readonly items: number;
}

/** Skips a proto3 `string` field, refusing it when it is not UTF-8. */
export function skipString(r: ProtoReader, limit: number): void {
  const end = r.delimited(limit);
  if (!isValidUtf8(r.buf, r.pos, end, r.view)) throw invalidUtf8();
  r.pos = end;
}

/**
 * What `scanKeyValue` saw of one attribute, when asked: where its key is, which case of AnyValue its value
 * ended up with (the AnyValue field number, 0 for none) and, for a string, where the string is.
 */
export class AttributeProbe {
  keyStart = 0;
  keyEnd = 0;
  valueCase = 0;
  stringStart = 0;
  stringEnd = 0;

  reset(): void {
    this.keyStart =
      this.keyEnd =
      this.valueCase =
      this.stringStart =
      this.stringEnd =
        0;
  }
}

/**
 * KeyValue: key 1, value 2, key_strindex 3. With a probe, records the key and the value as a decoder would
 * end up with them: the last key wins, and values given twice merge.
 */
export function scanKeyValue(r: ProtoReader, end: number, depth: number, probe?: AttributeProbe): void {
  checkDepth(depth);
  while (r.pos < end) {
    // Whole tags (field << 3 | wire type) as cases: attributes are most of what is scanned.
    const t = r.tag();
    switch (t) {
      case 0x0a: { // key (1, LEN)
        const keyEnd = r.delimited(end);
        if (!isValidUtf8(r.buf, r.pos, keyEnd, r.view)) throw invalidUtf8();
        if (probe !== undefined) {
          probe.keyStart = r.pos;
          probe.keyEnd = keyEnd;
        }
        r.pos = keyEnd;
        break;
      }
      case 0x12: // value (2, LEN)
        scanAnyValue(r, r.delimited(end), depth + 1, probe);
        break;
      case 0x18: // key_strindex (3, VARINT)
        r.skipVarint();
        break;
      default:
        if (t >>> 3 <= 3) throw wrongWireType(t, "KeyValue");
        r.skip(t, end, depth);
    }
  }
  r.end(end);
}

/** AnyValue, a oneof: string 1, bool 2, int 3, double 4, array 5, kvlist 6, bytes 7, string_value_strindex 8. */
export function scanAnyValue(r: ProtoReader, end: number, depth: number, probe?: AttributeProbe): void {
  checkDepth(depth);
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case 0x0a: { // string_value (1, LEN)
        const stringEnd = r.delimited(end);
        if (!isValidUtf8(r.buf, r.pos, stringEnd, r.view)) throw invalidUtf8();
        if (probe !== undefined) {
          probe.stringStart = r.pos;
          probe.stringEnd = stringEnd;
        }
        r.pos = stringEnd;
        break;
      }
      case 0x10: // bool_value (2, VARINT)
      case 0x18: // int_value (3, VARINT)
      case 0x40: // string_value_strindex (8, VARINT)
        r.skipVarint();
        break;
      case 0x21: // double_value (4, FIXED64)
        r.skipBytes(8, end);
        break;
      case 0x2a: // array_value (5, LEN)
        scanRepeated(r, r.delimited(end), depth + 1, scanAnyValue, "ArrayValue");
        break;
      case 0x32: // kvlist_value (6, LEN)
        scanRepeated(r, r.delimited(end), depth + 1, scanKeyValue, "KeyValueList");
        break;
      case 0x3a: // bytes_value (7, LEN)
        r.skipDelimited(end);
        break;
      default:
        if (t >>> 3 <= 8) throw wrongWireType(t, "AnyValue");
        r.skip(t, end, depth);
        continue;
    }
    // Every field AnyValue defines is a case of its oneof: the last one read is the value.
    if (probe !== undefined) probe.valueCase = t >>> 3;
  }
  r.end(end);
}

/** ArrayValue and KeyValueList: a message whose only field, 1, is a repeated message. */
function scanRepeated(
  r: ProtoReader,
  end: number,
  depth: number,
  scanItem: (r: ProtoReader, end: number, depth: number) => void,
  message: string,
): void {
  checkDepth(depth);
  while (r.pos < end) {
    const t = r.tag();
    if (t >>> 3 === 1) {
      expectWireType(t, LEN, message);
      scanItem(r, r.delimited(end), depth + 1);
    } else r.skip(t, end, depth);
  }
  r.end(end);
}

/** InstrumentationScope: name 1, version 2, attributes 3, dropped_attributes_count 4. */
export function scanScope(r: ProtoReader, end: number, depth: number): void {
  while (r.pos < end) {
    const t = r.tag();
    switch (t >>> 3) {
      case 1:
      case 2:
        expectWireType(t, LEN, "InstrumentationScope");
        skipString(r, end);
        break;
      case 3:
        expectWireType(t, LEN, "InstrumentationScope");
        scanKeyValue(r, r.delimited(end), depth + 1);
        break;
      case 4:
        expectWireType(t, VARINT, "InstrumentationScope");
        r.skipVarint();
        break;
      default:
        r.skip(t, end, depth);
    }
  }
  r.end(end);
}

const SERVICE_NAME = new TextEncoder().encode("service.name");
const utf8 = new TextDecoder();

/**
 * Resource: attributes 1, dropped_attributes_count 2, entity_refs 3. Returns `serviceName` when it is set
 * already, otherwise the first string-valued `service.name` attribute, if any. Decoders merge a resource
 * given twice, which keeps all attributes in order, so the caller passes on what an earlier one found.
 */
export function scanResource(
  r: ProtoReader,
  end: number,
  depth: number,
  serviceName: string | undefined,
): string | undefined {
  let found = serviceName;
  const probe = new AttributeProbe();
  while (r.pos < end) {
    const t = r.tag();
    switch (t >>> 3) {
      case 1: {
        expectWireType(t, LEN, "Resource");
        const attributeEnd = r.delimited(end);
        if (found !== undefined) {
          scanKeyValue(r, attributeEnd, depth + 1);
          break;
        }
        probe.reset();
        scanKeyValue(r, attributeEnd, depth + 1, probe);
        if (probe.valueCase === 1 && bytesEqual(r.buf, probe.keyStart, probe.keyEnd, SERVICE_NAME)) {
          found = utf8.decode(r.buf.subarray(probe.stringStart, probe.stringEnd));
        }
        break;
      }
      case 2:
        expectWireType(t, VARINT, "Resource");
        r.skipVarint();
        break;
      case 3:
        expectWireType(t, LEN, "Resource");
        scanEntityRef(r, r.delimited(end), depth + 1);
        break;
      default:
        r.skip(t, end, depth);
    }
  }
  r.end(end);
  return found;
}

/** EntityRef: schema_url 1, type 2, id_keys 3, description_keys 4, all strings. */
function scanEntityRef(r: ProtoReader, end: number, depth: number): void {
  while (r.pos < end) {
    const t = r.tag();
    const field = t >>> 3;
    if (field >= 1 && field <= 4) {
      expectWireType(t, LEN, "EntityRef");
      skipString(r, end);
    } else r.skip(t, end, depth);
  }
  r.end(end);
}

function bytesEqual(buf: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (buf[start + i] !== expected[i]) return false;
  return true;
}

function invalidUtf8(): MalformedMessage {
  return new MalformedMessage("invalid UTF-8 in a string field");
}
