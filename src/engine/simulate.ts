import { newSpanId, newTraceId, type RunIdentity } from "./run-identity.ts";
import type {
  Access,
  CallContext,
  DescribedCall,
  Exception,
  FailureCause,
  PlaceholderSpan,
} from "../plugin-host/plugin.ts";
import { ownCause } from "./failure.ts";
import type { Random } from "../plugin-host/random.ts";
import { replayableRandom, requestRandom } from "./seed.ts";
import { attribute } from "../telemetry/attribute.ts";
import {
  type AnyValue,
  type EventRecord,
  FLAG_SAMPLED,
  type KeyValue,
  type LinkRecord,
  type LogRecord,
  type SpanRecord,
  STATUS_ERROR,
} from "../telemetry/records.ts";
import type { CallPlan, InstancePlan, OperationPlan, RunPlan, SemconvMetric, ServicePlan } from "./plan.ts";
import { type Effect, type RequestEffects, withVersion } from "./scenario-effects.ts";

/** Where a simulated request's telemetry goes. */
export interface TelemetryOut {
  /** Every span an instance emits; `metric` is the semantic-convention histogram its duration feeds. */
  span(instance: InstancePlan, span: SpanRecord, metric?: SemconvMetric): void;
  log(instance: InstancePlan, log: LogRecord): void;
  /** A request the instance handled, with its own span unless the service is transparent. */
  handled(instance: InstancePlan, startUs: number, endUs: number, span?: SpanRecord): void;
}

const NONE: readonly never[] = [];
const NOBODY: readonly string[] = [];
const KIND_CLIENT = 3;
const KIND_PRODUCER = 4;
const EXCEPTION_EVENT = { name: "exception", severityNumber: 17 };
const SEVERITY_TEXT: Readonly<Record<number, string>> = { 13: "WARN", 17: "ERROR" };
const SLOW_QUANTILE = 0.99;
const CALLER_ERROR = { code: STATUS_ERROR, message: "" };
/** Under a writing request, a callee that can both read and write writes this often (it reads first otherwise). */
const WRITE_SHARE = 0.7;
const UNKNOWN_FAILURE: Exception = { type: "Error", message: "operation failed", kind: "internal" };

interface Request {
  readonly random: Random;
  readonly ids: RunIdentity;
  readonly out: TelemetryOut;
  traceId: Uint8Array;
  /** The latest end of any span, asynchronous consumers included: when the request's telemetry is complete. */
  endUs: number;
  /** What the scenarios in effect when the request started do to each service; absent: none is. */
  readonly effects?: RequestEffects;
  /** When it started, in seconds from the run's start: which instances serve it (deploys replace them). */
  readonly t: number;
}

/**
 * One call, shared by its two sides (see `CallContext`). This is the hook for conventions whose two sides
 * must agree: a PRODUCER and its CONSUMER describe themselves with calls that share one store, so the
 * messaging convention draws a message's id, size, partition, offset and key once with `agree()` and both
 * spans read the same values. `via` lists the transparent services (load balancers, proxies) a call
 * crossed, for the CLIENT span's address; `cause` is set before the callee's side is described when it
 * failed because of a call of its own.
 */
class Call implements CallContext {
  cause?: FailureCause;
  constructor(
    readonly access: Access | undefined,
    readonly via: readonly string[],
    private values?: Map<string, unknown>,
  ) {}

  agree<T>(key: string, create: () => T): T {
    const values = this.store();
    if (values.has(key)) return values.get(key) as T;
    const value = create();
    values.set(key, value);
    return value;
  }

  /** The store, for a follow-up call that continues this one (a producer service's own span and its consumer). */
  store(): Map<string, unknown> {
    return (this.values ??= new Map());
  }
}

/** How a call went, seen from the caller. */
interface Outcome {
  readonly endUs: number;
  /** The callee's own span failed, for this reason: the failure may propagate to the caller. */
  readonly failure?: FailureCause;
  /** What a consumer of a message this service published agrees on with its PRODUCER span. */
  readonly message?: readonly KeyValue[];
}

