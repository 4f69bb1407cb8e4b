// LogRecord messages (opentelemetry/proto/logs/v1/logs.proto), fields in field-number order.
import type { LogRecord, ScopeRecord } from "../telemetry/records.ts";
import {
  beginResourceEnvelope,
  endResourceEnvelope,
  writeAnyValue,
  writeBytesField,
  writeFixed32Field,
  writeIntField,
  writeKeyValues,
  writeStringField,
  writeTimeField,
} from "./encode-common.ts";
import { type ProtoWriter, WIRE_LEN } from "./proto-writer.ts";

/**
 * One ResourceLogs message: the pre-encoded Resource, then a single ScopeLogs with `scope` and `logs`.
 * `schemaUrl` becomes ResourceLogs.schema_url (omitted when empty). Returns a copy; `writer` is left empty.
 */
export function encodeResourceLogs(
  writer: ProtoWriter,
  resourceBytes: Uint8Array,
  scope: ScopeRecord,
  logs: readonly LogRecord[],
  schemaUrl: string = "",
): Uint8Array {
  beginResourceEnvelope(writer, resourceBytes, scope);
  for (let i = 0; i < logs.length; i++) writeLogRecord(writer, logs[i]!);
  return endResourceEnvelope(writer, schemaUrl);
}

/** A LogRecord as ScopeLogs.log_records (2). */
function writeLogRecord(writer: ProtoWriter, log: LogRecord): void {
  writer.beginMessage(2);
  writeTimeField(writer, 1, log.timeUs);
  writeIntField(writer, 2, log.severityNumber);
  writeStringField(writer, 3, log.severityText);
  // body has explicit presence (a message), so it is written whatever it holds.
  const { body } = log;
  if ("pieces" in body) {
    // An AnyValue holding a string_value (1): the same bytes as the joined string's.
    writer.beginMessage(5);
    writer.tag(1, WIRE_LEN);
    writer.stringPieces(body.pieces);
    writer.endMessage();
  } else {
    writeAnyValue(writer, 5, body);
  }
  writeKeyValues(writer, 6, log.attributes);
  writeFixed32Field(writer, 8, log.flags);
  writeBytesField(writer, 9, log.traceId);
  writeBytesField(writer, 10, log.spanId);
  writeTimeField(writer, 11, log.observedUs);
  writeStringField(writer, 12, log.eventName ?? "");
  writer.endMessage();
}
