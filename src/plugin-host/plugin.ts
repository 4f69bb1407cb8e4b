import type { Random } from "./random.ts";
import type { KeyValue } from "../telemetry/records.ts";

/** What a placeholder's generator is handed on every call: the request's randomness and its arguments. */
export interface PlaceholderContext {
  /** Seeded randomness; the only source a placeholder may use. */
  readonly random: Random;
  /** The `:`-separated arguments written after the name, e.g. `["1", "100"]` for `{int:1:100}`. */
  readonly args: readonly string[];
  /**
   * The span a log record is written for, when the text is a log pattern: placeholders that stand for
   * something the span knows (its duration, client address, method, error) take the span's value, so
   * the log and its span never disagree. Absent for attribute values.
   */
  readonly span?: PlaceholderSpan;
}

/** What a placeholder may read of the span its log record belongs to. */
export interface PlaceholderSpan {
  readonly name: string;
  readonly durationMs: number;
  readonly traceId: Uint8Array;
  /** The error message when the span failed. */
  readonly error?: string;
  /** A span attribute's value as text, or undefined when the span has no such attribute. */
  attribute(key: string): string | undefined;
}

/** Fills one placeholder occurrence. */
export type PlaceholderGenerate = (context: PlaceholderContext) => string;

/** A placeholder is a generator, or a generator with a description and an argument check. */
export type Placeholder =
  | PlaceholderGenerate
  | {
    readonly description?: string;
    /** Checked once per occurrence before the run; return what is wrong with the arguments, if anything. */
    readonly check?: (args: readonly string[]) => string | undefined;
    readonly generate: PlaceholderGenerate;
  };

/** OTLP `Span.SpanKind` values. */
export const OtlpSpanKind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
export type OtlpSpanKind = (typeof OtlpSpanKind)[keyof typeof OtlpSpanKind];

/**
 * How a caller reaches a service of this kind:
 * - `request`: the caller emits a CLIENT span that wraps this service's span (synchronous call);
 * - `message`: the caller emits a PRODUCER span, and this service's span links to it (asynchronous);
 * - `direct`: this service's span is a plain child of the caller's span.
 */
export type CallShape = "request" | "message" | "direct";

/** One operation of one service, as a span-kind plugin sees it when compiling it before the run. */
export interface OperationContext {
  /** As written in the template, e.g. `GET /api/users/{id}`, `SELECT`, `process orders`. */
  readonly operation: string;
  /** The service instance's name: what callers put in `server.address`. */
  readonly service: string;
  readonly template: string;
  /** The service's SDK language (`telemetry.sdk.language`): `java`, `go`, `nodejs`, `python`, `dotnet`... */
  readonly language?: string;
  /** Which semantic conventions its instrumentation follows (template `semconv`); `latest` when absent. */
  readonly semconv?: SemconvEra;
  /** Its callers are outside the system (browsers, apps): it is an entry point, or behind a transparent one. */
  readonly edge?: boolean;
  /** Languages of the services that call it, whose HTTP and RPC clients its server spans see. */
  readonly callerLanguages?: readonly string[];
  /** The template's `traces.rpc`: which RPC system and service a bare method name such as `GetCart` belongs to. */
  readonly rpc?: { readonly system?: string; readonly service?: string };
}

/**
 * The semantic conventions an instrumentation follows, as a real fleet mixes them: `latest` (the newest
 * published conventions), `v1.24` (what instrumentations pinned to semconv 1.24 still emit: `rpc.system`,
 * integer `rpc.grpc.status_code`, `rpc.server.duration` in ms, `messaging.system`, `{topic} publish`), or
 * `dup`: both at once, as `OTEL_SEMCONV_STABILITY_OPT_IN=<domain>/dup` makes instrumentations do.
 */
export type SemconvEra = "latest" | "v1.24" | "dup";

/** Whether an operation reads or changes data; the entry operation's decides what its request does downstream. */
export type Access = "read" | "write";

/** How a failure started, which decides how long it lasts and what every caller above reports. */
export type FailureKind =
  /** The call waited its whole timeout (a DB statement timeout, a deadline): it lasts exactly that long. */
  | "timeout"
  /** Nobody answered (connection refused, no healthy upstream, too many clients): it fails fast. */
  | "unavailable"
  /** The callee answered with an error after doing (some of) its work. */
  | "internal";

/** The exception a failed span records. `kind` is guessed from the type and message when absent. */
export interface Exception {
  readonly type: string;
  readonly message: string;
  /** Shaped like the service's language's; absent where its SDK records none (Go by default). */
  readonly stacktrace?: string;
  readonly kind?: FailureKind;
}