/** A service's own span, finished: what its caller needs to describe its side of the call. */
interface Served extends Outcome {
  readonly described?: DescribedCall;
  /** What `described` was drawn from, when callers of another era draw their side alike. */
  readonly describeSeed?: number;
  /** The call as the callee described it, for a caller of another era to describe it the same way. */
  readonly call?: Call;
}

/** The calling side: the service and the instance whose span makes the calls. */
interface Caller {
  readonly service: ServicePlan;
  readonly instance: InstancePlan;
  /** The caller's own span's call, which a CLIENT or PRODUCER span continues into its callee. */
  readonly call: Call;
}

/**
 * Simulates request `index` starting at `startUs` and writes its spans and logs to `out`. Everything
 * random comes from request `index`'s own generator, so the content depends on (seed, index, start)
 * alone. Returns the time its last span ends.
 *
 * A request is one story: the entry operation's verb (read or write) decides which operations its
 * downstream calls run, a failure has one root cause that every caller above reports, and a span lasts
 * its own work plus the calls it waits for.
 */
export function simulateRequest(plan: RunPlan, index: number, startUs: number, out: TelemetryOut): number {
  const random = requestRandom(plan.seedHash, index);
  // Scenarios are looked up once per request; without any in effect nothing is drawn for them.
  const t = (startUs - plan.startUs) / 1e6;
  const weights = plan.entryWeights(t);
  const entry = weights ? plan.entryPoints[weightedIndex(random, weights)]! : random.pick(plan.entryPoints);
  const effects = plan.effectsAt(t);
  const ids = plan.identity;
  const request: Request = {
    random,
    ids,
    out,
    traceId: newTraceId(random, ids),
    endUs: startUs,
    t,
    ...(effects && { effects }),
  };
  const operation = entry.span && random.pick(entry.span.operations);
  visit(request, entry, undefined, startUs, operation, new Call(operation?.access, NOBODY), undefined);
  return request.endUs;
}

/** A service handles a call: its span, its own calls, then its logs. */
function visit(
  request: Request,
  service: ServicePlan,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  operation: OperationPlan | undefined,
  call: Call,
  caller: Caller | undefined,
  link?: LinkRecord,
): Served {
  const { span } = service;
  const { random } = request;
  const instance = pickInstance(random, service, request.t);
  if (span === undefined || operation === undefined) {
    return passThrough(request, service, instance, parentSpanId, startUs, call, caller);
  }
  const spanId = newSpanId(random, request.ids);
  const u = random.float();
  const effect = withVersion(request.effects?.(service.name, operation.operation), instance.effect);
  const ownUs = effect ? ((effect.duration ?? span.duration)(u) * effect.multiply + effect.addUs) : span.duration(u);
  const { model } = operation;
  // Callers of another conventions era describe their side from the same draws.
  const describeSeed = operation.callerEras ? random.uint32() : 0;
  let described = random.chance(span.errorRate) ? describeCall(operation, random, describeSeed, call, true) : undefined;
  let cause = described && ownCause(described.exception ?? UNKNOWN_FAILURE, operation.timeoutMs);
  if (!described && effect && effect.errorRate > 0 && random.chance(effect.errorRate)) {
    const describe = (failed: boolean) => describeCall(operation, random, describeSeed, call, failed);
    [described, cause] = scenarioFailure(effect, describe, operation.timeoutMs);
  }
  let endUs: number;
  let message: readonly KeyValue[] | undefined;
  if (cause !== undefined && cause.kind !== "internal") {
    // Nobody answered, or nothing came back in time: no calls, fast or exactly the timeout.
    endUs = startUs +
      (cause.kind === "timeout" ? cause.timeoutMs! * 1000 : Math.min(ownUs, 300 + 2700 * random.float()));
  } else if (operation.calls.length === 0) {
    endUs = startUs + ownUs;
  } else {
    // Some work before the first call and the rest after the last, as a handler parses and then responds.
    const beforeUs = ownUs * (0.1 + 0.4 * random.float());
    const self: Caller = { service, instance, call };
    const access = operation.access ?? call.access;
    const calls = makeCalls(request, service, operation.calls, self, spanId, startUs + beforeUs, access, NOBODY);
    endUs = calls.endUs + ownUs - beforeUs;
    message = calls.message;
    if (calls.failure) {
      // The deepest failure decides: this span reports it, whatever it might have failed with itself.
      call.cause = cause = calls.failure;
      described = describeCall(operation, random, describeSeed, call, true);
    }
  }
  described ??= describeCall(operation, random, describeSeed, call, false);
  const exception = call.cause ? propagated(call.cause.exception, described.exception) : described.exception;
  // A PRODUCER span carries what its consumer read; the exception goes where the service sends it.
  const ownAttributes = message ? withMessage(described.attributes, message) : described.attributes;
  const eventException = cause && exception && service.exceptions !== "logs" ? exception : undefined;
  const record: SpanRecord = {
    traceId: request.traceId,
    spanId,
    parentSpanId,
    name: model.name,
    kind: span.kind,
    startUs: Math.round(startUs),
    endUs: Math.round(endUs),
    attributes: withUserAttributes(ownAttributes, span, random),
    events: eventException ? [exceptionEvent(Math.round(endUs), eventException)] : NONE,
    links: link ? [link] : NONE,
    status: cause ? { code: STATUS_ERROR, message: described.statusMessage ?? exception?.message ?? "" } : undefined,
    flags: FLAG_SAMPLED,
    scope: operation.scope,
  };
  request.out.span(instance, record, operation.metric);
  request.out.handled(instance, record.startUs, record.endUs, record);
  writeLogs(request, service, instance, operation, record, cause && exception, u >= SLOW_QUANTILE);
  for (const log of effect?.logs ?? NONE) {
    if (!random.chance(log.chance)) continue;
    const timeUs = Math.round(record.startUs + (record.endUs - record.startUs) * random.float());
    writeLog(request, instance, record, timeUs, log.severityNumber, log.severityText, { string: log.body }, NONE);
  }
  request.endUs = Math.max(request.endUs, endUs);
  return { endUs, failure: cause, described, describeSeed, call };
}

