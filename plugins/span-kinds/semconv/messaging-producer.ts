import { attribute, type OperationContext, type OperationModel } from "../../../src/index.ts";
import { directCall } from "./call-outcome.ts";
import {
  CLIENT_OPERATION_DURATION,
  drawMessage,
  MESSAGING_METRIC_ATTRIBUTES,
  parseMessagingOperation,
  SEND_VERBS,
} from "./messaging-operation.ts";
import { brokerAttributes, forDestination, inferMessagingSystem } from "./messaging-systems.ts";

// A PRODUCER span that sends one message (semconv messaging spans): named
// `{messaging.operation.name} {destination}`, operation type "send".

/** `publish orders`, `send orders` or `orders` on a producer. */
export function producerOperation(context: OperationContext): OperationModel {
  const system = inferMessagingSystem([context.service, context.template, context.operation]);
  const { verb, destination } = parseMessagingOperation(context);
  const operation = verb !== undefined && SEND_VERBS.has(verb) ? verb : system.send;
  const fixed = [
    ...brokerAttributes(system),
    attribute("messaging.operation.type", "send"),
    attribute("messaging.operation.name", operation),
    attribute("messaging.destination.name", destination),
  ];
  const failures = forDestination(system.failures, destination);
  const name = `${operation} ${destination}`;
  return {
    name,
    callerName: name,
    metric: CLIENT_OPERATION_DURATION,
    metricAttributes: MESSAGING_METRIC_ATTRIBUTES,
    describe(random, failed) {
      const attributes = [...fixed, ...drawMessage(random, system)];
      return directCall(attributes, failed ? random.pick(failures) : undefined);
    },
  };
}