/** The deepest failure of a chain: what a span that fails because a call it made failed must agree with. */
export interface FailureCause {
  readonly kind: FailureKind;
  /** The root span's exception; the engine records it on every span the failure reaches. */
  readonly exception: Exception;
  /** How long the root waited, for `timeout`. */
  readonly timeoutMs?: number;
}

/**
 * One call, as both of its sides see it. The caller's engine creates it, the callee's description reads
 * it, and every span of that call (CLIENT/SERVER, PRODUCER/CONSUMER, or a producer service's own span and
 * its consumer's) is described with the same object.
 */
export interface CallContext {
  /** What the request does at this call: read, write, or either (undefined). */
  readonly access?: Access;
  /** Set when this side fails because a call it made failed: the root cause its attributes must agree with. */
  readonly cause?: FailureCause;
  /** Transparent services (a load balancer, a proxy) the call crossed, nearest to the caller first. */
  readonly via: readonly string[];
  /**
   * A value both sides must agree on, e.g. a message's id, size, partition, offset and key: `create` makes
   * it for whichever side is described first, and the other gets the same value. Keys are attribute names.
   */
  agree<T>(key: string, create: () => T): T;
}

/** Both sides of one call of an operation, drawn per request once its outcome is known. */
export interface DescribedCall {
  /** This service's own span, including `error.type` when it failed. */
  readonly attributes: readonly KeyValue[];
  /** The caller's CLIENT or PRODUCER span for this call (ignored for `direct` calls). */
  readonly callerAttributes: readonly KeyValue[];
  /** Whether the caller's side is an error: it failed, or, for HTTP, the answer was a 4xx. */
  readonly callerFailed: boolean;
  /** For a failed span: the exception recorded as a span event and an exception log. */
  readonly exception?: Exception;
  /**
   * The failed own span's status description; absent: the exception's message. Instrumentations that set
   * none (HTTP servers) give "".
   */
  readonly statusMessage?: string;
  /** The failed caller span's status description (gRPC clients set the status message); absent: "". */
  readonly callerStatusMessage?: string;
  /**
   * Values both sides of an asynchronous message agree on (message id, size, partition, offset, key): the
   * engine writes them onto a PRODUCER service's own span that published the message this span consumed.
   */
  readonly message?: readonly KeyValue[];
}

/** How spans of one operation look: compiled once per (service, operation) before the run. */
export interface OperationModel {
  /** Low-cardinality name of the service's own span, e.g. `GET /api/users/{id}`, `SELECT users`. */
  readonly name: string;
  /** Name of a caller's CLIENT or PRODUCER span for a call into this operation, e.g. `GET`, `publish orders`. */
  readonly callerName: string;
  /** Semantic-convention duration histogram of the own spans, e.g. `http.server.request.duration`. */
  readonly metric?: string;
  /** Same for the caller's CLIENT spans, e.g. `http.client.request.duration`. */
  readonly callerMetric?: string;
  /** Attribute keys the duration histograms keep (low cardinality: method, route, status code, error.type). */
  readonly metricAttributes?: readonly string[];
  /** Unit of `metric` and `callerMetric`: `s` when absent; older conventions used `ms`. */
  readonly metricUnit?: string;
  /** Histograms of another convention era fed by the same spans as well (the `dup` era emits both). */
  readonly alsoMetrics?: {
    readonly metric?: string;
    readonly callerMetric?: string;
    readonly metricUnit?: string;
    readonly metricAttributes?: readonly string[];
  };
  /**
   * The event a failed own span's exception is written as when its service sends exceptions to logs
   * (template `exceptions: logs | both`), e.g. `rpc.server.call.exception` at ERROR (17), or
   * `messaging.send.exception` at WARN (13); absent: `exception` at ERROR.
   */
  readonly exceptionEvent?: { readonly name: string; readonly severityNumber: number };
  /** Attribute a retried caller span counts its resends in (HTTP: `http.request.resend_count`). */
  readonly resendAttribute?: string;
  /**
   * The instrumentation scope of this operation's own spans, and of its callers' spans (given the caller's
   * language), as each language's OpenTelemetry instrumentation names itself; absent: the service's default.
   */
  readonly scope?: InstrumentationScope;
  readonly callerScope?: (language: string) => InstrumentationScope | undefined;
  /** Whether the operation reads or writes; guessed from its name's verb when absent (see `guessAccess`). */
  readonly access?: Access;
  /** How long a caller waits for it before giving up; per span kind when absent. */
  readonly timeoutMs?: number;
  /**
   * Draws both sides of one call; `failed` is the engine's decision, which the description must agree
   * with, and `call.cause`, when set, the root failure it must report (a 504 above a DB timeout).
   */
  describe(random: Random, failed: boolean, call?: CallContext): DescribedCall;
}

