import type { DescribedCall } from "../plugin-host/plugin.ts";
import type { Random } from "../plugin-host/random.ts";
import { replayableRandom, requestRandom } from "./seed.ts";
import { attribute } from "../telemetry/attribute.ts";
import {
  type EventRecord,
  FLAG_SAMPLED,
  type KeyValue,
  type LinkRecord,
  type LogRecord,
  type SpanRecord,
  STATUS_ERROR,
} from "../telemetry/records.ts";
import type { InstancePlan, OperationPlan, RunPlan, SemconvMetric, ServicePlan } from "./plan.ts";

/** Where a simulated request's telemetry goes. */
export interface TelemetryOut {
  /** Every span an instance emits; `metric` is the semantic-convention histogram its duration feeds. */
  span(instance: InstancePlan, span: SpanRecord, metric?: SemconvMetric): void;
  log(instance: InstancePlan, log: LogRecord): void;
  /** A request the instance handled, with its own span unless the service is transparent. */
  handled(instance: InstancePlan, startUs: number, endUs: number, span?: SpanRecord): void;
}

const NONE: readonly never[] = [];
const KIND_CLIENT = 3;
const KIND_PRODUCER = 4;
const SLOW_QUANTILE = 0.99;
const CALLER_ERROR = { code: STATUS_ERROR, message: "" };
const EXCEPTION_EVENT = { name: "exception", severityNumber: 17 };
const SEVERITY_TEXT: Readonly<Record<number, string>> = { 13: "WARN", 17: "ERROR" };

interface Request {
  readonly random: Random;
  readonly out: TelemetryOut;
  traceId: Uint8Array;
  /** The latest end of any span, asynchronous consumers included: when the request's telemetry is complete. */
  endUs: number;
}

/** How a call went, seen from the caller. */
interface Outcome {
  readonly endUs: number;
  /** The callee's own span failed: the failure may propagate to the caller. */
  readonly failed: boolean;
  /** semconv hook: what a consumer of a message this service published agrees on with its PRODUCER span. */
  readonly message?: readonly KeyValue[];
}

/** A service's own span, finished: what its caller needs to describe its side of the call. */
interface Served extends Outcome {
  readonly described?: DescribedCall;
  readonly operation?: OperationPlan;
  /** semconv hook: what `described` was drawn from, when callers of another era draw their side alike. */
  readonly describeSeed?: number;
}

/**
 * Simulates request `index` starting at `startUs` and writes its spans and logs to `out`. Everything
 * random comes from request `index`'s own generator, so the content depends on (seed, index, start)
 * alone. Returns the time its last span ends.
 */
export function simulateRequest(plan: RunPlan, index: number, startUs: number, out: TelemetryOut): number {
  const random = requestRandom(plan.seedHash, index);
  const entry = random.pick(plan.entryPoints);
  const request: Request = { random, out, traceId: random.bytes(16), endUs: startUs };
  visit(request, entry, undefined, startUs, entry.span && random.pick(entry.span.operations));
  return request.endUs;
}

/** A service handles a call: its span, its own calls, then its logs. */
function visit(
  request: Request,
  service: ServicePlan,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  operation: OperationPlan | undefined,
  link?: LinkRecord,
): Served {
  const { span } = service;
  const { random } = request;
  const instance = pickInstance(random, service);
  if (span === undefined || operation === undefined) {
    return passThrough(request, service, instance, parentSpanId, startUs);
  }
  const spanId = random.bytes(8);
  const u = random.float();
  const ownUs = span.duration(u);
  let failed = random.chance(span.errorRate);
  // Some work before the first call and after the last, as a handler parses and then responds.
  const callsStartUs = startUs + ownUs * (0.05 + 0.15 * random.float());
  const calls = makeCalls(request, service, instance, spanId, callsStartUs);
  if (calls.failed && !failed) failed = random.chance(span.errorPropagation);
  const endUs = Math.max(startUs + ownUs, calls.endUs + ownUs * 0.1 * random.float());
  // semconv hook: callers of another era describe their side from the same draws.
  const describeSeed = operation.callerEras ? random.uint32() : 0;
  const described = operation.model.describe(operation.callerEras ? replayableRandom(describeSeed) : random, failed);
  // semconv hooks: a PRODUCER span carries what its consumer read; the exception goes where the service sends it.
  const ownAttributes = calls.message ? withMessage(described.attributes, calls.message) : described.attributes;
  const exceptionEvents = failed && described.exception && service.exceptions !== "logs";
  const record: SpanRecord = {
    traceId: request.traceId,
    spanId,
    parentSpanId,
    name: operation.model.name,
    kind: span.kind,
    startUs: Math.round(startUs),
    endUs: Math.round(endUs),
    attributes: withUserAttributes(ownAttributes, span, random),
    events: exceptionEvents ? [exceptionEvent(Math.round(endUs), described.exception!)] : NONE,
    links: link ? [link] : NONE,
    status: failed
      ? { code: STATUS_ERROR, message: described.statusMessage ?? described.exception?.message ?? "" }
      : undefined,
    flags: FLAG_SAMPLED,
    scope: operation.scope,
  };
  request.out.span(instance, record, operation.metric);
  request.out.handled(instance, record.startUs, record.endUs, record);
  writeLogs(request, service, instance, record, failed, described, u >= SLOW_QUANTILE, operation);
  request.endUs = Math.max(request.endUs, endUs);
  return { endUs, failed, described, operation, describeSeed };
}