/**
 * The span kind's description of `call` by `operation`. Callers of another conventions era describe their side from the
 * same draws, so an operation they call draws its description from a generator of its own, seeded by `describeSeed`.
 */
function describeCall(
  operation: OperationPlan,
  random: Random,
  describeSeed: number,
  call: Call,
  failed: boolean,
): DescribedCall {
  return operation.model.describe(operation.callerEras ? replayableRandom(describeSeed) : random, failed, call);
}

/** Attempts at drawing a failure of the kind a scenario asks for, before giving an exception that kind. */
const CAUSE_ATTEMPTS = 8;

/**
 * A failure a scenario causes: the span kind's own failure of the asked kind when it has one (so the
 * exception reads as this service's would), with the scenario's message when it gives one.
 */
function scenarioFailure(
  effect: Effect,
  describe: (failed: boolean) => DescribedCall,
  timeoutMs: number,
): [DescribedCall, FailureCause] {
  let described = describe(true);
  let exception = described.exception ?? UNKNOWN_FAILURE;
  for (let i = 1; i < CAUSE_ATTEMPTS && effect.cause && ownCause(exception, timeoutMs).kind !== effect.cause; i++) {
    described = describe(true);
    exception = described.exception ?? UNKNOWN_FAILURE;
  }
  if (effect.message !== undefined) exception = { ...exception, message: effect.message };
  if (exception !== described.exception) described = { ...described, exception };
  const own = ownCause(exception, timeoutMs);
  const cause: FailureCause = effect.cause === undefined || own.kind === effect.cause
    ? own
    : { kind: effect.cause, exception, ...(effect.cause === "timeout" && { timeoutMs }) };
  return [described, cause];
}

/** An index drawn with the given weights. */
function weightedIndex(random: Random, weights: readonly number[]): number {
  let total = 0;
  for (const weight of weights) total += weight;
  let at = random.float() * total;
  for (let i = 0; i < weights.length - 1; i++) if ((at -= weights[i]!) < 0) return i;
  return weights.length - 1;
}

/**
 * The caller's side of a call: the callee's description, or, when the caller follows another conventions
 * era, the same call described in that era from the same draws.
 */