/** An instrumentation library's scope name and version, e.g. `io.opentelemetry.grpc-1.6` `2.10.0-alpha`. */
export interface InstrumentationScope {
  readonly name: string;
  readonly version: string;
}

/** A `span_kind` value a template may use. */
export interface SpanKindDefinition {
  readonly description?: string;
  readonly otlpKind: OtlpSpanKind;
  readonly call: CallShape;
  /** Compiles an operation into names and attributes; without it spans are named after the operation, bare. */
  readonly operation?: (context: OperationContext) => OperationModel;
}

/** A metric `type` value a template may use, and the OTLP data it becomes. */
export interface MetricTypeDefinition {
  readonly description?: string;
  readonly data: "sum" | "gauge" | "histogram";
  /** A `sum` only goes up (+1 per request handled); `false` makes it an UpDownCounter a heuristic models. */
  readonly monotonic?: boolean;
}

/** How busy a service was since a metric's previous sample: what gauges are modelled from. */
export interface MetricSample {
  readonly timeUs: number;
  /** Time since the previous sample (the export interval). */
  readonly intervalUs: number;
  /** Requests the service handled in the interval (its own spans). */
  readonly requests: number;
  /** Sum of those spans' durations; busyUs / intervalUs is the mean number of requests in flight. */
  readonly busyUs: number;
  /**
   * How far a saturation scenario pushes the service's resources toward their limits, 0..1 (absent or 0:
   * not at all): a model of a resource that fills up (CPU, memory, a pool) goes this share of the way
   * from its own value to its limit.
   */
  readonly saturation?: number;
}

/** One metric stream's value model, created once per service instance and metric. */
export interface MetricModel {
  /** A gauge's value at `sample.timeUs`, or one observation of a histogram that is not a duration. */
  sample(sample: MetricSample): number;
}

/** Picks a value model for gauges and non-duration histograms from the metric's name, type and unit. */
export interface MetricHeuristic {
  readonly description?: string;
  matches(metric: { readonly name: string; readonly type: string; readonly unit: string }): boolean;
  /** `random` belongs to this stream alone; draw from it in `sample` for noise. */
  create(context: { readonly random: Random; readonly name: string; readonly unit: string }): MetricModel;
  /** Its models follow `MetricSample.saturation`: the metric is a resource that fills up (CPU, memory, a pool). */
  readonly saturates?: boolean;
}

/** The OTLP signals. */
export type Signal = "traces" | "metrics" | "logs";

/** One export call's content: encoded ResourceSpans/ResourceMetrics/ResourceLogs, one per service. */
export interface ExportRequest {
  readonly signal: Signal;
  readonly resources: readonly Uint8Array[];
  /** Spans, data points or log records inside. */
  readonly items: number;
  /** Encoded size of the whole Export*ServiceRequest. */
  readonly bytes: number;
}

/** What the receiver said: how many items it rejected (OTLP partial success). */
export interface ExportResult {
  readonly rejected: number;
}

/**
 * Sends export requests somewhere. `export` rejects with an Error when the call failed; the Error may
 * carry the optional properties of `ExportError` to have the call retried. An Error that does not say
 * whether it is `retryable` is taken for the exporter itself failing: the run stops generating and reports
 * it. `export` is given up on after `ExporterOptions.timeoutMs` (and its signal aborted), and `close` after
 * the run's shutdown budget.
 */
export interface Exporter {
  export(request: ExportRequest, signal: AbortSignal): Promise<ExportResult>;
  close(): Promise<void>;
  /**
   * True when the exporter is done with a request's `resources` once the promise `export` returned has settled or
   * its signal has aborted, whichever comes first (it sends or copies them before; it keeps no reference after).
   * The run then reuses that memory for later requests instead of allocating new. Absent or false: every
   * request's bytes are the exporter's to keep.
   */
  readonly borrowsRequests?: boolean;
  /**
   * True when requests may be merged before they reach `export`: while every call slot is busy, requests of
   * one signal waiting for a slot are joined into one (up to the run's `max_message_bytes`), so a receiver
   * slower than the generator gets fewer, larger calls, as an SDK's batch processor sends fuller batches under
   * load. Leave it unset when how telemetry is split into requests is part of the output (a file with one
   * request per line), so that the output does not depend on timing.
   */
  readonly mergesRequests?: boolean;
  /**
   * Called once while the run sets up, before its first request: an exporter may open its connection here, so
   * that the first call does not pay for it (a paced run's schedule would stall there). It must not throw: what
   * fails here fails again on the first `export`, which reports it.
   */
  connect?(): void;
}

