import { type Span, Span_SpanKind } from "../gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import { idHex } from "./otlp-ids.ts";
import { Tally } from "./tally.ts";

/** What the trace checks count, each with the sentence the human report prints for it. */
export const TRACE_VIOLATIONS = {
  tracesWithoutRoot: "traces without a root span",
  tracesWithSeveralRoots: "traces with more than one root span",
  orphanSpans: "spans whose parent was not received",
  spansOutsideParent: "spans outside their parent's time range",
  consumersNotLinked: "consumer spans starting before their producer or not linked to it",
  spansEndingBeforeStart: "spans ending before they start",
  duplicateSpans: "spans received more than once",
  logsWithUnknownSpan: "log records pointing at a span not received",
} as const;

export type TraceViolation = keyof typeof TRACE_VIOLATIONS;

/** Counts of the trace checks; every field but `checked` and `finalizedEarly` is a violation count. */
export type TraceChecks = { checked: number; finalizedEarly: number } & Record<TraceViolation, number>;

export interface TraceCheckOptions {
  /** A trace is checked once no span or log record has arrived for it for this long. */
  readonly idleMs: number;
  /** Bounds memory: past this many open traces the least recently active one is checked early. */
  readonly maxOpenTraces: number;
}

/** Just what the checks need of a span; the rest of it is dropped as soon as it is counted. */
interface SpanFacts {
  readonly parent: string;
  readonly start: bigint;
  readonly end: bigint;
  readonly kind: Span_SpanKind;
  /** Span ids this span links to within its own trace; only a consumer's link to its producer matters. */
  readonly links: readonly string[] | undefined;
}

interface OpenTrace {
  readonly spans: Map<string, SpanFacts>;
  /** Span ids that log records of this trace point at. */
  readonly logSpans: string[];
  lastSeen: number;
}

/**
 * Checks the shape of every trace with bounded memory: it keeps compact facts per open trace and
 * checks a trace when it goes idle (or when memory runs short), then forgets it.
 */
export class TraceCheck {
  // Map order doubles as recency order: a trace is moved to the end whenever it is touched, so idle
  // and eviction candidates are always at the front.
  readonly #open = new Map<string, OpenTrace>();
  readonly #tally = new Tally(Object.keys(TRACE_VIOLATIONS) as TraceViolation[]);
  #checked = 0;
  #finalizedEarly = 0;

  constructor(readonly options: TraceCheckOptions) {}

  /** Number of traces waiting to be checked. */
  get openTraces(): number {
    return this.#open.size;
  }

  addSpan(span: Span, now: number): void {
    const traceId = idHex(span.traceId);
    const trace = this.#touch(traceId, now);
    const spanId = idHex(span.spanId);
    if (trace.spans.has(spanId)) {
      this.#tally.add("duplicateSpans", traceId);
      return;
    }
    trace.spans.set(spanId, {
      parent: idHex(span.parentSpanId),
      start: span.startTimeUnixNano,
      end: span.endTimeUnixNano,
      kind: span.kind,
      links: span.links.length === 0 ? undefined : linksWithin(traceId, span),
    });
  }

  /** Records that a log record points at (traceId, spanId); records without trace context are not checked. */
  addLogRecord(traceId: Uint8Array, spanId: Uint8Array, now: number): void {
    const trace = idHex(traceId);
    const span = idHex(spanId);
    if (trace === "" || span === "") return;
    this.#touch(trace, now).logSpans.push(span);
  }

  /** Checks every trace that has been idle for `idleMs`. */
  sweep(now: number): void {
    for (const [traceId, trace] of this.#open) {
      if (now - trace.lastSeen < this.options.idleMs) break;
      this.#finalize(traceId, trace);
    }
  }

  /** Checks every open trace now, whether or not more of it might still arrive. */
  finalizeAll(): void {
    for (const [traceId, trace] of this.#open) this.#finalize(traceId, trace);
  }

  checks(): TraceChecks {
    return { checked: this.#checked, finalizedEarly: this.#finalizedEarly, ...this.#tally.counts() };
  }

  violations(): number {
    return this.#tally.total();
  }

  /** Up to three trace ids (hex) per violation found. */
  examples(): Partial<Record<TraceViolation, string[]>> {
    return this.#tally.examples();
  }

  #touch(traceId: string, now: number): OpenTrace {
    let trace = this.#open.get(traceId);
    if (trace === undefined) {
      trace = { spans: new Map(), logSpans: [], lastSeen: now };
      this.#open.set(traceId, trace);
      this.#evictOverflow();
    } else if (trace.lastSeen !== now) {
      trace.lastSeen = now;
      this.#open.delete(traceId);
      this.#open.set(traceId, trace);
    }
    return trace;
  }

  #evictOverflow(): void {
    for (const [traceId, trace] of this.#open) {
      if (this.#open.size <= this.options.maxOpenTraces) return;
      this.#finalizedEarly++;
      this.#finalize(traceId, trace);
    }
  }

  #finalize(traceId: string, trace: OpenTrace): void {
    this.#open.delete(traceId);
    if (trace.spans.size > 0) this.#checkSpans(traceId, trace.spans);
    for (const spanId of trace.logSpans) {
      if (!trace.spans.has(spanId)) this.#tally.add("logsWithUnknownSpan", traceId);
    }
  }

  #checkSpans(traceId: string, spans: ReadonlyMap<string, SpanFacts>): void {
    this.#checked++;
    let roots = 0;
    for (const span of spans.values()) {
      if (span.end < span.start) this.#tally.add("spansEndingBeforeStart", traceId);
      if (span.parent === "") {
        roots++;
        continue;
      }
      const parent = spans.get(span.parent);
      if (parent === undefined) this.#tally.add("orphanSpans", traceId);
      else if (isAsyncConsumer(span, parent)) {
        if (span.start < parent.start || !span.links?.includes(span.parent)) {
          this.#tally.add("consumersNotLinked", traceId);
        }
      } else if (span.start < parent.start || span.end > parent.end) this.#tally.add("spansOutsideParent", traceId);
    }
    if (roots === 0) this.#tally.add("tracesWithoutRoot", traceId);
    if (roots > 1) this.#tally.add("tracesWithSeveralRoots", traceId);
  }
}

function linksWithin(traceId: string, span: Span): string[] {
  return span.links.filter((link) => idHex(link.traceId) === traceId).map((link) => idHex(link.spanId));
}

/** A consumer legitimately starts after its producer ends and outlives it: the message waits in a queue. */
function isAsyncConsumer(span: SpanFacts, parent: SpanFacts): boolean {
  return span.kind === Span_SpanKind.CONSUMER && parent.kind === Span_SpanKind.PRODUCER;
}
