import type { RunIdentity } from "./run-identity.ts";
// The shape of a compiled run: what planning produces once and the simulation reads per request.
import type { RateCurve } from "../config/rate-curve.ts";
import type { RenderPieces, RenderText } from "../config/text-template.ts";
import type { Access, CallShape, OperationModel, SemconvEra } from "../plugin-host/plugin.ts";
import type { KeyValue, ResourceRecord, ScopeRecord } from "../telemetry/records.ts";
import type { ArrivalSchedule } from "./arrivals.ts";
import type { Effect, RequestEffects } from "./scenario-effects.ts";
import type { DurationModel } from "./latency.ts";
import type { MetricPlan, SemconvMetric } from "./metrics/plan-metric.ts";

/** An operation of a service, compiled once: its span kind's model, histograms and scopes. */
export interface OperationPlan {
  readonly model: OperationModel;
  /** The operation as the template writes it. */
  readonly operation: string;
  /** Whether it reads or writes: the plugin's word, else its verb's; undefined when neither says. */
  readonly access?: Access;
  /** How long a caller waits for it (and a timeout without a stated number lasts). */
  readonly timeoutMs: number;
  /** What it calls: the service's downstream, or what the template's `calls:` lists for it. */
  readonly calls: readonly CallPlan[];
  /**
   * Per log template of the service, then per request thread (one entry when threads are not reported):
   * the `code.*` attributes of the statement writing it in this handler, with the thread's, built once.
   */
  readonly logAttributes: readonly (readonly (readonly KeyValue[])[])[];
  /** Histograms fed by the service's own spans, and by a caller's CLIENT spans into it; absent when off. */
  readonly metric?: SemconvMetric;
  readonly callerMetric?: SemconvMetric;
  /** semconv hook: the scope of its own spans, and of its callers' CLIENT/PRODUCER spans by caller language. */
  readonly scope?: ScopeRecord;
  readonly callerScopes?: ReadonlyMap<string, ScopeRecord>;
  /** semconv hook: the operation compiled in the era of callers that follow another one, for their side. */
  readonly callerEras?: ReadonlyMap<SemconvEra, OperationPlan>;
}

/**
 * One downstream service a span may call, with the callee's operations sorted by what they do, so the
 * request's story (read or write) picks among them without looking anything up.
 */
export interface CallPlan {
  readonly callee: ServicePlan;
  /** Every operation the call may run; the template's own list when `configured`. */
  readonly all: readonly OperationPlan[];
  /** Operations a read may run: reads, and those that neither read nor write. */
  readonly reads: readonly OperationPlan[];
  readonly writes: readonly OperationPlan[];
  /** From the template's `calls:`: the list wins over the request's story. */
  readonly configured: boolean;
}

export interface SpanPlan {
  readonly kind: number;
  readonly call: CallShape;
  readonly operations: readonly OperationPlan[];
  readonly errorRate: number;
  readonly errorPropagation: number;
  readonly duration: DurationModel;
  /** User attributes without placeholders, built once. */
  readonly constantAttributes: readonly KeyValue[];
  /** User attributes with placeholders, filled per span. */
  readonly renderedAttributes: readonly { readonly key: string; readonly render: RenderText }[];
  /** Keys of all user attributes. */
  readonly userKeys: ReadonlySet<string>;
}

export interface LogPlan {
  readonly pieces: readonly RenderPieces[];
  readonly severityNumber: number;
  readonly severityText: string;
  /** Error and fatal records describe failures, so they are written for failing spans only. */
  readonly failuresOnly: boolean;
  /** Per pattern: it states the span's duration, so it is written when the span ends, as a completion log is. */
  readonly atEnd: readonly boolean[];
}

/**
 * One running copy of a service: its own resource, and its own metric streams. A deploy replaces it by
 * another instance (a new pod, a restarted process) with a resource and metric streams of its own.
 */
export interface InstancePlan {
  /** Position among all instances of the run. */
  readonly index: number;
  readonly service: ServicePlan;
  readonly resource: ResourceRecord;
  /** When it starts serving, in seconds from the run's start: absent for one that runs from before the start. */
  readonly fromSeconds?: number;
  /** The instance a deploy replaces it with (from that one's `fromSeconds` on); absent: it serves to the end. */
  readonly replacedBy?: InstancePlan;
  /** What the version it runs does differently: a bad release's errors and latency. */
  readonly effect?: Effect;
}

/** One service, everything about it resolved so the hot loop never looks a name up. */
export interface ServicePlan {
  readonly name: string;
  /** Its SDK language (`telemetry.sdk.language`). */
  readonly language: string;
  /** The semantic conventions its instrumentation follows. */
  readonly semconv: SemconvEra;
  /** Where its failed spans record their exception: span events, log records, or both. */
  readonly exceptions: "events" | "logs" | "both";
  /** Its replicas as the run starts; deploys chain their replacements to them (`replacedBy`). */
  readonly instances: readonly InstancePlan[];
  readonly scope: ScopeRecord;
  /** The scope of its log records: its logger, named as its language's log appender names it. */
  readonly logScope: ScopeRecord;
  /** `thread.id` and `thread.name` pairs of its request threads, when its language's appender reports them. */
  readonly threads: readonly (readonly KeyValue[])[];
  /** Absent: the service is transparent and emits no spans. */
  readonly span?: SpanPlan;
  readonly logs: readonly LogPlan[];
  readonly metrics: readonly MetricPlan[];
  readonly downstream: readonly ServicePlan[];
  /** Calls of a service without spans, and of operations without a `calls:` list. */
  readonly calls: readonly CallPlan[];
  readonly parallel: boolean;
  readonly retries: number;
}

export interface RunPlan {
  readonly seedHash: Uint8Array;
  /** The masks that make this run's ids its own (they depend on the start). */
  readonly identity: RunIdentity;
  readonly services: readonly ServicePlan[];
  /** Every instance of the run, deploys' replacements included. */
  readonly instances: readonly InstancePlan[];
  readonly entryPoints: readonly ServicePlan[];
  readonly ratePerSecond: number;
  readonly durationSeconds: number;
  readonly totalRequests: number;
  readonly arrivals: ArrivalSchedule;
  readonly batchSize: number;
  readonly temporality: "cumulative" | "delta";
  readonly maxMessageBytes: number;
  /** The request rate over the run (shape and traffic scenarios): arrivals follow it. */
  readonly curve: RateCurve;
  /** The run's first moment: scenarios are timed from it. */
  readonly startUs: number;
  /** What the scenarios in effect `t` seconds into the run do, at the request rate of that moment. */
  readonly effectsAt: (t: number) => RequestEffects | undefined;
  /** Weights of `entryPoints` at `t` when a traffic scenario aims at one; undefined: equally likely. */
  readonly entryWeights: (t: number) => number[] | undefined;
  /** How full saturation scenarios make a service's resources at `t` (0 none, toward 1 full). */
  readonly saturationAt: (t: number, service: string) => number;
}