/**
 * The caller's side of a call: the callee's description, or, when the caller follows another conventions
 * era, the same call described in that era (semconv hook).
 */
function callerSide(caller: Caller, operation: OperationPlan, served: Served): [OperationPlan, DescribedCall] {
  const variant = operation.callerEras?.get(caller.service.semconv);
  if (variant === undefined) return [operation, served.described!];
  return [variant, variant.model.describe(replayableRandom(served.describeSeed!), served.failed)];
}

/** A service without a traces template: its calls attach to the caller's span. */
function passThrough(
  request: Request,
  service: ServicePlan,
  instance: InstancePlan,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
): Served {
  // At the top of a request each call of a transparent entry point starts its own trace: one root each.
  const calls = makeCalls(request, service, undefined, parentSpanId, startUs, parentSpanId === undefined);
  request.out.handled(instance, Math.round(startUs), Math.round(calls.endUs));
  return calls;
}

/** The calling side: the service and the instance that is handling this request. */
interface Caller {
  readonly service: ServicePlan;
  readonly instance: InstancePlan;
}

/**
 * The service's calls, one after another or all at once (`parallel`); ends when the last returns.
 * `instance` is the instance whose span makes them, absent when the service emits no spans.
 */
function makeCalls(
  request: Request,
  service: ServicePlan,
  instance: InstancePlan | undefined,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  newTraceEach = false,
): Outcome {
  let t = startUs;
  let endUs = startUs;
  let failed = false;
  let message: readonly KeyValue[] | undefined;
  const caller = instance && { service, instance };
  for (const callee of service.downstream) {
    if (newTraceEach) request.traceId = request.random.bytes(16);
    const callStartUs = service.parallel ? startUs + 200 * request.random.float() : t;
    const outcome = callWithRetries(request, caller, callee, parentSpanId, callStartUs, service.retries);
    t = outcome.endUs;
    endUs = Math.max(endUs, outcome.endUs);
    failed ||= outcome.failed;
    message ??= outcome.message;
  }
  return { endUs, failed, message };
}

