// The telemetry the engine produces, before encoding. Times are whole microseconds since the Unix epoch: exact
// in a double until the year 2255, and fine enough for span timing; the encoder writes nanoseconds.

/** An OTLP AnyValue. Integers and doubles are told apart explicitly, as the wire format does. */
export type AnyValue =
  | { readonly string: string }
  | { readonly int: number }
  | { readonly double: number }
  | { readonly bool: boolean }
  | { readonly bytes: Uint8Array }
  | { readonly array: readonly AnyValue[] }
  | { readonly kvlist: readonly KeyValue[] };

export interface KeyValue {
  readonly key: string;
  readonly value: AnyValue;
  /**
   * The KeyValue message as the protobuf encoder writes it (its length prefix and body), for attributes
   * that are the same in every record: set by `constantAttribute`, written as it is.
   */
  readonly encoded?: Uint8Array;
}

/** OTLP Status.code: absent status means UNSET. */
export const STATUS_OK = 1;
export const STATUS_ERROR = 2;

/** W3C trace flags: sampled. Everything Dreamweaver emits is sampled. */
export const FLAG_SAMPLED = 1;

export interface EventRecord {
  readonly name: string;
  readonly timeUs: number;
  readonly attributes: readonly KeyValue[];
}

export interface LinkRecord {
  readonly traceId: Uint8Array;
  readonly spanId: Uint8Array;
  readonly attributes: readonly KeyValue[];
  readonly flags: number;
}

export interface SpanRecord {
  /** 16 bytes. */
  readonly traceId: Uint8Array;
  /** 8 bytes. */
  readonly spanId: Uint8Array;
  /** 8 bytes; absent (or undefined) for the root. */
  readonly parentSpanId?: Uint8Array | undefined;
  readonly name: string;
  /** OTLP SpanKind number, 1..5. */
  readonly kind: number;
  readonly startUs: number;
  readonly endUs: number;
  readonly attributes: readonly KeyValue[];
  readonly events: readonly EventRecord[];
  readonly links: readonly LinkRecord[];
  /** Absent (or undefined): UNSET. */
  readonly status?: { readonly code: number; readonly message: string } | undefined;
  readonly flags: number;
  /** The instrumentation library that recorded it; absent: its service's scope. */
  readonly scope?: ScopeRecord;
}

/**
 * A string log body still in the pieces its pattern was rendered from (literals and placeholder values):
 * written as one string, piece after piece, without joining them first.
 */
export interface TextPieces {
  readonly pieces: readonly string[];
}

export interface LogRecord {
  readonly timeUs: number;
  readonly observedUs: number;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: AnyValue | TextPieces;
  readonly attributes: readonly KeyValue[];
  readonly traceId?: Uint8Array;
  readonly spanId?: Uint8Array;
  readonly flags: number;
  readonly eventName?: string;
}

/** The instrumentation scope every record of one service is grouped under. */
export interface ScopeRecord {
  readonly name: string;
  readonly version: string;
  readonly attributes: readonly KeyValue[];
}

export interface ResourceRecord {
  readonly attributes: readonly KeyValue[];
}

export interface ExemplarRecord {
  readonly timeUs: number;
  readonly value: number;
  readonly traceId: Uint8Array;
  readonly spanId: Uint8Array;
  readonly filteredAttributes: readonly KeyValue[];
}

export interface NumberPoint {
  readonly attributes: readonly KeyValue[];
  readonly startUs: number;
  readonly timeUs: number;
  readonly value: { readonly int: number } | { readonly double: number };
  readonly exemplars: readonly ExemplarRecord[];
}

export interface HistogramPoint {
  readonly attributes: readonly KeyValue[];
  readonly startUs: number;
  readonly timeUs: number;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** Explicit upper bounds; bucketCounts has one more entry (the overflow bucket). */
  readonly bounds: readonly number[];
  readonly bucketCounts: readonly number[];
  readonly exemplars: readonly ExemplarRecord[];
}

/** OTLP AggregationTemporality. */
export const TEMPORALITY_DELTA = 1;
export const TEMPORALITY_CUMULATIVE = 2;

export type MetricData =
  | {
    readonly kind: "sum";
    readonly temporality: number;
    readonly monotonic: boolean;
    readonly points: readonly NumberPoint[];
  }
  | { readonly kind: "gauge"; readonly points: readonly NumberPoint[] }
  | { readonly kind: "histogram"; readonly temporality: number; readonly points: readonly HistogramPoint[] };

export interface MetricRecord {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly data: MetricData;
}
