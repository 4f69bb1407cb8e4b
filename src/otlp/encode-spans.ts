// Span messages (opentelemetry/proto/trace/v1/trace.proto), fields in field-number order.
import type { EventRecord, LinkRecord, ScopeRecord, SpanRecord } from "../telemetry/records.ts";
import {
  beginResourceEnvelope,
  endResourceEnvelope,
  writeBytesField,
  writeFixed32Field,
  writeIntField,
  writeKeyValues,
  writeScope,
  writeStringField,
  writeTimeField,
} from "./encode-common.ts";
import type { ProtoWriter } from "./proto-writer.ts";

/**
 * One ResourceSpans message: the pre-encoded Resource, then one ScopeSpans per instrumentation scope: the
 * spans' own (`SpanRecord.scope`), else `scope`, in order of first appearance. `schemaUrl` becomes
 * ResourceSpans.schema_url (omitted when empty). Returns a copy; `writer` is left empty.
 */
export function encodeResourceSpans(
  writer: ProtoWriter,
  resourceBytes: Uint8Array,
  scope: ScopeRecord,
  spans: readonly SpanRecord[],
  schemaUrl: string = "",
): Uint8Array {
  const groups = byScope(spans, scope);
  beginResourceEnvelope(writer, resourceBytes, groups[0]![0]);
  for (let g = 0; g < groups.length; g++) {
    const [groupScope, list] = groups[g]!;
    if (g > 0) {
      writer.endMessage();
      writer.beginMessage(2);
      writeScope(writer, 1, groupScope);
    }
    for (let i = 0; i < list.length; i++) writeSpan(writer, list[i]!);
  }
  return endResourceEnvelope(writer, schemaUrl);
}

/** Spans grouped by scope name and version, groups and spans in order of first appearance. */
function byScope(
  spans: readonly SpanRecord[],
  fallback: ScopeRecord,
): (readonly [ScopeRecord, readonly SpanRecord[]])[] {
  // Mostly one scope per resource and batch: found out without building any list.
  const first = spans.length > 0 ? spans[0]!.scope ?? fallback : fallback;
  let same = 1;
  while (same < spans.length && (spans[same]!.scope ?? fallback) === first) same++;
  if (same >= spans.length) return [[first, spans]];
  // A resource has a few scopes, whose records are shared: a short list searched by identity is fastest.
  const groups: [ScopeRecord, SpanRecord[]][] = [];
  let last: [ScopeRecord, SpanRecord[]] | undefined;
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    const scope = span.scope ?? fallback;
    if (last === undefined || last[0] !== scope) {
      last = undefined;
      for (let g = 0; g < groups.length && last === undefined; g++) {
        const known = groups[g]![0];
        if (known === scope || (known.name === scope.name && known.version === scope.version)) last = groups[g];
      }
      if (last === undefined) groups.push(last = [scope, []]);
    }
    last[1].push(span);
  }
  return groups.length === 1 ? [[groups[0]![0], spans]] : groups;
}

/** A Span as ScopeSpans.spans (2). */
function writeSpan(writer: ProtoWriter, span: SpanRecord): void {
  // Ids, times and a few attributes already pass 127 bytes.
  writer.beginMessage(2, 2);
  writeBytesField(writer, 1, span.traceId);
  writeBytesField(writer, 2, span.spanId);
  writeBytesField(writer, 4, span.parentSpanId);
  writeStringField(writer, 5, span.name);
  writeIntField(writer, 6, span.kind);
  writeTimeField(writer, 7, span.startUs);
  writeTimeField(writer, 8, span.endUs);
  writeKeyValues(writer, 9, span.attributes);
  const events = span.events;
  for (let i = 0; i < events.length; i++) writeEvent(writer, events[i]!);
  const links = span.links;
  for (let i = 0; i < links.length; i++) writeLink(writer, links[i]!);
  const status = span.status;
  if (status !== undefined) {
    // Status has explicit presence: present-but-default is still framed, as protobuf-es does.
    writer.beginMessage(15);
    writeStringField(writer, 2, status.message);
    writeIntField(writer, 3, status.code);
    writer.endMessage();
  }
  // flags is field 16, so it goes last although the .proto declares it after parent_span_id.
  writeFixed32Field(writer, 16, span.flags);
  writer.endMessage();
}

function writeEvent(writer: ProtoWriter, event: EventRecord): void {
  writer.beginMessage(11);
  writeTimeField(writer, 1, event.timeUs);
  writeStringField(writer, 2, event.name);
  writeKeyValues(writer, 3, event.attributes);
  writer.endMessage();
}

function writeLink(writer: ProtoWriter, link: LinkRecord): void {
  writer.beginMessage(13);
  writeBytesField(writer, 1, link.traceId);
  writeBytesField(writer, 2, link.spanId);
  writeKeyValues(writer, 4, link.attributes);
  writeFixed32Field(writer, 6, link.flags);
  writer.endMessage();
}