function callerSide(caller: Caller, operation: OperationPlan, served: Served): [OperationPlan, DescribedCall] {
  const variant = operation.callerEras?.get(caller.service.semconv);
  if (variant === undefined) return [operation, served.described!];
  const failed = served.failure !== undefined;
  return [variant, variant.model.describe(replayableRandom(served.describeSeed!), failed, served.call)];
}

/**
 * A service without a traces template: its calls attach to the caller's span, and the caller's CLIENT
 * spans cross it to the next traced service, as a load balancer or proxy is crossed.
 */
function passThrough(
  request: Request,
  service: ServicePlan,
  instance: InstancePlan,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  call: Call,
  caller: Caller | undefined,
): Served {
  const via = [...call.via, service.name];
  const calls = makeCalls(request, service, service.calls, caller, parentSpanId, startUs, call.access, via);
  request.out.handled(instance, Math.round(startUs), Math.round(calls.endUs));
  return calls;
}

/**
 * The calls `service` makes, one after another or all at once (`parallel`); ends when the last returns.
 * A failed call the handler does not handle (`error_propagation`) ends the sequence: nothing after it is
 * called. `caller` is the span making them, absent when no span does; a transparent service forwards
 * for its own caller's span.
 */
function makeCalls(
  request: Request,
  service: ServicePlan,
  plans: readonly CallPlan[],
  caller: Caller | undefined,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  access: Access | undefined,
  via: readonly string[],
): Outcome {
  const { random } = request;
  const { parallel, retries } = service;
  const propagation = service.span?.errorPropagation ?? 1;
  // At the top of a request each call of a transparent entry point starts its own trace: one root each.
  const newTraceEach = parentSpanId === undefined;
  let t = startUs;
  let endUs = startUs;
  let failure: FailureCause | undefined;
  let message: readonly KeyValue[] | undefined;
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i]!;
    const operation = chooseOperation(random, plan, access);
    if (operation === null) continue;
    if (newTraceEach) request.traceId = newTraceId(random, request.ids);
    const callStartUs = parallel ? startUs + 200 * random.float() : t;
    const outcome = callWithRetries(
      request,
      caller,
      plan.callee,
      parentSpanId,
      callStartUs,
      operation,
      access,
      via,
      retries,
    );
    t = outcome.endUs;
    endUs = Math.max(endUs, outcome.endUs);
    message ??= outcome.message;
    if (outcome.failure && !failure && random.chance(propagation)) {
      failure = outcome.failure;
      if (!parallel) break;
    }
  }
  return { endUs, failure, message };
}

/**
 * The callee's operation for this call: among its reads under a reading request (or no call at all when
 * it only writes), mostly its writes under a writing one, any under neither; the template's `calls:` list
 * wins over the story. Undefined for a callee without spans; null when the call is not made.
 */
function chooseOperation(random: Random, plan: CallPlan, access: Access | undefined): OperationPlan | undefined | null {
  if (plan.callee.span === undefined) return undefined;
  if (plan.configured || access === undefined) return random.pick(plan.all);
  if (access === "read") return plan.reads.length > 0 ? random.pick(plan.reads) : null;
  if (plan.writes.length > 0 && (plan.reads.length === 0 || random.chance(WRITE_SHARE))) {
    return random.pick(plan.writes);
  }
  return random.pick(plan.reads);
}

/** A synchronous call that failed is tried again, after a short backoff, up to `retries` times. */
function callWithRetries(
  request: Request,
  caller: Caller | undefined,
  callee: ServicePlan,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  operation: OperationPlan | undefined,
  access: Access | undefined,
  via: readonly string[],
  retries: number,
): Outcome {
  let outcome = call(request, caller, callee, parentSpanId, startUs, operation, access, via, 0);
  for (let attempt = 1; attempt <= retries && outcome.failure; attempt++) {
    const backoffUs = 5000 * 2 ** (attempt - 1) * (1 + request.random.float());
    const retryUs = outcome.endUs + backoffUs;
    outcome = call(request, caller, callee, parentSpanId, retryUs, operation, access, via, attempt);
  }
  return outcome;
}

