// Messages every OTLP signal shares (AnyValue, KeyValue, InstrumentationScope, the Resource* envelope) and the
// field helpers the signal encoders use. Fields go out in field-number order and proto3 zero values are left
// out, because that is what protobuf-es `toBinary` does and the encoders are tested byte for byte against it.
import { mix32 } from "../plugin-host/random.ts";
import type { AnyValue, KeyValue, ScopeRecord } from "../telemetry/records.ts";
import { type ProtoWriter, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from "./proto-writer.ts";

/** A string field with implicit presence: omitted when empty. */
export function writeStringField(writer: ProtoWriter, fieldNumber: number, value: string): void {
  if (value === "") return;
  writer.tag(fieldNumber, WIRE_LEN);
  writer.string(value);
}

/** A bytes field with implicit presence: omitted when absent or empty. */
export function writeBytesField(writer: ProtoWriter, fieldNumber: number, value: Uint8Array | undefined): void {
  if (value === undefined || value.length === 0) return;
  writer.tag(fieldNumber, WIRE_LEN);
  writer.bytes(value);
}

/** An int32/enum/uint32 varint field with implicit presence: omitted when zero. */
export function writeIntField(writer: ProtoWriter, fieldNumber: number, value: number): void {
  if (value === 0) return;
  writer.tag(fieldNumber, WIRE_VARINT);
  // int64 rather than uint32: a negative enum or int32 is a ten-byte varint on the wire.
  writer.int64(value);
}

/** A fixed32 field with implicit presence: omitted when zero. */
export function writeFixed32Field(writer: ProtoWriter, fieldNumber: number, value: number): void {
  if (value === 0) return;
  writer.tag(fieldNumber, WIRE_FIXED32);
  writer.fixed32(value);
}

/**
 * A fixed64 `*_unix_nano` field from microseconds, omitted when zero. The engine keeps time in whole
 * microseconds (a double holds no finer fraction of today's epoch microseconds exactly); the nanoseconds
 * below them are filled in by `subMicrosecondNs`, so timestamps do not sit on a microsecond grid.
 */
export function writeTimeField(writer: ProtoWriter, fieldNumber: number, us: number): void {
  if (us === 0) return;
  writer.tag(fieldNumber, WIRE_FIXED64);
  const whole = Math.floor(us);
  writer.fixed64MicrosAsNanos(whole, subMicrosecondNs(whole));
}

/**
 * The nanoseconds (0-999) under whole microsecond `us`: a hash of `us` alone, so it is deterministic, equal
 * times stay equal and the order of different times is kept (a span still starts after its parent and
 * ends inside it, an exemplar still carries its span's end).
 */
export function subMicrosecondNs(us: number): number {
  const lo = us >>> 0;
  const hi = Math.floor(us / 0x1_0000_0000) >>> 0;
  return mix32(lo ^ mix32(hi ^ 0x9e3779b9)) % 1000;
}

/** A repeated KeyValue field. */
export function writeKeyValues(writer: ProtoWriter, fieldNumber: number, values: readonly KeyValue[]): void {
  for (let i = 0; i < values.length; i++) writeKeyValue(writer, fieldNumber, values[i]!);
}

/** A KeyValue message as field `fieldNumber`. */
export function writeKeyValue(writer: ProtoWriter, fieldNumber: number, kv: KeyValue): void {
  const { encoded } = kv;
  if (encoded !== undefined) {
    writer.tag(fieldNumber, WIRE_LEN);
    writer.raw(encoded);
    return;
  }
  writer.beginMessage(fieldNumber);
  writeStringField(writer, 1, kv.key);
  writer.beginMessage(2);
  // Strings and ints are most attributes: writing them here keeps the common path clear of the recursion
  // through arrays and kvlists (measured faster under Bun than always calling writeAnyValueBody).
  const value = kv.value;
  if ("string" in value) {
    writer.tag(1, WIRE_LEN);
    writer.string(value.string);
  } else if ("int" in value) {
    writer.tag(3, WIRE_VARINT);
    writer.int64(value.int);
  } else {
    writeAnyValueBody(writer, value);
  }
  writer.endMessage();
  writer.endMessage();
}

/** An AnyValue message as field `fieldNumber`. */
export function writeAnyValue(writer: ProtoWriter, fieldNumber: number, value: AnyValue): void {
  writer.beginMessage(fieldNumber);
  writeAnyValueBody(writer, value);
  writer.endMessage();
}

/**
 * The fields of an AnyValue. The value is a oneof member, so it is written even when it is a zero value
 * (0, "", false): that is how a receiver tells an empty string from no value.
 */
export function writeAnyValueBody(writer: ProtoWriter, value: AnyValue): void {
  // Ordered by how common each kind is in attributes.
  if ("string" in value) {
    writer.tag(1, WIRE_LEN);
    writer.string(value.string);
  } else if ("int" in value) {
    writer.tag(3, WIRE_VARINT);
    writer.int64(value.int);
  } else if ("double" in value) {
    writer.tag(4, WIRE_FIXED64);
    writer.double(value.double);
  } else if ("bool" in value) {
    writer.tag(2, WIRE_VARINT);
    writer.bool(value.bool);
  } else if ("bytes" in value) {
    writer.tag(7, WIRE_LEN);
    writer.bytes(value.bytes);
  } else if ("array" in value) {
    writeArrayValue(writer, value.array);
  } else {
    writer.beginMessage(6);
    writeKeyValues(writer, 1, value.kvlist);
    writer.endMessage();
  }
}

function writeArrayValue(writer: ProtoWriter, values: readonly AnyValue[]): void {
  writer.beginMessage(5);
  for (let i = 0; i < values.length; i++) writeAnyValue(writer, 1, values[i]!);
  writer.endMessage();
}

/** An InstrumentationScope message as field `fieldNumber`. */
export function writeScope(writer: ProtoWriter, fieldNumber: number, scope: ScopeRecord): void {
  writer.beginMessage(fieldNumber);
  writeStringField(writer, 1, scope.name);
  writeStringField(writer, 2, scope.version);
  writeKeyValues(writer, 3, scope.attributes);
  writer.endMessage();
}

/**
 * Starts a ResourceSpans/ResourceLogs/ResourceMetrics message, which share a layout: resource (1), one
 * Scope* message (2) holding the scope (1) and the records (2, written by the caller), schema_url (3).
 * The writer is reset first: it is scratch space, and `endResourceEnvelope` returns all of it.
 */
export function beginResourceEnvelope(writer: ProtoWriter, resourceBytes: Uint8Array, scope: ScopeRecord): void {
  writer.reset();
  // The Resource message has explicit presence, so it is framed even when empty.
  writer.tag(1, WIRE_LEN);
  writer.bytes(resourceBytes);
  writer.beginMessage(2);
  writeScope(writer, 1, scope);
}

/** Ends the message `beginResourceEnvelope` started and returns its bytes (the writer is empty again). */
export function endResourceEnvelope(writer: ProtoWriter, schemaUrl: string): Uint8Array {
  writer.endMessage();
  writeStringField(writer, 3, schemaUrl);
  return writer.finish();
}
