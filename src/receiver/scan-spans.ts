import { spanIdHigh, type SpanIdLow, spanIdLow, traceKey, type TraceKeys } from "./otlp-ids.ts";
import { expectWireType, FIXED32, FIXED64, LEN, ProtoReader, VARINT, wrongWireType } from "../otlp/proto-reader.ts";
import { scanKeyValue, type ScannedResource, scanResource, scanScope, skipString } from "./scan-common.ts";
import type { ReceivedSpans, SpanFacts } from "./trace-check.ts";

/** Status.StatusCode ERROR. */
const STATUS_ERROR = 2;

/**
 * Scans one encoded ResourceSpans (opentelemetry/proto/trace/v1) the way a decoder would read it, refusing
 * anything a decoder refuses (MalformedMessage), but keeping only what the receiver counts and checks:
 * the resource's service.name, and per span its trace and the facts the trace checks need, appended to
 * `spans`.
 */
export function scanResourceSpans(bytes: Uint8Array, spans: ReceivedSpans, keys: TraceKeys): ScannedResource {
  const r = new ProtoReader(bytes);
  const end = bytes.length;
  const first = spans.spans.length;
  let service: string | undefined;
  // The request is depth 1 and this message 2, as a decoder counts for its recursion limit.
  while (r.pos < end) {
    const t = r.tag();
    switch (t >>> 3) {
      case 1:
        expectWireType(t, LEN, "ResourceSpans");
        service = scanResource(r, r.delimited(end), 3, service);
        break;
      case 2:
        expectWireType(t, LEN, "ResourceSpans");
        scanScopeSpans(r, r.delimited(end), spans, keys);
        break;
      case 3:
        expectWireType(t, LEN, "ResourceSpans");
        skipString(r, end);
        break;
      default:
        r.skip(t, end, 2);
    }
  }
  r.end(end);
  return { service, items: spans.spans.length - first };
}

/** ScopeSpans, depth 3: scope 1, spans 2, schema_url 3. */
function scanScopeSpans(r: ProtoReader, end: number, spans: ReceivedSpans, keys: TraceKeys): void {
  while (r.pos < end) {
    const t = r.tag();
    switch (t >>> 3) {
      case 1:
        expectWireType(t, LEN, "ScopeSpans");
        scanScope(r, r.delimited(end), 4);
        break;
      case 2:
        expectWireType(t, LEN, "ScopeSpans");
        spans.spans.push(scanSpan(r, r.delimited(end), spans.traceIds, keys));
        break;
      case 3:
        expectWireType(t, LEN, "ScopeSpans");
        skipString(r, end);
        break;
      default:
        r.skip(t, end, 3);
    }
  }
  r.end(end);
}

/**
 * Span, depth 4; its trace goes to `traceIds`. Ids are taken where a decoder would (the last occurrence)
 * and converted once at the end.
 */
function scanSpan(r: ProtoReader, end: number, traceIds: string[], keys: TraceKeys): SpanFacts {
  let traceStart = 0, traceEnd = 0, spanStart = 0, spanEnd = 0, parentStart = 0, parentEnd = 0;
  let kind = 0, startLow = 0, startHigh = 0, endLow = 0, endHigh = 0, status = 0;
  // Links as trace key, span id triples: whether a link is within the span's trace is known only at the end.
  let links: SpanIdLow[] | undefined;
  while (r.pos < end) {
    // Whole tags (field << 3 | wire type) as cases: spans are most of what is scanned.
    const t = r.tag();
    switch (t) {
      case 0x0a: // trace_id (1, LEN)
        traceEnd = r.delimited(end);
        traceStart = r.pos;
        r.pos = traceEnd;
        break;
      case 0x12: // span_id (2, LEN)
        spanEnd = r.delimited(end);
        spanStart = r.pos;
        r.pos = spanEnd;
        break;
      case 0x22: // parent_span_id (4, LEN)
        parentEnd = r.delimited(end);
        parentStart = r.pos;
        r.pos = parentEnd;
        break;
      case 0x1a: // trace_state (3, LEN)
      case 0x2a: // name (5, LEN)
        skipString(r, end);
        break;
      case 0x30: // kind (6, VARINT), an open enum: any int32
        kind = r.int32();
        break;
      case 0x39: // start_time_unix_nano (7, FIXED64)
        startLow = r.fixed32(end);
        startHigh = r.fixed32(end);
        break;
      case 0x41: // end_time_unix_nano (8, FIXED64)
        endLow = r.fixed32(end);
        endHigh = r.fixed32(end);
        break;
      case 0x4a: // attributes (9, LEN)
        scanKeyValue(r, r.delimited(end), 5);
        break;
      case 0x50: // dropped_attributes_count (10, VARINT)
      case 0x60: // dropped_events_count (12, VARINT)
      case 0x70: // dropped_links_count (14, VARINT)
        r.skipVarint();
        break;
      case 0x5a: // events (11, LEN)
        scanEvent(r, r.delimited(end));
        break;
      case 0x6a: // links (13, LEN)
        links ??= [];
        scanLink(r, r.delimited(end), links);
        break;
      case 0x7a: // status (15, LEN)
        status = scanStatus(r, r.delimited(end));
        break;
      case 0x85: // flags (16, FIXED32)
        r.skipBytes(4, end);
        break;
      default:
        if (t >>> 3 <= 16) throw wrongWireType(t, "Span");
        r.skip(t, end, 4);
    }
  }
  r.end(end);
  const buf = r.buf;
  const traceId = keys.key(buf, traceStart, traceEnd);
  traceIds.push(traceId);
  return {
    idHigh: spanIdHigh(buf, spanStart, spanEnd),
    idLow: spanIdLow(buf, spanStart, spanEnd),
    parentHigh: spanIdHigh(buf, parentStart, parentEnd),
    parentLow: spanIdLow(buf, parentStart, parentEnd),
    kind,
    startHigh,
    startLow,
    endHigh,
    endLow,
    error: status === STATUS_ERROR,
    links: links === undefined ? undefined : linksWithin(traceId, links),
  };
}

