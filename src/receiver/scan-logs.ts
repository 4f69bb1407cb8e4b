import { isAbsentSpanId, spanIdHigh, spanIdLow, type TraceKeys } from "./otlp-ids.ts";
import { expectWireType, LEN, ProtoReader, wrongWireType } from "../otlp/proto-reader.ts";
import type { ReceivedLogTargets } from "./trace-check.ts";
import {
  scanAnyValue,
  scanKeyValue,
  type ScannedResource,
  scanResource,
  scanScope,
  skipString,
} from "./scan-common.ts";

/**
 * Scans one encoded ResourceLogs (opentelemetry/proto/logs/v1) the way a decoder would read it, refusing
 * anything a decoder refuses (MalformedMessage), but keeping only what the receiver counts and checks: the
 * resource's service.name, and for each log record with trace context its trace and span id, appended to
 * `targets`. Records without trace context are counted, not checked.
 */
export function scanResourceLogs(bytes: Uint8Array, targets: ReceivedLogTargets, keys: TraceKeys): ScannedResource {
  const r = new ProtoReader(bytes);
  const end = bytes.length;
  let records = 0;
  let service: string | undefined;
  // The request is depth 1 and this message 2, as a decoder counts for its recursion limit.
  while (r.pos < end) {
    const t = r.tag();
    switch (t >>> 3) {
      case 1:
        expectWireType(t, LEN, "ResourceLogs");
        service = scanResource(r, r.delimited(end), 3, service);
        break;
      case 2:
        expectWireType(t, LEN, "ResourceLogs");
        records += scanScopeLogs(r, r.delimited(end), targets, keys);
        break;
      case 3:
        expectWireType(t, LEN, "ResourceLogs");
        skipString(r, end);
        break;
      default:
        r.skip(t, end, 2);
    }
  }
  r.end(end);
  return { service, items: records };
}

/** ScopeLogs, depth 3: scope 1, log_records 2, schema_url 3. Returns how many log records it holds. */
function scanScopeLogs(r: ProtoReader, end: number, targets: ReceivedLogTargets, keys: TraceKeys): number {
  let records = 0;
  while (r.pos < end) {
    const t = r.tag();
    switch (t >>> 3) {
      case 1:
        expectWireType(t, LEN, "ScopeLogs");
        scanScope(r, r.delimited(end), 4);
        break;
      case 2:
        expectWireType(t, LEN, "ScopeLogs");
        scanLogRecord(r, r.delimited(end), targets, keys);
        records++;
        break;
      case 3:
        expectWireType(t, LEN, "ScopeLogs");
        skipString(r, end);
        break;
      default:
        r.skip(t, end, 3);
    }
  }
  r.end(end);
  return records;
}

/**
 * LogRecord, depth 4: time_unix_nano 1, severity_number 2, severity_text 3, body 5, attributes 6,
 * dropped_attributes_count 7, flags 8, trace_id 9, span_id 10, observed_time_unix_nano 11, event_name 12
 * (4 is reserved, so unknown).
 */
function scanLogRecord(r: ProtoReader, end: number, targets: ReceivedLogTargets, keys: TraceKeys): void {
  let traceStart = 0, traceEnd = 0, spanStart = 0, spanEnd = 0;
  while (r.pos < end) {
    // Whole tags (field << 3 | wire type) as cases: log records are most of what a logs request holds.
    const t = r.tag();
    switch (t) {
      case 0x09: // time_unix_nano (1, FIXED64)
      case 0x59: // observed_time_unix_nano (11, FIXED64)
        r.skipBytes(8, end);
        break;
      case 0x10: // severity_number (2, VARINT)
      case 0x38: // dropped_attributes_count (7, VARINT)
        r.skipVarint();
        break;
      case 0x1a: // severity_text (3, LEN)
      case 0x62: // event_name (12, LEN)
        skipString(r, end);
        break;
      case 0x2a: // body (5, LEN)
        scanAnyValue(r, r.delimited(end), 5);
        break;
      case 0x32: // attributes (6, LEN)
        scanKeyValue(r, r.delimited(end), 5);
        break;
      case 0x45: // flags (8, FIXED32)
        r.skipBytes(4, end);
        break;
      case 0x4a: // trace_id (9, LEN)
        traceEnd = r.delimited(end);
        traceStart = r.pos;
        r.pos = traceEnd;
        break;
      case 0x52: // span_id (10, LEN)
        spanEnd = r.delimited(end);
        spanStart = r.pos;
        r.pos = spanEnd;
        break;
      default:
        if (t >>> 3 <= 12 && t >>> 3 !== 4) throw wrongWireType(t, "LogRecord");
        r.skip(t, end, 4);
    }
  }
  r.end(end);
  const buf = r.buf;
  const high = spanIdHigh(buf, spanStart, spanEnd);
  const low = spanIdLow(buf, spanStart, spanEnd);
  if (isAbsentSpanId(high, low)) return;
  const trace = keys.key(buf, traceStart, traceEnd);
  if (trace === "") return;
  targets.traceIds.push(trace);
  targets.spanHighs.push(high);
  targets.spanLows.push(low);
}
