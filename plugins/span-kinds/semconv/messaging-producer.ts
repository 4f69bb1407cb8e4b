import type { OperationContext, OperationModel } from "../../../src/index.ts";
import { directCall } from "./call-outcome.ts";
import { scopes } from "./instrumentation-scopes.ts";
import {
  CLIENT_OPERATION_DURATION,
  messageDrawer,
  messagingMetrics,
  messagingSpanName,
  operationAttributes,
  parseMessagingOperation,
  SEND_VERBS,
} from "./messaging-operation.ts";
import { brokerAttributes, brokerFailure, forDestination, inferMessagingSystem } from "./messaging-systems.ts";
import { constantAttribute } from "../../../src/index.ts";

// A PRODUCER span that sends one message (semconv messaging spans): named
// `{messaging.operation.name} {destination}`, operation type "send"; up to v1.24 `{destination} publish`
// with `messaging.operation` "publish".

/** `publish orders`, `orders publish`, `send orders` or `orders` on a producer. */
export function producerOperation(context: OperationContext): OperationModel {
  const era = context.semconv;
  const system = inferMessagingSystem([context.service, context.template, context.operation]);
  const { verb, destination, topicFirst } = parseMessagingOperation(context);
  // `orders publish` is how older instrumentation named every send; the system's own name replaces it.
  const operation = verb !== undefined && SEND_VERBS.has(verb) && !topicFirst ? verb : system.send;
  const fixed = [
    ...brokerAttributes(system, era),
    ...operationAttributes(era, "send", operation, "publish"),
    constantAttribute("messaging.destination.name", destination),
  ];
  const failures = forDestination(system.failures, destination).map((f) => brokerFailure(system, f, context.language));
  const name = messagingSpanName(era, era === "v1.24" ? "publish" : operation, destination);
  const draw = messageDrawer(system, era);
  return {
    name,
    callerName: name,
    ...messagingMetrics(era, { metric: CLIENT_OPERATION_DURATION }, { metric: "messaging.publish.duration" }),
    ...scopes(context, system.library),
    exceptionEvent: { name: "messaging.send.exception", severityNumber: 13 },
    describe(random, failed) {
      const attributes = [...fixed, ...draw(random).attributes];
      return directCall(attributes, failed ? random.pick(failures) : undefined);
    },
  };
}
