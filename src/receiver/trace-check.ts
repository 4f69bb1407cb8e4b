import { Span_SpanKind } from "../gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import { isAbsentSpanId, type SpanIdLow, traceKeyHex } from "./otlp-ids.ts";
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
  /**
   * Bounds memory whatever the traces' size: past this many spans and log records held for open traces
   * together, the least recently active traces are checked early.
   */
  readonly maxOpenItems: number;
}

/**
 * Just what the checks need of a span; the rest of it is never decoded. Span ids are pairs of values as
 * `spanIdHigh` and `spanIdLow` make them (absent: 0, 0). Times are unsigned 64-bit nanoseconds as 32-bit
 * halves: exact, unlike one number, and without a bigint per timestamp.
 */
export interface SpanFacts {
  readonly idHigh: number;
  readonly idLow: SpanIdLow;
  readonly parentHigh: number;
  readonly parentLow: SpanIdLow;
  readonly kind: Span_SpanKind;
  readonly startHigh: number;
  readonly startLow: number;
  readonly endHigh: number;
  readonly endLow: number;
  /** The span's status is ERROR. */
  readonly error: boolean;
  /**
   * Span ids this span links to within its own trace, as high, low pairs one after the other; only a
   * consumer's link to its producer matters.
   */
  readonly links: readonly SpanIdLow[] | undefined;
}

/** The spans of one export request: `traceIds[i]` (a `traceKey`) is the trace of `spans[i]`. */
export interface ReceivedSpans {
  readonly traceIds: string[];
  readonly spans: SpanFacts[];
}

/** The log records of one export request that have trace context: trace (a `traceKey`) and span id of each. */
export interface ReceivedLogTargets {
  readonly traceIds: string[];
  readonly spanHighs: number[];
  readonly spanLows: SpanIdLow[];
}

interface OpenTrace {
  /** In arrival order, duplicates included: the first of equal ids counts, as it arrived first. */
  readonly spans: SpanFacts[];
  /** Span ids that log records of this trace point at: high and low halves. */
  readonly logHighs: number[];
  readonly logLows: SpanIdLow[];
  lastSeen: number;
  /** When the trace took its place in the map's order: lastSeen or earlier. */
  placedAt: number;
}

/**
 * Checks the shape of every trace with bounded memory: it keeps compact facts per open trace and
 * checks a trace when it goes idle (or when memory runs short), then forgets it. Spans are only
 * appended while a trace is open; finding parents and duplicates waits until it is checked, once.
 */
export class TraceCheck {
  // Map order is the order of `placedAt`: a trace goes to the end when it opens, and again only when a sweep or an
  // eviction finds it at the front touched since. Moving it on every touch instead cost a Map delete and set per
  // request and trace, the receiver's largest cost after scanning.
  readonly #open = new Map<string, OpenTrace>();
  readonly #tally = new Tally(Object.keys(TRACE_VIOLATIONS) as TraceViolation[]);
  #openItems = 0;
  #checked = 0;
  #finalizedEarly = 0;

  constructor(readonly options: TraceCheckOptions) {}

  /** Number of traces waiting to be checked. */
  get openTraces(): number {
    return this.#open.size;
  }

  /** Adds the spans of one request; `now` is when it arrived. */
  addSpans(received: ReceivedSpans, now: number): void {
    const { traceIds, spans } = received;
    // A request's spans of one trace tend to come together, so the trace is looked up once per run of them.
    let traceId: string | undefined;
    let trace: OpenTrace | undefined;
    for (let i = 0; i < spans.length; i++) {
      const id = traceIds[i] ?? "";
      if (id !== traceId || trace === undefined) {
        traceId = id;
        trace = this.#touch(id, now);
      }
      trace.spans.push(spans[i]!);
    }
    this.#openItems += spans.length;
    this.#evictOverflow(now);
  }

  /** Records that log records point at spans; records without trace context are not checked. */
  addLogRecords(targets: ReceivedLogTargets, now: number): void {
    const { traceIds, spanHighs, spanLows } = targets;
    // As for spans: the trace is looked up once per run of records of it.
    let traceId: string | undefined;
    let trace: OpenTrace | undefined;
    for (let i = 0; i < traceIds.length; i++) {
      const id = traceIds[i] ?? "";
      const high = spanHighs[i] ?? 0;
      const low = spanLows[i] ?? 0;
      if (id === "" || isAbsentSpanId(high, low)) continue;
      if (id !== traceId || trace === undefined) {
        traceId = id;
        trace = this.#touch(id, now);
      }
      trace.logHighs.push(high);
      trace.logLows.push(low);
      this.#openItems++;
    }
    this.#evictOverflow(now);
  }

  /** Checks every trace that has been idle for `idleMs`. */
  sweep(now: number): void {
    for (const [traceId, trace] of this.#open) {
      // Every trace from here on took its place too recently to have been idle that long.
      if (now - trace.placedAt < this.options.idleMs) break;
      if (now - trace.lastSeen >= this.options.idleMs) this.#finalize(traceId, trace);
      else this.#moveToEnd(traceId, trace, now);
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
    const examples = this.#tally.examples();
    for (const kind of Object.keys(examples) as TraceViolation[]) examples[kind] = examples[kind]?.map(traceKeyHex);
    return examples;
  }

  #touch(traceId: string, now: number): OpenTrace {
    let trace = this.#open.get(traceId);
    if (trace === undefined) {
      trace = { spans: [], logHighs: [], logLows: [], lastSeen: now, placedAt: now };
      this.#open.set(traceId, trace);
    } else trace.lastSeen = now;
    return trace;
  }