/**
 * What an exporter's rejection may say about the failed delivery, as plain optional properties of the Error
 * it throws (a plain Error is not retried). The run retries a `retryable` call with exponential backoff,
 * keeping its concurrency slot, for up to 30 s.
 *
 * @example
 * throw Object.assign(new Error(`${url}: unavailable: ...`), { retryable: true });
 */
export interface ExportError extends Error {
  /**
   * Sending the same request again may succeed: for OTLP/gRPC UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED,
   * ABORTED, OUT_OF_RANGE, DATA_LOSS, and RESOURCE_EXHAUSTED with RetryInfo; for OTLP/HTTP 429, 502, 503, 504.
   */
  readonly retryable?: boolean;
  /** How long the receiver asked the client to wait before retrying (gRPC RetryInfo, HTTP Retry-After). */
  readonly retryAfterMs?: number;
  /**
   * The request was sent but no answer came (the call timed out, the connection dropped mid-call): the
   * receiver may have stored it. Such a call is reported as unconfirmed, never as lost, and a retry of it
   * may arrive twice. Absent: the receiver did not take it (it answered with an error, or nothing was sent).
   */
  readonly mayHaveArrived?: boolean;
  /**
   * Nothing answered at the address (connection refused, host not found, connect timed out): the run then
   * asks whether a receiver is listening there. Not for TLS failures or error statuses, which did answer.
   */
  readonly unreachable?: boolean;
}

/** Where and how to export, resolved from the config, flags and environment. */
export interface ExporterOptions {
  /** e.g. `http://localhost:4317`. */
  readonly url: string;
  readonly tls: boolean;
  readonly timeoutMs: number;
  /** `output.protocol`: which body an OTLP/HTTP exporter sends; default `grpc` (and `http/protobuf` over HTTP). */
  readonly protocol?: "grpc" | "http/protobuf" | "http/json";
  /** `output.headers`, sent with every call. They may carry credentials: never print them. */
  readonly headers?: Readonly<Record<string, string>>;
  /** `output.compression` of request bodies; default `none`. */
  readonly compression?: "gzip" | "none";
  /**
   * `output.tls` with the PEM files' contents (`tls` above says whether the endpoint is `https://`);
   * absent: the system's certificates.
   */
  readonly tlsOptions?: TlsOptions;
  /** The text after the first `:` of `--exporter name:argument`, e.g. the path of `file:out.jsonl`. */
  readonly argument?: string;
  /**
   * Files and stdout, for exporters that write locally (`file`, `stdout`). Handed in by the CLI, since
   * only its host module touches the process; absent when a run is started without it.
   */
  readonly host?: ExporterHost;
}

/** TLS settings of an OTLP exporter: PEM texts and the explicit insecure option. */
export interface TlsOptions {
  /** CA certificate(s) that verify the receiver, instead of the system's. */
  readonly ca?: string;
  /** Client certificate and key (mutual TLS). */
  readonly cert?: string;
  readonly key?: string;
  /** Do not verify the receiver's certificate. */
  readonly insecure?: boolean;
}

/** What of the host an exporter may use. */
export interface ExporterHost {
  /** Writes text to standard output as is. */
  writeStdout(text: string): void;
  /**
   * Opens a file for appending, creating it; fails at once, with an error naming the path, when it cannot.
   * Writes land in call order.
   */
  openAppend(path: string): AppendFile;
}

/** A file opened by `ExporterHost.openAppend`. */
export interface AppendFile {
  write(text: string): Promise<void>;
  /** Waits for the writes in flight, then closes the file. */
  close(): Promise<void>;
}

export type ExporterFactory = (options: ExporterOptions) => Exporter;

/** Everything a plugin may contribute. All contributions are optional. */
export interface Plugin {
  /** Namespace of the contributions: `{acme/order_id}`, `span_kind: acme/lambda`. Lowercase, kebab-case. */
  readonly name: string;
  readonly placeholders?: Readonly<Record<string, Placeholder>>;
  readonly spanKinds?: Readonly<Record<string, SpanKindDefinition>>;
  readonly metricTypes?: Readonly<Record<string, MetricTypeDefinition>>;
  /** Tried in order, third-party plugins before built-ins; the first that matches models the metric. */
  readonly metricHeuristics?: readonly MetricHeuristic[];
  readonly exporters?: Readonly<Record<string, ExporterFactory>>;
}

/**
 * Declares a plugin with full type checking; it returns its argument unchanged.
 *
 * @example
 * export default definePlugin({
 *   name: "acme",
 *   placeholders: { order_id: ({ random }) => `ORD-${random.int(10000, 99999)}` },
 * });
 */
export function definePlugin<const P extends Plugin>(plugin: P): P {
  return plugin;
}
