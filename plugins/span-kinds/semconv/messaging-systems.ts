import { constantAttribute, type KeyValue, type OperationContext } from "../../../src/index.ts";
import { eras } from "./grpc-method.ts";
import { type Failure, failure } from "./call-outcome.ts";
import { hint, type HintRule } from "./name-hints.ts";
import type { Library } from "./instrumentation-scopes.ts";

// Messaging systems as `messaging.system` identifies them (semconv messaging registry), with each one's
// operation name for sending, its broker address and how consumers are grouped.

export interface MessagingSystem {
  /** `messaging.system`. */
  readonly name: string;
  /** `messaging.operation.name` of a send: system-specific, e.g. Kafka "send", RabbitMQ "publish". */
  readonly send: string;
  readonly host: string;
  readonly port: number;
  /** Which attribute names the consumer's group: Kafka-like consumer groups, or subscriptions. */
  readonly group?: "messaging.consumer.group.name" | "messaging.destination.subscription.name";
  /** Whether destinations are partitioned (`messaging.destination.partition.id`). */
  readonly partitioned: boolean;
  /** How sending fails; `{destination}` is replaced by the destination name. */
  readonly failures: readonly Failure[];
  /** The client library kind whose instrumentation scope its spans carry. */
  readonly library?: Library;
}

const BROKER_FAILURES: readonly Failure[] = [
  failure("timeout", { type: "TimeoutError", message: "Timed out sending message to {destination}" }),
  failure("_OTHER", { type: "ConnectionError", message: "Connection to broker lost" }),
];

export const KAFKA: MessagingSystem = {
  name: "kafka",
  send: "send",
  host: "kafka",
  port: 9092,
  group: "messaging.consumer.group.name",
  partitioned: true,
  library: "kafka",
  // Kafka protocol error codes, as the Kafka conventions' examples use them.
  failures: [
    failure("REQUEST_TIMED_OUT", {
      type: "TimeoutException",
      message: "Expiring 1 record(s) for {destination}: 30000 ms has passed since batch creation",
    }),
    failure("NOT_ENOUGH_REPLICAS", {
      type: "NotEnoughReplicasException",
      message: "Messages are rejected since there are fewer in-sync replicas than required",
    }),
    failure("NOT_LEADER_OR_FOLLOWER", {
      type: "NotLeaderOrFollowerException",
      message: "This server is not the leader for that topic-partition",
    }),
  ],
};

const RABBITMQ: MessagingSystem = {
  name: "rabbitmq",
  send: "publish",
  host: "rabbitmq",
  port: 5672,
  partitioned: false,
  library: "rabbitmq",
  // AMQP 0-9-1 reply codes as text, like the conventions' `channel-error` example.
  failures: [
    failure("channel-error", { type: "ChannelError", message: "NOT_FOUND - no exchange '{destination}' in vhost '/'" }),
    failure("connection-forced", {
      type: "ConnectionClosedError",
      message: "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'",
    }),
    failure("timeout", { type: "TimeoutError", message: "Timed out waiting for publisher confirm" }),
  ],
};

const simple = (
  name: string,
  send: string,
  host: string,
  port: number,
  group?: MessagingSystem["group"],
): MessagingSystem => ({ name, send, host, port, partitioned: false, failures: BROKER_FAILURES, group });

const SYSTEMS: readonly HintRule<MessagingSystem>[] = [
  { value: RABBITMQ, contains: ["rabbit", "amqp"] },
  { value: simple("aws_sqs", "send", "sqs.us-east-1.amazonaws.com", 443), contains: ["sqs"] },
  { value: simple("aws.sns", "publish", "sns.us-east-1.amazonaws.com", 443), contains: ["sns"] },
  {
    value: simple("gcp_pubsub", "send", "pubsub.googleapis.com", 443, "messaging.destination.subscription.name"),
    contains: ["pubsub"],
  },
  {
    value: simple(
      "servicebus",
      "send",
      "messaging.servicebus.windows.net",
      5671,
      "messaging.destination.subscription.name",
    ),
    contains: ["servicebus"],
  },
  {
    value: simple("eventhubs", "send", "events.servicebus.windows.net", 5671, "messaging.consumer.group.name"),
    contains: ["eventhub"],
  },
  { value: simple("pulsar", "send", "pulsar", 6650, "messaging.destination.subscription.name"), contains: ["pulsar"] },
  { value: simple("activemq", "send", "activemq", 61616), contains: ["activemq", "artemis"] },
  { value: simple("rocketmq", "send", "rocketmq", 9876, "messaging.consumer.group.name"), contains: ["rocketmq"] },
  { value: simple("nats", "publish", "nats", 4222), contains: ["jetstream"], equals: ["nats"] },
  { value: KAFKA, contains: ["kafka", "redpanda", "msk"] },
];

/** The system the names point to; Kafka when they name none. */
export function inferMessagingSystem(names: readonly string[]): MessagingSystem {
  return hint(names, SYSTEMS) ?? KAFKA;
}

/** `error.type` and the exception of a failure, with the destination filled into its message. */
export function forDestination(failures: readonly Failure[], destination: string): Failure[] {
  return failures.map(({ attributes, exception }) => ({
    attributes,
    exception: { type: exception.type, message: exception.message.replace("{destination}", destination) },
  }));
}

/** `messaging.system.name` (`messaging.system` up to v1.24) and where the broker is: what both sides share. */
export function brokerAttributes(system: MessagingSystem, era: OperationContext["semconv"]): KeyValue[] {
  const { latest, old } = eras(era);
  const out: KeyValue[] = [];
  if (latest) out.push(constantAttribute("messaging.system.name", system.name));
  if (old) out.push(constantAttribute("messaging.system", system.name));
  out.push(constantAttribute("server.address", system.host), constantAttribute("server.port", system.port));
  return out;
}

/** The consumer group attribute of the era: Kafka's was `messaging.kafka.consumer.group` up to v1.24. */
export function groupAttributes(system: MessagingSystem, era: OperationContext["semconv"], group: string): KeyValue[] {
  if (!system.group) return [];
  const { latest, old } = eras(era);
  const out: KeyValue[] = [];
  if (latest || system.name !== "kafka") out.push(constantAttribute(system.group, group));
  if (old && system.name === "kafka") out.push(constantAttribute("messaging.kafka.consumer.group", group));
  return out;
}

/** Kafka client libraries' exception types for a broker error named like the Java client's class. */
const KAFKA_TYPES: Readonly<Record<string, (type: string) => string>> = {
  java: (type) => `org.apache.kafka.common.errors.${type}`,
  go: () => "sarama.KError",
  python: (type) => `kafka.errors.${type.replace(/Exception$/, "Error")}`,
  nodejs: () => "KafkaJSProtocolError",
  dotnet: () => "Confluent.Kafka.ProduceException`2",
};

/** A send failure as the service's client library reports it. */
export function brokerFailure(system: MessagingSystem, failure: Failure, language: string | undefined): Failure {
  const shape = system.name === "kafka" && language !== undefined ? KAFKA_TYPES[language] : undefined;
  if (!shape) return failure;
  return { attributes: failure.attributes, exception: { ...failure.exception, type: shape(failure.exception.type) } };
}