  /** A trace found at the front that was touched since it took its place goes to the end, placed `now`. */
  #moveToEnd(traceId: string, trace: OpenTrace, now: number): void {
    trace.placedAt = now;
    this.#open.delete(traceId);
    this.#open.set(traceId, trace);
  }

  /**
   * Checks the least recently active traces early while there are too many, or too many items in them.
   * Runs after a whole request is added, so a trace is never checked while its request is half in.
   */
  #evictOverflow(now: number): void {
    const { maxOpenTraces, maxOpenItems } = this.options;
    if (this.#open.size <= maxOpenTraces && this.#openItems <= maxOpenItems) return;
    for (const [traceId, trace] of this.#open) {
      if (this.#open.size <= maxOpenTraces && this.#openItems <= maxOpenItems) return;
      // Touched since it took its place: not the least recently active after all.
      if (trace.lastSeen > trace.placedAt) {
        this.#moveToEnd(traceId, trace, now);
        continue;
      }
      this.#finalizedEarly++;
      this.#finalize(traceId, trace);
    }
  }

  #finalize(traceId: string, trace: OpenTrace): void {
    this.#open.delete(traceId);
    this.#openItems -= trace.spans.length + trace.logHighs.length;
    const spans = new SpanIndex(trace.spans);
    if (spans.duplicates > 0) this.#tally.add("duplicateSpans", traceId, spans.duplicates);
    if (spans.unique.length > 0) this.#checkSpans(traceId, spans);
    const { logHighs, logLows } = trace;
    for (let i = 0; i < logHighs.length; i++) {
      if (spans.find(logHighs[i] ?? 0, logLows[i] ?? 0) === undefined) this.#tally.add("logsWithUnknownSpan", traceId);
    }
  }

  #checkSpans(traceId: string, spans: SpanIndex): void {
    this.#checked++;
    let roots = 0;
    for (const span of spans.unique) {
      if (before(span.endHigh, span.endLow, span.startHigh, span.startLow)) {
        this.#tally.add("spansEndingBeforeStart", traceId);
      }
      if (isAbsentSpanId(span.parentHigh, span.parentLow)) {
        roots++;
        continue;
      }
      const parent = spans.find(span.parentHigh, span.parentLow);
      if (parent === undefined) this.#tally.add("orphanSpans", traceId);
      else if (isAsyncConsumer(span, parent)) {
        if (startsBefore(span, parent) || !linksTo(span, span.parentHigh, span.parentLow)) {
          this.#tally.add("consumersNotLinked", traceId);
        }
      } else if (startsBefore(span, parent) || before(parent.endHigh, parent.endLow, span.endHigh, span.endLow)) {
        this.#tally.add("spansOutsideParent", traceId);
      }
    }
    if (roots === 0) this.#tally.add("tracesWithoutRoot", traceId);
    if (roots > 1) this.#tally.add("tracesWithSeveralRoots", traceId);
  }
}

/** Traces up to this size are searched span by span, which beats building a map for them. */
const SMALL_TRACE = 16;

/**
 * The spans of one trace by id, first arrival first: later spans with an id already seen are duplicates.
 * Keyed by the low half of the id (checked against the high half); in the astronomically rare case of two
 * ids sharing a low half, the trace falls back to searching span by span, so lookups stay exact.
 */
class SpanIndex {
  readonly unique: SpanFacts[] = [];
  duplicates = 0;
  readonly #byLow: Map<SpanIdLow, SpanFacts> | undefined;
  #lowsCollide = false;

  constructor(spans: readonly SpanFacts[]) {
    this.#byLow = spans.length > SMALL_TRACE ? new Map() : undefined;
    for (const span of spans) {
      if (this.find(span.idHigh, span.idLow) !== undefined) {
        this.duplicates++;
        continue;
      }
      this.unique.push(span);
      if (this.#byLow === undefined) continue;
      if (this.#byLow.has(span.idLow)) this.#lowsCollide = true;
      else this.#byLow.set(span.idLow, span);
    }
  }

  find(high: number, low: SpanIdLow): SpanFacts | undefined {
    if (this.#byLow !== undefined && !this.#lowsCollide) {
      const span = this.#byLow.get(low);
      return span !== undefined && span.idHigh === high ? span : undefined;
    }
    for (const span of this.unique) if (span.idLow === low && span.idHigh === high) return span;
    return undefined;
  }
}

function linksTo(span: SpanFacts, high: number, low: SpanIdLow): boolean {
  const links = span.links;
  if (links === undefined) return false;
  for (let i = 0; i < links.length; i += 2) if (links[i] === high && links[i + 1] === low) return true;
  return false;
}

/** Whether time (aHigh, aLow) is before (bHigh, bLow), both split as in SpanFacts. */
function before(aHigh: number, aLow: number, bHigh: number, bLow: number): boolean {
  return aHigh < bHigh || (aHigh === bHigh && aLow < bLow);
}

function startsBefore(span: SpanFacts, parent: SpanFacts): boolean {
  return before(span.startHigh, span.startLow, parent.startHigh, parent.startLow);
}

/** A consumer legitimately starts after its producer ends and outlives it: the message waits in a queue. */
function isAsyncConsumer(span: SpanFacts, parent: SpanFacts): boolean {
  return span.kind === Span_SpanKind.CONSUMER && parent.kind === Span_SpanKind.PRODUCER;
}