/** The span ids (high, low pairs) of the links that point into `traceId`, out of trace, high, low triples. */
function linksWithin(traceId: string, triples: readonly SpanIdLow[]): SpanIdLow[] {
  const within: SpanIdLow[] = [];
  for (let i = 0; i < triples.length; i += 3) {
    if (triples[i] === traceId) within.push(triples[i + 1] ?? 0, triples[i + 2] ?? 0);
  }
  return within;
}

/** Span.Event, depth 5: time_unix_nano 1, name 2, attributes 3, dropped_attributes_count 4. */
function scanEvent(r: ProtoReader, end: number): void {
  while (r.pos < end) {
    const t = r.tag();
    switch (t >>> 3) {
      case 1:
        expectWireType(t, FIXED64, "Span.Event");
        r.skipBytes(8, end);
        break;
      case 2:
        expectWireType(t, LEN, "Span.Event");
        skipString(r, end);
        break;
      case 3:
        expectWireType(t, LEN, "Span.Event");
        scanKeyValue(r, r.delimited(end), 6);
        break;
      case 4:
        expectWireType(t, VARINT, "Span.Event");
        r.skipVarint();
        break;
      default:
        r.skip(t, end, 5);
    }
  }
  r.end(end);
}

/**
 * Span.Link, depth 5: trace_id 1, span_id 2, trace_state 3, attributes 4, dropped_attributes_count 5,
 * flags 6. Appends the link's trace key and span id (high, low) to `triples`.
 */
function scanLink(r: ProtoReader, end: number, triples: SpanIdLow[]): void {
  let traceStart = 0, traceEnd = 0, spanStart = 0, spanEnd = 0;
  while (r.pos < end) {
    const t = r.tag();
    switch (t >>> 3) {
      case 1:
        expectWireType(t, LEN, "Span.Link");
        traceEnd = r.delimited(end);
        traceStart = r.pos;
        r.pos = traceEnd;
        break;
      case 2:
        expectWireType(t, LEN, "Span.Link");
        spanEnd = r.delimited(end);
        spanStart = r.pos;
        r.pos = spanEnd;
        break;
      case 3:
        expectWireType(t, LEN, "Span.Link");
        skipString(r, end);
        break;
      case 4:
        expectWireType(t, LEN, "Span.Link");
        scanKeyValue(r, r.delimited(end), 6);
        break;
      case 5:
        expectWireType(t, VARINT, "Span.Link");
        r.skipVarint();
        break;
      case 6:
        expectWireType(t, FIXED32, "Span.Link");
        r.skipBytes(4, end);
        break;
      default:
        r.skip(t, end, 5);
    }
  }
  r.end(end);
  const buf = r.buf;
  triples.push(
    traceKey(buf, traceStart, traceEnd),
    spanIdHigh(buf, spanStart, spanEnd),
    spanIdLow(buf, spanStart, spanEnd),
  );
}

/** Status, depth 5: message 2, code 3 (field 1 is reserved, so unknown). Returns the code. */
function scanStatus(r: ProtoReader, end: number): number {
  let code = 0;
  while (r.pos < end) {
    const t = r.tag();
    switch (t >>> 3) {
      case 2:
        expectWireType(t, LEN, "Status");
        skipString(r, end);
        break;
      case 3:
        expectWireType(t, VARINT, "Status");
        code = r.int32();
        break;
      default:
        r.skip(t, end, 5);
    }
  }
  r.end(end);
  return code;
}