/** A synchronous call that failed is tried again, after a short backoff, up to `retries` times. */
function callWithRetries(
  request: Request,
  caller: Caller | undefined,
  callee: ServicePlan,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  retries: number,
): Outcome {
  let outcome = call(request, caller, callee, parentSpanId, startUs, 0);
  for (let attempt = 1; attempt <= retries && outcome.failed; attempt++) {
    const backoffUs = 5000 * 2 ** (attempt - 1) * (1 + request.random.float());
    outcome = call(request, caller, callee, parentSpanId, outcome.endUs + backoffUs, attempt);
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
  attempt: number,
): Outcome {
  const { random } = request;
  const operation = callee.span && random.pick(callee.span.operations);
  const shape = caller && callee.span ? callee.span.call : "direct";
  // A CLIENT or PRODUCER service's own span already is the calling side of the call: no second one.
  const ownKind = caller?.service.span?.kind;
  if (shape === "request" && ownKind !== KIND_CLIENT) {
    return callRequest(request, caller!, callee, parentSpanId, startUs, operation!, attempt);
  }
  if (shape === "message") {
    if (ownKind !== KIND_PRODUCER) return callMessage(request, caller!, callee, parentSpanId, startUs, operation!);
    return publishFromProducer(request, callee, parentSpanId!, startUs, operation!);
  }
  const networkUs = shape === "request" ? 100 + 500 * random.float() : 20 + 180 * random.float();
  return visit(request, callee, parentSpanId, startUs + networkUs, operation);
}

/** A PRODUCER service publishes within its own span; the consumer links to that span. */
function publishFromProducer(
  request: Request,
  callee: ServicePlan,
  producerId: Uint8Array,
  startUs: number,
  operation: OperationPlan,
): Outcome {
  const publishedUs = startUs + publishUs(request.random);
  const served = deliver(request, callee, producerId, publishedUs, operation);
  return { endUs: publishedUs, failed: false, message: served.described?.message };
}

/** Synchronous: a CLIENT span in the caller wraps the network round trip and the callee's span. */
function callRequest(
  request: Request,
  caller: Caller,
  callee: ServicePlan,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  operation: OperationPlan,
  attempt: number,
): Outcome {
  const { random } = request;
  const clientId = random.bytes(8);
  const outboundUs = 100 + 500 * random.float();
  const inboundUs = 100 + 500 * random.float();
  const served = visit(request, callee, clientId, startUs + outboundUs, operation);
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
  return { endUs, failed: served.failed };
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
): Outcome {
  const producerId = request.random.bytes(8);
  const endUs = startUs + publishUs(request.random);
  const served = deliver(request, callee, producerId, endUs, operation);
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
  return { endUs, failed: false };
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
): Served {
  const link: LinkRecord = { traceId: request.traceId, spanId: producerId, attributes: NONE, flags: FLAG_SAMPLED };
  return visit(request, callee, producerId, publishedUs + 1000 + 19_000 * request.random.float(), operation, link);
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

function pickInstance(random: Random, service: ServicePlan): InstancePlan {
  const { instances } = service;
  return instances.length === 1 ? instances[0]! : instances[random.int(0, instances.length - 1)]!;
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

function exceptionAttributes(exception: NonNullable<DescribedCall["exception"]>): KeyValue[] {
  const attributes = [attribute("exception.type", exception.type), attribute("exception.message", exception.message)];
  if (exception.stacktrace !== undefined) attributes.push(attribute("exception.stacktrace", exception.stacktrace));
  return attributes;
}

function exceptionEvent(timeUs: number, exception: NonNullable<DescribedCall["exception"]>): EventRecord {
  return { name: "exception", timeUs, attributes: exceptionAttributes(exception) };
}

/**
 * The service's log templates for this span (error and fatal ones only when it failed), plus, for a
 * service that logs at all, what real services log on their own: a warning for a slow span and the
 * exception of a failed one.
 */
function writeLogs(
  request: Request,
  service: ServicePlan,
  instance: InstancePlan,
  span: SpanRecord,
  failed: boolean,
  described: DescribedCall,
  slow: boolean,
  operation: OperationPlan,
): void {
  // semconv hook: `exceptions: logs | both` sends exceptions to log records even when the service has no logs.
  const exceptionLog = failed && described.exception !== undefined &&
    (service.logs.length > 0 || service.exceptions !== "events");
  if (service.logs.length === 0 && !exceptionLog) return;
  const { random } = request;
  const durationUs = span.endUs - span.startUs;
  const write = (
    severityNumber: number,
    severityText: string,
    body: string,
    attributes: readonly KeyValue[],
    eventName?: string,
  ) => {
    const timeUs = Math.round(span.startUs + durationUs * random.float());
    request.out.log(instance, {
      timeUs,
      observedUs: timeUs,
      severityNumber,
      severityText,
      body: { string: body },
      attributes,
      traceId: span.traceId,
      spanId: span.spanId,
      flags: FLAG_SAMPLED,
      eventName,
    });
  };
  for (const log of service.logs) {
    if (log.failuresOnly && !failed) continue;
    write(log.severityNumber, log.severityText, random.pick(log.render)(random), NONE);
  }
  if (slow && service.logs.length > 0) {
    write(13, "WARN", `slow request: ${span.name} took ${Math.round(durationUs / 1000)} ms`, NONE);
  }
  if (exceptionLog) {
    const { type, message } = described.exception!;
    // semconv hook: sent to logs, the exception is the conventions' event for the operation.
    const event = service.exceptions === "events" ? undefined : operation.model.exceptionEvent ?? EXCEPTION_EVENT;
    const severity = event?.severityNumber ?? 17;
    write(
      severity,
      SEVERITY_TEXT[severity]!,
      `${type}: ${message}`,
      exceptionAttributes(described.exception!),
      event?.name,
    );
  }
}
