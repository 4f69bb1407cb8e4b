import { constantAttribute, type OperationContext, type OperationModel } from "../../../src/index.ts";
import { type Failure, failure } from "./call-outcome.ts";
import { scopes } from "./instrumentation-scopes.ts";
import {
  CLIENT_OPERATION_DURATION,
  CONSUME_VERBS,
  messageDrawer,
  messagingMetrics,
  messagingSpanName,
  operationAttributes,
  parseMessagingOperation,
} from "./messaging-operation.ts";
import { brokerAttributes, groupAttributes, inferMessagingSystem } from "./messaging-systems.ts";

// A CONSUMER span processing one message, and the caller's PRODUCER span that sent it (semconv messaging
// spans): `process orders` and `send orders` (up to v1.24 `orders process` and `orders publish`), sharing
// the message's id, size, partition and, on Kafka, offset and key. The send succeeded whatever the
// consumer later does, so the caller's side never reflects its failure.

/** A message handler fails in the application's code, not in the broker. */
const HANDLER_FAILURES: readonly Failure[] = [
  failure("TimeoutError", { type: "TimeoutError", message: "Timed out calling a downstream service" }),
  failure("ValidationError", { type: "ValidationError", message: "Message failed schema validation" }),
  failure("DeserializationError", { type: "DeserializationError", message: "Cannot deserialize message payload" }),
  failure("ConflictError", { type: "ConflictError", message: "Entity was modified concurrently" }),
];

/** `process orders`, `orders process`, `receive orders` or `orders` on a consumer. */
export function consumerOperation(context: OperationContext): OperationModel {
  const era = context.semconv;
  const system = inferMessagingSystem([context.service, context.template, context.operation]);
  const { verb, destination } = parseMessagingOperation(context);
  const consume = (verb !== undefined ? CONSUME_VERBS.get(verb) : undefined) ?? CONSUME_VERBS.get("process")!;
  const target = constantAttribute("messaging.destination.name", destination);
  const consumer = [
    ...brokerAttributes(system, era),
    ...operationAttributes(era, consume.type, consume.name, consume.type),
    target,
    ...groupAttributes(system, era, context.service),
  ];
  // The caller's PRODUCER span: its own era is unknown here, so it is written in this service's.
  const producer = [
    ...brokerAttributes(system, era),
    ...operationAttributes(era, "send", system.send, "publish"),
    target,
  ];
  const processing = consume.type === "process";
  const draw = messageDrawer(system, era);
  return {
    name: messagingSpanName(era, consume.name, destination),
    callerName: messagingSpanName(era, era === "v1.24" ? "publish" : system.send, destination),
    // Processing has its own histogram; receiving is a client operation like sending.
    ...messagingMetrics(
      era,
      {
        metric: processing ? "messaging.process.duration" : CLIENT_OPERATION_DURATION,
        callerMetric: CLIENT_OPERATION_DURATION,
      },
      {
        metric: processing ? "messaging.process.duration" : "messaging.receive.duration",
        callerMetric: "messaging.publish.duration",
      },
    ),
    ...scopes(context, system.library, system.library),
    exceptionEvent: processing
      ? { name: "messaging.process.exception", severityNumber: 17 }
      : { name: "messaging.receive.exception", severityNumber: 13 },
    describe(random, failed) {
      const message = draw(random);
      const attributes = [...consumer, ...message.attributes];
      const callerAttributes = [...producer, ...message.attributes];
      if (!failed) return { attributes, callerAttributes, callerFailed: false, message: message.shared };
      const { attributes: error, exception } = random.pick(HANDLER_FAILURES);
      return {
        attributes: [...attributes, ...error],
        callerAttributes,
        callerFailed: false,
        message: message.shared,
        exception,
      };
    },
  };
}