/** One call from `caller` (undefined when it emits no spans) to `callee`, shaped by the callee's kind. */
function call(
  request: Request,
  caller: Caller | undefined,
  callee: ServicePlan,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  operation: OperationPlan | undefined,
  access: Access | undefined,
  via: readonly string[],
  /** 0 for the first attempt, then the retry's number. */
  attempt: number,
): Outcome {
  const { random } = request;
  const shape = caller && callee.span ? callee.span.call : "direct";
  // A CLIENT or PRODUCER service's own span already is the calling side of the call: no second one.
  const ownKind = caller?.service.span?.kind;
  const continues = ownKind === KIND_CLIENT || ownKind === KIND_PRODUCER;
  const next = new Call(access, via, continues ? caller!.call.store() : undefined);
  if (shape === "request" && !continues) {
    return callRequest(request, caller!, callee, parentSpanId, startUs, operation!, next, attempt);
  }
  if (shape === "message") {
    if (ownKind !== KIND_PRODUCER) {
      return callMessage(request, caller!, callee, parentSpanId, startUs, operation!, next);
    }
    return publishFromProducer(request, callee, parentSpanId!, startUs, operation!, next);
  }
  const networkUs = shape === "request" ? 100 + 500 * random.float() : 20 + 180 * random.float();
  // A transparent callee forwards for the caller's span; any other direct callee's span is the caller's child.
  return visit(request, callee, parentSpanId, startUs + networkUs, operation, next, callee.span ? undefined : caller);
}

/** A PRODUCER service publishes within its own span; the consumer links to that span. */
function publishFromProducer(
  request: Request,
  callee: ServicePlan,
  producerId: Uint8Array,
  startUs: number,
  operation: OperationPlan,
  call: Call,
): Outcome {
  const publishedUs = startUs + publishUs(request.random);
  const served = deliver(request, callee, producerId, publishedUs, operation, call);
  return { endUs: publishedUs, ...(served.described?.message && { message: served.described.message }) };
}

/** Synchronous: a CLIENT span in the caller wraps the network round trip and the callee's span. */
function callRequest(
  request: Request,
  caller: Caller,
  callee: ServicePlan,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  operation: OperationPlan,
  call: Call,
  attempt: number,
): Outcome {
  const { random } = request;
  const clientId = newSpanId(random, request.ids);
  const outboundUs = 100 + 500 * random.float();
  const inboundUs = 100 + 500 * random.float();
  const served = visit(request, callee, clientId, startUs + outboundUs, operation, call, undefined);
  const endUs = served.endUs + inboundUs;
  const [callerOperation, described] = callerSide(caller, operation, served);
  const { callerAttributes, callerFailed, callerStatusMessage } = described;
  const status = !callerFailed
    ? undefined
    : callerStatusMessage === undefined
    ? CALLER_ERROR
    : { code: STATUS_ERROR, message: callerStatusMessage };
  // semconv hook: a retried call says how many times it was sent again (HTTP `http.request.resend_count`).
  const resend = operation.model.resendAttribute;
  writeCallSpan(
    request,
    caller,
    KIND_CLIENT,
    clientId,
    parentSpanId,
    startUs,
    endUs,
    callerOperation,
    attempt > 0 && resend ? [...callerAttributes, attribute(resend, attempt)] : callerAttributes,
    status,
  );
  return { endUs, failure: served.failure };
}

/**
 * Asynchronous: a short PRODUCER span in the caller publishes; the consumer processes the message
 * later, and may outlive it. The caller goes on after publishing and never sees the consumer fail.
 */
function callMessage(
  request: Request,
  caller: Caller,
  callee: ServicePlan,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  operation: OperationPlan,
  call: Call,
): Outcome {
  const producerId = newSpanId(request.random, request.ids);
  const endUs = startUs + publishUs(request.random);
  const served = deliver(request, callee, producerId, endUs, operation, call);
  const [callerOperation, described] = served.described ? callerSide(caller, operation, served) : [operation];
  const attributes = described?.callerAttributes ?? NONE;
  writeCallSpan(
    request,
    caller,
    KIND_PRODUCER,
    producerId,
    parentSpanId,
    startUs,
    endUs,
    callerOperation,
    attributes,
    undefined,
  );
  return { endUs };
}

