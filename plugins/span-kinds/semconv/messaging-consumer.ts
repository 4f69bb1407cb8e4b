import { attribute, type OperationContext, type OperationModel } from "../../../src/index.ts";
import { type Failure, failure } from "./call-outcome.ts";
import {
  CLIENT_OPERATION_DURATION,
  CONSUME_VERBS,
  drawMessage,
  MESSAGING_METRIC_ATTRIBUTES,
  parseMessagingOperation,
} from "./messaging-operation.ts";
import { brokerAttributes, inferMessagingSystem } from "./messaging-systems.ts";

// A CONSUMER span processing one message, and the caller's PRODUCER span that sent it (semconv messaging
// spans): `process orders` and `send orders`, sharing the message's id, size and partition. The send
// succeeded whatever the consumer later does, so the caller's side never reflects its failure.

/** A message handler fails in the application's code, not in the broker. */
const HANDLER_FAILURES: readonly Failure[] = [
  failure("TimeoutError", { type: "TimeoutError", message: "Timed out calling a downstream service" }),
  failure("ValidationError", { type: "ValidationError", message: "Message failed schema validation" }),
  failure("DeserializationError", { type: "DeserializationError", message: "Cannot deserialize message payload" }),
  failure("ConflictError", { type: "ConflictError", message: "Entity was modified concurrently" }),
];

/** `process orders`, `receive orders` or `orders` on a consumer. */
export function consumerOperation(context: OperationContext): OperationModel {
  const system = inferMessagingSystem([context.service, context.template, context.operation]);
  const { verb, destination } = parseMessagingOperation(context);
  const consume = (verb !== undefined ? CONSUME_VERBS.get(verb) : undefined) ?? CONSUME_VERBS.get("process")!;
  const broker = brokerAttributes(system);
  const target = attribute("messaging.destination.name", destination);
  const consumer = [
    ...broker,
    attribute("messaging.operation.type", consume.type),
    attribute("messaging.operation.name", consume.name),
    target,
  ];
  if (system.group) consumer.push(attribute(system.group, context.service));
  const producer = [
    ...broker,
    attribute("messaging.operation.type", "send"),
    attribute("messaging.operation.name", system.send),
    target,
  ];
  return {
    name: `${consume.name} ${destination}`,
    callerName: `${system.send} ${destination}`,
    // Processing has its own histogram; receiving is a client operation like sending.
    metric: consume.type === "process" ? "messaging.process.duration" : CLIENT_OPERATION_DURATION,
    callerMetric: CLIENT_OPERATION_DURATION,
    metricAttributes: MESSAGING_METRIC_ATTRIBUTES,
    describe(random, failed) {
      const message = drawMessage(random, system);
      const attributes = [...consumer, ...message];
      const callerAttributes = [...producer, ...message];
      if (!failed) return { attributes, callerAttributes, callerFailed: false };
      const { attributes: error, exception } = random.pick(HANDLER_FAILURES);
      return { attributes: [...attributes, ...error], callerAttributes, callerFailed: false, exception };
    },
  };
}
