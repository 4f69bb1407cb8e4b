import { attribute, type KeyValue, type OperationContext, type Random } from "../../../src/index.ts";
import { stem } from "./name-hints.ts";
import type { MessagingSystem } from "./messaging-systems.ts";
import { logUniformInt, uuidV4 } from "./random-values.ts";

// `publish orders`, `process orders` or just `orders`: an optional verb and a destination (topic, queue).

/** Verbs that send; kept as `messaging.operation.name`, since the user named the system's operation. */
export const SEND_VERBS: ReadonlySet<string> = new Set(["publish", "send", "produce", "emit", "enqueue", "post"]);

/** Verbs that consume, with the operation name and type each stands for (semconv operation types). */
export const CONSUME_VERBS: ReadonlyMap<string, { readonly name: string; readonly type: string }> = new Map([
  ["process", { name: "process", type: "process" }],
  ["handle", { name: "process", type: "process" }],
  ["consume", { name: "process", type: "process" }],
  ["receive", { name: "receive", type: "receive" }],
  ["poll", { name: "poll", type: "receive" }],
]);

const NOISE = new Set([
  "out",
  "in",
  "publisher",
  "producer",
  "consumer",
  "worker",
  "queue",
  "topic",
  "listener",
  "subscriber",
  "kafka",
  "rabbit",
  "rabbitmq",
  "sqs",
  "sns",
  "pubsub",
  "nats",
  "pulsar",
  "client",
  "service",
  "svc",
]);

/** An operation read as `[verb] destination`; the destination defaults to the service's subject. */
export interface MessagingOperation {
  readonly verb?: string;
  readonly destination: string;
}

export function parseMessagingOperation(context: OperationContext): MessagingOperation {
  const text = context.operation.trim();
  const space = text.indexOf(" ");
  const first = (space < 0 ? text : text.slice(0, space)).toLowerCase();
  const known = SEND_VERBS.has(first) || CONSUME_VERBS.has(first);
  if (!known) return { destination: text };
  const rest = space < 0 ? "" : text.slice(space + 1).trim();
  return {
    verb: first,
    destination: rest || (stem(context.service, NOISE) ?? stem(context.template, NOISE) ?? "events"),
  };
}

/** What both sides of one message agree on: its id, size and partition. */
export function drawMessage(random: Random, system: MessagingSystem): KeyValue[] {
  const message = [
    attribute("messaging.message.id", uuidV4(random)),
    // Bodies of a few hundred bytes, sometimes tens of kilobytes.
    attribute("messaging.message.body.size", logUniformInt(random, 120, 40_000)),
  ];
  if (system.partitioned) message.push(attribute("messaging.destination.partition.id", String(random.int(0, 11))));
  return message;
}

/** Keys of `messaging.client.operation.duration` and `messaging.process.duration`. */
export const MESSAGING_METRIC_ATTRIBUTES: readonly string[] = [
  "messaging.system",
  "messaging.operation.name",
  "messaging.operation.type",
  "messaging.destination.name",
  "messaging.consumer.group.name",
  "messaging.destination.subscription.name",
  "messaging.destination.partition.id",
  "error.type",
  "server.address",
  "server.port",
];

export const CLIENT_OPERATION_DURATION = "messaging.client.operation.duration";