/** Publishing takes 0.3-2 ms. */
function publishUs(random: Random): number {
  return 300 + 1700 * random.float();
}

/** The consumer takes the message 1-20 ms after it was published, as a child of the PRODUCER span linked to it. */
function deliver(
  request: Request,
  callee: ServicePlan,
  producerId: Uint8Array,
  publishedUs: number,
  operation: OperationPlan,
  call: Call,
): Served {
  const link: LinkRecord = { traceId: request.traceId, spanId: producerId, attributes: NONE, flags: FLAG_SAMPLED };
  const startUs = publishedUs + 1000 + 19_000 * request.random.float();
  return visit(request, callee, producerId, startUs, operation, call, undefined, link);
}

/** The caller's CLIENT or PRODUCER span for one call. */
function writeCallSpan(
  request: Request,
  caller: Caller,
  kind: number,
  spanId: Uint8Array,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  endUs: number,
  operation: OperationPlan,
  attributes: readonly KeyValue[],
  status: SpanRecord["status"],
): void {
  request.out.span(caller.instance, {
    traceId: request.traceId,
    spanId,
    parentSpanId,
    name: operation.model.callerName,
    kind,
    startUs: Math.round(startUs),
    endUs: Math.round(endUs),
    attributes,
    events: NONE,
    links: NONE,
    status,
    flags: FLAG_SAMPLED,
    scope: operation.callerScopes?.get(caller.service.language),
  }, operation.callerMetric);
}

/** One of the service's replicas, as it runs at `t`: the instance that replaced it when a deploy has. */
function pickInstance(random: Random, service: ServicePlan, t: number): InstancePlan {
  const { instances } = service;
  let instance = instances.length === 1 ? instances[0]! : instances[random.int(0, instances.length - 1)]!;
  while (instance.replacedBy !== undefined && t >= instance.replacedBy.fromSeconds!) instance = instance.replacedBy;
  return instance;
}

function withUserAttributes(
  attributes: readonly KeyValue[],
  span: NonNullable<ServicePlan["span"]>,
  random: Random,
): readonly KeyValue[] {
  if (span.userKeys.size === 0) return attributes;
  // The user's attributes win over the span kind's: OTLP attribute keys must be unique.
  const out = [...attributes.filter((a) => !span.userKeys.has(a.key)), ...span.constantAttributes];
  for (const { key, render } of span.renderedAttributes) out.push({ key, value: { string: render(random) } });
  return out;
}

/** The message values a consumer read replace the producer's own draws of the same keys (semconv hook). */
function withMessage(attributes: readonly KeyValue[], message: readonly KeyValue[]): KeyValue[] {
  const out = attributes.slice();
  for (let i = 0; i < out.length; i++) {
    for (let j = 0; j < message.length; j++) if (message[j]!.key === out[i]!.key) out[i] = message[j]!;
  }
  return out;
}

/**
 * The root cause's exception as a span above it records it: the root's type and message (one story per
 * failure), with the stack trace this service's own runtime would print for it (none where its SDK
 * records none, as Go's).
 */
function propagated(root: Exception, own: Exception | undefined): Exception {
  const { stacktrace: _rootStack, ...cause } = root;
  const stack = own?.stacktrace;
  if (stack === undefined) return cause;
  const ownLine = `${own!.type}: ${own!.message}`;
  const rootLine = `${root.type}: ${root.message}`;
  // Java and .NET print the exception first, Python last; Node's first line is its name and message.
  const lines = stack.split("\n");
  const at = lines[0] === ownLine ? 0 : lines.at(-1) === ownLine ? lines.length - 1 : -1;
  if (at >= 0) lines[at] = rootLine;
  return { ...cause, stacktrace: lines.join("\n") };
}

function exceptionAttributes(exception: Exception): KeyValue[] {
  const attributes = [attribute("exception.type", exception.type), attribute("exception.message", exception.message)];
  if (exception.stacktrace !== undefined) attributes.push(attribute("exception.stacktrace", exception.stacktrace));
  return attributes;
}

