// Metric messages (opentelemetry/proto/metrics/v1/metrics.proto), fields in field-number order.
import type { ExemplarRecord, HistogramPoint, MetricRecord, NumberPoint, ScopeRecord } from "../telemetry/records.ts";
import {
  beginResourceEnvelope,
  endResourceEnvelope,
  writeBytesField,
  writeIntField,
  writeKeyValues,
  writeStringField,
  writeTimeField,
} from "./encode-common.ts";
import { type ProtoWriter, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from "./proto-writer.ts";

/**
 * One ResourceMetrics message: the pre-encoded Resource, then a single ScopeMetrics with `scope` and `metrics`.
 * `schemaUrl` becomes ResourceMetrics.schema_url (omitted when empty). Returns a copy; `writer` is left empty.
 */
export function encodeResourceMetrics(
  writer: ProtoWriter,
  resourceBytes: Uint8Array,
  scope: ScopeRecord,
  metrics: readonly MetricRecord[],
  schemaUrl: string = "",
): Uint8Array {
  beginResourceEnvelope(writer, resourceBytes, scope);
  for (let i = 0; i < metrics.length; i++) writeMetric(writer, metrics[i]!);
  return endResourceEnvelope(writer, schemaUrl);
}

/** A Metric as ScopeMetrics.metrics (2). */
function writeMetric(writer: ProtoWriter, metric: MetricRecord): void {
  writer.beginMessage(2);
  writeStringField(writer, 1, metric.name);
  writeStringField(writer, 2, metric.description);
  writeStringField(writer, 3, metric.unit);
  // The data oneof: gauge 5, sum 7, histogram 9. A oneof member is framed even when it has no points.
  const data = metric.data;
  if (data.kind === "gauge") {
    writer.beginMessage(5);
    writeNumberPoints(writer, data.points);
    writer.endMessage();
  } else if (data.kind === "sum") {
    writer.beginMessage(7);
    writeNumberPoints(writer, data.points);
    writeIntField(writer, 2, data.temporality);
    if (data.monotonic) {
      writer.tag(3, WIRE_VARINT);
      writer.bool(true);
    }
    writer.endMessage();
  } else {
    writer.beginMessage(9);
    for (let i = 0; i < data.points.length; i++) writeHistogramPoint(writer, data.points[i]!);
    writeIntField(writer, 2, data.temporality);
    writer.endMessage();
  }
  writer.endMessage();
}

/** NumberDataPoints as Gauge/Sum.data_points (1). */
function writeNumberPoints(writer: ProtoWriter, points: readonly NumberPoint[]): void {
  for (let i = 0; i < points.length; i++) {
    const point = points[i]!;
    writer.beginMessage(1);
    writeTimeField(writer, 2, point.startUs);
    writeTimeField(writer, 3, point.timeUs);
    // The value oneof straddles exemplars (5): as_double is 4, as_int is 6.
    const value = point.value;
    if ("double" in value) {
      writer.tag(4, WIRE_FIXED64);
      writer.double(value.double);
    }
    writeExemplars(writer, 5, point.exemplars);
    if ("int" in value) {
      writer.tag(6, WIRE_FIXED64);
      writer.sfixed64(value.int);
    }
    writeKeyValues(writer, 7, point.attributes);
    writer.endMessage();
  }
}

/** A HistogramDataPoint as Histogram.data_points (1). */
function writeHistogramPoint(writer: ProtoWriter, point: HistogramPoint): void {
  writer.beginMessage(1);
  writeTimeField(writer, 2, point.startUs);
  writeTimeField(writer, 3, point.timeUs);
  if (point.count !== 0) {
    writer.tag(4, WIRE_FIXED64);
    writer.fixed64(point.count);
  }
  // sum, min and max are `optional`: explicit presence, so written even when zero.
  writeDoubleField(writer, 5, point.sum);
  writePackedFixed64(writer, 6, point.bucketCounts);
  writePackedDouble(writer, 7, point.bounds);
  writeExemplars(writer, 8, point.exemplars);
  writeKeyValues(writer, 9, point.attributes);
  writeDoubleField(writer, 11, point.min);
  writeDoubleField(writer, 12, point.max);
  writer.endMessage();
}

function writeExemplars(writer: ProtoWriter, fieldNumber: number, exemplars: readonly ExemplarRecord[]): void {
  for (let i = 0; i < exemplars.length; i++) {
    const exemplar = exemplars[i]!;
    writer.beginMessage(fieldNumber);
    writeTimeField(writer, 2, exemplar.timeUs);
    writeDoubleField(writer, 3, exemplar.value);
    writeBytesField(writer, 4, exemplar.spanId);
    writeBytesField(writer, 5, exemplar.traceId);
    writeKeyValues(writer, 7, exemplar.filteredAttributes);
    writer.endMessage();
  }
}

/** A double field with explicit presence (optional or oneof member): always written. */
function writeDoubleField(writer: ProtoWriter, fieldNumber: number, value: number): void {
  writer.tag(fieldNumber, WIRE_FIXED64);
  writer.double(value);
}

/** Repeated scalars are packed in proto3; an empty list is left out. */
function writePackedFixed64(writer: ProtoWriter, fieldNumber: number, values: readonly number[]): void {
  if (values.length === 0) return;
  writer.tag(fieldNumber, WIRE_LEN);
  writer.uint32(8 * values.length);
  for (let i = 0; i < values.length; i++) writer.fixed64(values[i]!);
}

function writePackedDouble(writer: ProtoWriter, fieldNumber: number, values: readonly number[]): void {
  if (values.length === 0) return;
  writer.tag(fieldNumber, WIRE_LEN);
  writer.uint32(8 * values.length);
  for (let i = 0; i < values.length; i++) writer.double(values[i]!);
}
