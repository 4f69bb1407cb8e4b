import { attribute, constantAttribute, type KeyValue, type OperationContext, type Random } from "../../../src/index.ts";
import { eras } from "./grpc-method.ts";
import { stem } from "./name-hints.ts";
import type { MessagingSystem } from "./messaging-systems.ts";
import { logUniformInt, uuidV4 } from "./random-values.ts";

// `publish orders`, `orders publish` (the older `{destination} {operation}` span names, as the OpenTelemetry
// demo writes them), `process orders` or just `orders`: an optional verb and a destination (topic, queue).

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
  /** Written `{destination} {verb}`: an older convention's span name, not a choice of operation name. */
  readonly topicFirst?: boolean;
}

export function parseMessagingOperation(context: OperationContext): MessagingOperation {
  const text = context.operation.trim();
  const subject = () => stem(context.service, NOISE) ?? stem(context.template, NOISE) ?? "events";
  const space = text.indexOf(" ");
  const first = (space < 0 ? text : text.slice(0, space)).toLowerCase();
  if (isVerb(first)) return { verb: first, destination: space < 0 ? subject() : text.slice(space + 1).trim() };
  const lastSpace = text.lastIndexOf(" ");
  const last = text.slice(lastSpace + 1).toLowerCase();
  if (lastSpace > 0 && isVerb(last)) {
    return { verb: last, destination: text.slice(0, lastSpace).trim(), topicFirst: true };
  }
  return { destination: text };
}

const isVerb = (word: string) => SEND_VERBS.has(word) || CONSUME_VERBS.has(word);

/** One message both sides agree on: the attributes of the service's era, and every era's, for a producer. */
export interface DrawnMessage {
  readonly attributes: KeyValue[];
  readonly shared: KeyValue[];
}

/** Partitions of a destination. */
const PARTITIONS = 12;
// Made once: a constant attribute is written as bytes encoded once, and a metric stream split by partition is
// then found by identity.
const PARTITION_IDS = Array.from(
  { length: PARTITIONS },
  (_, p) => constantAttribute("messaging.destination.partition.id", String(p)),
);
const KAFKA_PARTITIONS = Array.from(
  { length: PARTITIONS },
  (_, p) => constantAttribute("messaging.kafka.destination.partition", p),
);

/**
 * What both sides of one message agree on: its id, size and partition, and for Kafka its offset and key;
 * in the era's attribute names (Kafka's moved from `messaging.kafka.*` to `kafka.*`). Returns a drawing
 * function compiled once per operation.
 */
export function messageDrawer(
  system: MessagingSystem,
  era: OperationContext["semconv"],
): (random: Random) => DrawnMessage {
  const { latest, old } = eras(era);
  const kafka = system.name === "kafka";
  return (random) => {
    const id = attribute("messaging.message.id", uuidV4(random));
    // Bodies of a few hundred bytes, sometimes tens of kilobytes.
    const size = attribute("messaging.message.body.size", logUniformInt(random, 120, 40_000));
    const attributes = [id, size];
    const shared = [id, size];
    if (system.partitioned) {
      const partition = random.int(0, PARTITIONS - 1);
      both(attributes, shared, PARTITION_IDS[partition]!, latest);
      if (kafka) both(attributes, shared, KAFKA_PARTITIONS[partition]!, old);
    }
    if (kafka) {
      const offset = random.int(100_000, 90_000_000);
      const key = String(random.int(1_000_000, 99_999_999));
      both(attributes, shared, attribute("kafka.offset", offset), latest);
      both(attributes, shared, attribute("messaging.kafka.message.offset", offset), old);
      both(attributes, shared, attribute("kafka.message.key", key), latest);
      both(attributes, shared, attribute("messaging.kafka.message.key", key), old);
    }
    return { attributes, shared };
  };
}

/** Every era's value is shared with a producer; the era's own is also emitted. */
function both(attributes: KeyValue[], shared: KeyValue[], value: KeyValue, emitted: boolean): void {
  shared.push(value);
  if (emitted) attributes.push(value);
}

/** Keys of the messaging duration histograms of the conventions up to v1.24. */
export const OLD_MESSAGING_METRIC_ATTRIBUTES: readonly string[] = [
  "messaging.system",
  "messaging.operation",
  "messaging.destination.name",
  "error.type",
  "server.address",
  "server.port",
];

/** Keys of `messaging.client.operation.duration` and `messaging.process.duration`. */
export const MESSAGING_METRIC_ATTRIBUTES: readonly string[] = [
  "messaging.system.name",
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

/**
 * The duration histograms of a messaging operation per era: `metric` (and `callerMetric`) of the newest
 * conventions, or the older `messaging.{publish,receive,process}.duration`, or both (never one name twice).
 */
export function messagingMetrics(
  era: OperationContext["semconv"],
  latest: { readonly metric: string; readonly callerMetric?: string },
  old: { readonly metric: string; readonly callerMetric?: string },
) {
  const latestFields = { ...latest, metricAttributes: MESSAGING_METRIC_ATTRIBUTES };
  const oldFields = { ...old, metricAttributes: OLD_MESSAGING_METRIC_ATTRIBUTES };
  if (era === "v1.24") return oldFields;
  if (era !== "dup") return latestFields;
  const also = {
    ...(old.metric !== latest.metric && { metric: old.metric }),
    ...(old.callerMetric !== latest.callerMetric && { callerMetric: old.callerMetric }),
    metricAttributes: OLD_MESSAGING_METRIC_ATTRIBUTES,
  };
  return { ...latestFields, alsoMetrics: also };
}

/** `messaging.operation.type` and `.name` of the newest conventions, `messaging.operation` of older ones. */
export function operationAttributes(
  era: OperationContext["semconv"],
  type: string,
  name: string,
  oldOperation: string,
): KeyValue[] {
  const { latest, old } = eras(era);
  const out: KeyValue[] = [];
  if (latest) {
    out.push(constantAttribute("messaging.operation.type", type), constantAttribute("messaging.operation.name", name));
  }
  if (old) out.push(constantAttribute("messaging.operation", oldOperation));
  return out;
}

/** The span name: `{operation} {destination}`, or `{destination} {operation}` up to v1.24. */
export function messagingSpanName(era: OperationContext["semconv"], operation: string, destination: string): string {
  return era === "v1.24" ? `${destination} ${operation}` : `${operation} ${destination}`;
}