function exceptionEvent(timeUs: number, exception: Exception): EventRecord {
  return { name: "exception", timeUs, attributes: exceptionAttributes(exception) };
}

/** The span a log record is written for, as placeholders see it: values are read only when asked for. */
class SpanView implements PlaceholderSpan {
  constructor(private readonly span: SpanRecord, readonly error: string | undefined) {}

  get name(): string {
    return this.span.name;
  }

  get traceId(): Uint8Array {
    return this.span.traceId;
  }

  get durationMs(): number {
    return (this.span.endUs - this.span.startUs) / 1000;
  }

  attribute(key: string): string | undefined {
    for (const a of this.span.attributes) if (a.key === key) return valueText(a.value);
    return undefined;
  }
}

function valueText(value: AnyValue): string {
  if ("string" in value) return value.string;
  if ("int" in value) return String(value.int);
  if ("double" in value) return String(value.double);
  if ("bool" in value) return String(value.bool);
  return "";
}

/**
 * The service's log templates for this span (error and fatal ones only when it failed, at the moment it
 * failed; those that state its duration when it ends), plus, for a service that logs at all, what real
 * services log on their own: a warning for a slow span and the exception of a failed one. Placeholders
 * read the span, so the records agree with it.
 */
function writeLogs(
  request: Request,
  service: ServicePlan,
  instance: InstancePlan,
  operation: OperationPlan,
  span: SpanRecord,
  exception: Exception | undefined,
  slow: boolean,
): void {
  // `exceptions: logs | both` sends exceptions to log records even when the service has no logs.
  const exceptionLog = exception !== undefined && (service.logs.length > 0 || service.exceptions !== "events");
  if (service.logs.length === 0 && !exceptionLog) return;
  const { random } = request;
  const view = new SpanView(span, exception?.message);
  const durationUs = span.endUs - span.startUs;
  const thread = service.threads.length === 1 ? 0 : random.int(0, service.threads.length - 1);
  for (let i = 0; i < service.logs.length; i++) {
    const log = service.logs[i]!;
    if (log.failuresOnly && !exception) continue;
    const pattern = log.pieces.length === 1 ? 0 : random.int(0, log.pieces.length - 1);
    const timeUs = log.failuresOnly || log.atEnd[pattern]
      ? span.endUs
      : Math.round(span.startUs + durationUs * random.float());
    const attributes = operation.logAttributes[i]?.[thread] ?? NONE;
    const body = { pieces: log.pieces[pattern]!(random, view) };
    writeLog(request, instance, span, timeUs, log.severityNumber, log.severityText, body, attributes);
  }
  const threadAttributes = service.threads[thread]!;
  if (slow && service.logs.length > 0) {
    const body = { string: `slow request: ${span.name} took ${Math.round(durationUs / 1000)} ms` };
    writeLog(request, instance, span, span.endUs, 13, "WARN", body, threadAttributes);
  }
  if (exceptionLog) {
    const { type, message } = exception;
    // Sent to logs, the exception is the conventions' event for the operation.
    const event = service.exceptions === "events" ? EXCEPTION_EVENT : operation.model.exceptionEvent ?? EXCEPTION_EVENT;
    const attributes = [...exceptionAttributes(exception), ...threadAttributes];
    const severity = SEVERITY_TEXT[event.severityNumber]!;
    writeLog(
      request,
      instance,
      span,
      span.endUs,
      event.severityNumber,
      severity,
      { string: `${type}: ${message}` },
      attributes,
      event.name,
    );
  }
}

/** One log record of `span`, correlated with it. */
function writeLog(
  request: Request,
  instance: InstancePlan,
  span: SpanRecord,
  timeUs: number,
  severityNumber: number,
  severityText: string,
  body: LogRecord["body"],
  attributes: readonly KeyValue[],
  eventName?: string,
): void {
  request.out.log(instance, {
    timeUs,
    observedUs: timeUs,
    severityNumber,
    severityText,
    body,
    attributes,
    traceId: span.traceId,
    spanId: span.spanId,
    flags: FLAG_SAMPLED,
    eventName,
  });
}
