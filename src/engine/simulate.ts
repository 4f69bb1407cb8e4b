import type { Random } from "../random.ts";
import { requestRandom } from "../seed.ts";
import {
  FLAG_SAMPLED,
  type KeyValue,
  type LinkRecord,
  type LogRecord,
  type SpanRecord,
  STATUS_ERROR,
} from "../telemetry/records.ts";
import type { RunPlan, ServicePlan } from "./plan.ts";

/** Where a simulated request's telemetry goes. */
export interface TelemetryOut {
  /** Every span a service emits: its own, and the CLIENT/PRODUCER spans of the calls it makes. */
  span(service: ServicePlan, span: SpanRecord): void;
  log(service: ServicePlan, log: LogRecord): void;
  /** A request the service handled, with its own span unless the service is transparent. */
  handled(service: ServicePlan, startUs: number, endUs: number, span?: SpanRecord): void;
}

const NONE: readonly never[] = [];
const KIND_CLIENT = 3;
const KIND_PRODUCER = 4;

interface Request {
  readonly random: Random;
  readonly out: TelemetryOut;
  traceId: Uint8Array;
  /** The latest end of any span, asynchronous consumers included: when the request's telemetry is complete. */
  endUs: number;
}

interface Outcome {
  readonly endUs: number;
  readonly failed: boolean;
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

/** A service handles a call: its span, then its own calls one after another, then its logs. */
function visit(
  request: Request,
  service: ServicePlan,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  operation: string | undefined,
  link?: LinkRecord,
): Outcome {
  const { span } = service;
  if (span === undefined || operation === undefined) return passThrough(request, service, parentSpanId, startUs);
  const { random } = request;
  const spanId = random.bytes(8);
  // The seed's model: 50% to 200% of the base duration.
  const ownUs = span.baseDurationUs * (0.5 + 1.5 * random.float());
  const failed = random.chance(span.errorRate);
  // Some work before the first call and after the last, as a handler parses and then responds.
  const beforeUs = ownUs * (0.05 + 0.15 * random.float());
  let t = startUs + beforeUs;
  for (const callee of service.downstream) t = call(request, service, callee, spanId, t).endUs;
  const endUs = Math.max(startUs + ownUs, t + ownUs * 0.1 * random.float());
  const record: SpanRecord = {
    traceId: request.traceId,
    spanId,
    ...(parentSpanId && { parentSpanId }),
    name: operation,
    kind: span.kind,
    startUs: Math.round(startUs),
    endUs: Math.round(endUs),
    attributes: failed ? [errorType(span.kind)] : NONE,
    events: NONE,
    links: link ? [link] : NONE,
    ...(failed && { status: { code: STATUS_ERROR, message: "" } }),
    flags: FLAG_SAMPLED,
  };
  request.out.span(service, record);
  request.out.handled(service, record.startUs, record.endUs, record);
  writeLogs(request, service, record, failed);
  request.endUs = Math.max(request.endUs, endUs);
  return { endUs, failed };
}

/** A service without a traces template: its calls attach to the caller's span. */
function passThrough(request: Request, service: ServicePlan, parentSpanId: Uint8Array | undefined, startUs: number) {
  let t = startUs;
  let failed = false;
  for (const callee of service.downstream) {
    // At the top of a request each call of a transparent entry point starts its own trace: one root each.
    if (parentSpanId === undefined) request.traceId = request.random.bytes(16);
    const outcome = call(request, undefined, callee, parentSpanId, t);
    t = outcome.endUs;
    failed ||= outcome.failed;
  }
  request.out.handled(service, Math.round(startUs), Math.round(t));
  return { endUs: t, failed };
}

/** One call from `caller` (undefined when it emits no spans) to `callee`, shaped by the callee's kind. */
function call(
  request: Request,
  caller: ServicePlan | undefined,
  callee: ServicePlan,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
): Outcome {
  const { random } = request;
  const operation = callee.span && random.pick(callee.span.operations);
  const shape = caller?.span && callee.span ? callee.span.call : "direct";
  if (shape === "request") return callRequest(request, caller!, callee, parentSpanId, startUs, operation!);
  if (shape === "message") return callMessage(request, caller!, callee, parentSpanId, startUs, operation!);
  return visit(request, callee, parentSpanId, startUs + 20 + 180 * random.float(), operation);
}

/** Synchronous: a CLIENT span in the caller wraps the network round trip and the callee's span. */
function callRequest(
  request: Request,
  caller: ServicePlan,
  callee: ServicePlan,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  operation: string,
): Outcome {
  const { random } = request;
  const clientId = random.bytes(8);
  const outboundUs = 100 + 500 * random.float();
  const inboundUs = 100 + 500 * random.float();
  const served = visit(request, callee, clientId, startUs + outboundUs, operation);
  const endUs = served.endUs + inboundUs;
  request.out.span(caller, {
    traceId: request.traceId,
    spanId: clientId,
    ...(parentSpanId && { parentSpanId }),
    name: operation,
    kind: KIND_CLIENT,
    startUs: Math.round(startUs),
    endUs: Math.round(endUs),
    attributes: served.failed ? [errorType(callee.span!.kind)] : NONE,
    events: NONE,
    links: NONE,
    ...(served.failed && { status: { code: STATUS_ERROR, message: "" } }),
    flags: FLAG_SAMPLED,
  });
  return { endUs, failed: served.failed };
}

/**
 * Asynchronous: a short PRODUCER span in the caller publishes; the consumer processes the message
 * later, as a child of the PRODUCER span with a link to it, and may outlive it. The caller goes on
 * after publishing and never sees the consumer fail.
 */
function callMessage(
  request: Request,
  caller: ServicePlan,
  callee: ServicePlan,
  parentSpanId: Uint8Array | undefined,
  startUs: number,
  operation: string,
): Outcome {
  const { random } = request;
  const producerId = random.bytes(8);
  const endUs = startUs + 300 + 1700 * random.float();
  request.out.span(caller, {
    traceId: request.traceId,
    spanId: producerId,
    ...(parentSpanId && { parentSpanId }),
    name: `publish ${callee.name}`,
    kind: KIND_PRODUCER,
    startUs: Math.round(startUs),
    endUs: Math.round(endUs),
    attributes: NONE,
    events: NONE,
    links: NONE,
    flags: FLAG_SAMPLED,
  });
  const queuedUs = 1000 + 19_000 * random.float();
  const link: LinkRecord = { traceId: request.traceId, spanId: producerId, attributes: NONE, flags: FLAG_SAMPLED };
  visit(request, callee, producerId, endUs + queuedUs, operation, link);
  return { endUs, failed: false };
}

function writeLogs(request: Request, service: ServicePlan, span: SpanRecord, failed: boolean): void {
  const { random } = request;
  for (const log of service.logs) {
    if (log.failuresOnly && !failed) continue;
    const timeUs = Math.round(span.startUs + (span.endUs - span.startUs) * random.float());
    request.out.log(service, {
      timeUs,
      observedUs: timeUs,
      severityNumber: log.severityNumber,
      severityText: log.severityText,
      body: { string: random.pick(log.render)(random) },
      attributes: NONE,
      traceId: span.traceId,
      spanId: span.spanId,
      flags: FLAG_SAMPLED,
    });
  }
}

const SERVER_ERROR: KeyValue = { key: "error.type", value: { string: "500" } };
const OTHER_ERROR: KeyValue = { key: "error.type", value: { string: "_OTHER" } };

/** `error.type` as the conventions say: the status code for HTTP servers, `_OTHER` when nothing better is known. */
function errorType(kind: number): KeyValue {
  return kind === 2 ? SERVER_ERROR : OTHER_ERROR;
}
