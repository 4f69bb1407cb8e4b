import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Settings } from "../src/config/settings.ts";
import { loadSettings } from "./helpers/run.ts";
import { type InstancePlan, planRun, type RunPlan, type SemconvMetric } from "../src/engine/plan.ts";
import { simulateRequest } from "../src/engine/simulate.ts";
import type { KeyValue, LogRecord, SpanRecord } from "../src/telemetry/records.ts";
import { ROOT } from "./helpers/cli.ts";
import { GRPC_CODES } from "../plugins/span-kinds/semconv/grpc-status.ts";
import { inLanguage, stacktrace } from "../plugins/span-kinds/semconv/exceptions.ts";
import { semconvNames, semconvProblems, semconvVersion } from "./helpers/semconv-check.ts";
import { loadYaml } from "./helpers/config.ts";

/** Loads a config written as an object, with a small workload and output added. */
function config(data: Record<string, unknown>): Promise<Settings> {
  const yaml = JSON.stringify({
    workload: { rate: "10/s", duration: "10s" },
    output: { endpoint: "grpc://localhost:4317" },
    ...data,
  });
  return loadYaml(yaml);
}

const START_US = 1_767_225_600_000_000;

interface Emitted {
  readonly spans: { readonly instance: InstancePlan; readonly span: SpanRecord }[];
  readonly logs: { readonly instance: InstancePlan; readonly log: LogRecord }[];
  /** Convention histogram names, with the services whose spans feed them. */
  readonly metrics: Map<string, Set<string>>;
}

/** Simulates requests 0..n-1 and keeps everything they emit. */
function simulate(plan: RunPlan, requests: number): Emitted {
  const emitted: Emitted = { spans: [], logs: [], metrics: new Map() };
  const addMetric = (metric: SemconvMetric | undefined, service: string): void => {
    if (!metric) return;
    emitted.metrics.set(metric.name, (emitted.metrics.get(metric.name) ?? new Set()).add(service));
    addMetric(metric.also, service);
  };
  for (let i = 0; i < requests; i++) {
    simulateRequest(plan, i, START_US + i * 10_000, {
      span: (instance, span, metric) => {
        emitted.spans.push({ instance, span });
        addMetric(metric, instance.service.name);
      },
      log: (instance, log) => emitted.logs.push({ instance, log }),
      handled: () => {},
    });
  }
  return emitted;
}

/** The keys and metric names the config itself writes: the user's own. */
function userNames({ config }: Settings): Set<string> {
  const own = new Set<string>();
  for (const template of config.templates.values()) {
    for (const a of [...template.attributes, ...template.resourceAttributes]) own.add(a.key);
    for (const m of template.metrics) own.add(m.name);
  }
  for (const service of config.services) {
    for (const a of [...service.attributes, ...service.resourceAttributes]) own.add(a.key);
  }
  return own;
}

/** First place each key was seen. */
function keysOf(into: Map<string, string>, attributes: readonly KeyValue[], where: string): void {
  for (const { key } of attributes) if (!into.has(key)) into.set(key, where);
}

const attributes = (span: SpanRecord) =>
  Object.fromEntries(span.attributes.map((a) => [a.key, Object.values(a.value)[0]]));
const value = (span: SpanRecord, key: string) => span.attributes.find((a) => a.key === key)?.value;
const resource = (instance: InstancePlan, key: string) =>
  instance.resource.attributes.find((a) => a.key === key)?.value;

const EXAMPLES = readdirSync(join(ROOT, "examples")).filter((file) => file.endsWith(".yaml"));

describe(`every emitted name is current in @opentelemetry/semantic-conventions ${semconvVersion()}`, () => {
  test("the package's deprecation list is read", () => {
    const names = semconvNames();
    expect(names.get("messaging.system")?.deprecated).toContain("messaging.system.name");
    expect(names.get("rpc.status_code")?.deprecated).toBeUndefined();
    expect(names.get("rpc.server.duration")?.kind).toBe("metric");
    expect(names.size).toBeGreaterThan(1000);
  });

  for (const example of EXAMPLES) {
    test(`examples/${example}: span, event, log and resource keys and metric names`, async () => {
      expect(problemsOf(await loadSettings(join(ROOT, "examples", example)), 3000)).toEqual([]);
    });
  }

  const DATABASES = [
    ["orders-postgres", "pg"],
    ["accounts-mysql", "mysql"],
    ["ledger-mssql", "mssql"],
    ["session-redis", "redis"],
    ["memcached", "memcached"],
    ["events-mongo", "mongo"],
    ["catalog-cassandra", "cassandra"],
  ];

  test("every built-in span kind, system and language, failing often", async () => {
    const server = (operations: string[], language: string, extra = {}) => ({
      language,
      exceptions: "both",
      traces: { span_kind: "server", operations, error_rate: 0.3, ...extra },
    });
    const client = (operations: string[], language: string) => ({
      language,
      traces: { span_kind: "client", operations, error_rate: 0.3 },
    });
    const loaded = await config({
      seed: "everything",
      templates: {
        web: server(["GET /api/items/{id}", "POST /api/items"], "nodejs"),
        rpc: server(["GetItem", "acme.v1.Items/List"], "java"),
        connect: server(["Lookup"], "go", { rpc: { system: "connectrpc", service: "acme.v1.Lookup" } }),
        jsonrpc: server(["eth_getBalance"], "python", { rpc: { system: "jsonrpc" } }),
        dubbo: server(["Pay"], "dotnet", { rpc: { system: "dubbo" } }),
        ruby: server(["GET /health"], "ruby"),
        php: server(["GET /quote"], "php"),
        pg: client(["SELECT", "INSERT orders"], "go"),
        mysql: client(["UPDATE accounts"], "python"),
        mssql: client(["DELETE"], "dotnet"),
        redis: client(["GET", "HSET"], "java"),
        memcached: client(["get"], "nodejs"),
        mongo: client(["find", "insertOne"], "python"),
        cassandra: client(["SELECT"], "java"),
        stripe: client(["POST /v1/charges"], "ruby"),
        external: client(["Charge"], "go"),
        internal: { language: "rust", traces: { span_kind: "internal", operations: ["compute-tax"], error_rate: 0.3 } },
        ...Object.fromEntries(
          ["kafka", "rabbitmq", "sqs", "sns", "pubsub", "servicebus", "eventhubs", "pulsar", "nats"].flatMap((name) => [
            [`${name}-out`, {
              language: "java",
              traces: { span_kind: "producer", operations: [`send ${name}-topic`] },
            }],
            [`${name}-in`, {
              language: "cpp",
              exceptions: "logs",
              traces: { span_kind: "consumer", operations: [`${name}-topic process`], error_rate: 0.3 },
            }],
          ]),
        ),
      },
      services: [
        {
          name: "web",
          type: "web",
          downstream: ["rpc", "connect", "jsonrpc", "dubbo", "ruby", "php", "stripe", "external", "internal"],
        },
        { name: "rpc", type: "rpc", downstream: [...DATABASES.map(([name]) => name), "kafka-in", "kafka-out"] },
        ...["connect", "jsonrpc", "dubbo", "ruby", "php", "stripe", "external", "internal"].map((name) => ({
          name,
          type: name,
        })),
        ...DATABASES.map(([name, type]) => ({ name, type })),
        ...["kafka", "rabbitmq", "sqs", "sns", "pubsub", "servicebus", "eventhubs", "pulsar", "nats"].flatMap((
          name,
        ) => [
          { name: `${name}-out`, type: `${name}-out`, downstream: [`${name}-in`] },
          { name: `${name}-in`, type: `${name}-in` },
        ]),
      ],
      deployment: { kubernetes: true, cloud: "gcp", namespace: "shop" },
    });
    expect(problemsOf(loaded, 2000)).toEqual([]);
  });
});

/**
 * What is wrong with the names a config's run emits, on the services that follow the latest conventions:
 * span, event, log and resource keys, and convention histograms, each current in the package or the user's.
 */
function problemsOf(loaded: Settings, requests: number): string[] {
  const plan = planRun(loaded);
  // Services pinned to an older era emit older names on purpose.
  const latest = new Set(
    loaded.graph.services.filter((node) => node.template.semconv === "latest").map((node) => node.name),
  );
  const emitted = simulate(plan, requests);
  const keys = new Map<string, string>();
  for (const { instance, span } of emitted.spans) {
    if (!latest.has(instance.service.name)) continue;
    keysOf(keys, span.attributes, `span "${span.name}" of ${instance.service.name}`);
    for (const event of span.events) keysOf(keys, event.attributes, `event "${event.name}" on "${span.name}"`);
  }
  for (const { instance, log } of emitted.logs) keysOf(keys, log.attributes, `log of ${instance.service.name}`);
  for (const instance of plan.instances) keysOf(keys, instance.resource.attributes, "resource");
  const metrics = new Map(
    [...emitted.metrics].filter(([, services]) => [...services].some((service) => latest.has(service)))
      .map(([name, services]) => [name, `histogram of ${[...services].join(", ")}`]),
  );
  expect(keys.size).toBeGreaterThan(20);
  const own = userNames(loaded);
  return [...semconvProblems(keys, "attribute", own), ...semconvProblems(metrics, "metric", own)];
}

/** A small system in Go, Java and Node: an edge gateway, gRPC services with bare method names, Kafka. */
function shop(extra: { semconv?: string; exceptions?: string; language?: string } = {}) {
  return config({
    seed: "semconv",
    templates: {
      // A write at the edge, so the whole checkout (a write) runs under it: reads never call writes.
      gateway: { language: "nodejs", traces: { span_kind: "server", operations: ["POST /api/checkout"] } },
      checkout: {
        language: extra.language ?? "go",
        ...(extra.semconv && { semconv: extra.semconv }),
        ...(extra.exceptions && { exceptions: extra.exceptions }),
        traces: { span_kind: "server", operations: ["PlaceOrder"], error_rate: 0.2 },
      },
      cart: {
        language: "java",
        traces: {
          span_kind: "server",
          operations: ["GetCart"],
          error_rate: 0.2,
          rpc: { service: "oteldemo.CartService" },
        },
      },
      "orders-publisher": {
        language: extra.language ?? "go",
        ...(extra.semconv && { semconv: extra.semconv }),
        traces: { span_kind: "producer", operations: ["orders publish"] },
      },
      "fraud-detection": { language: "java", traces: { span_kind: "consumer", operations: ["orders process"] } },
      accounting: { language: "dotnet", traces: { span_kind: "consumer", operations: ["process orders"] } },
    },
    services: [
      { name: "frontend", type: "gateway", downstream: ["checkout", "cart"] },
      { name: "checkout", type: "checkout", downstream: ["cart", "orders-publisher", "accounting"], replicas: 3 },
      { name: "cart", type: "cart", replicas: 3 },
      { name: "orders-publisher", type: "orders-publisher", downstream: ["fraud-detection"] },
      { name: "fraud-detection", type: "fraud-detection" },
      { name: "accounting", type: "accounting" },
    ],
    deployment: { kubernetes: true, cloud: "aws" },
  });
}

describe("RPC: bare method names", () => {
  test("become gRPC server and client spans named after the qualified method, with duration metrics", async () => {
    const plan = planRun(await shop());
    const emitted = simulate(plan, 300);
    const server = emitted.spans.find(({ span }) => span.kind === 2 && span.name.endsWith("/GetCart"))!.span;
    expect(server.name).toBe("oteldemo.CartService/GetCart");
    expect(attributes(server)).toMatchObject({
      "rpc.system.name": "grpc",
      "rpc.method": "oteldemo.CartService/GetCart",
      "server.address": "cart",
      "server.port": 50051,
    });
    expect(typeof attributes(server)["rpc.status_code"]).toBe("string");
    const client = emitted.spans.find(({ span }) => span.kind === 3 && span.name.endsWith("/PlaceOrder"))!.span;
    expect(client.name).toBe("checkout.CheckoutService/PlaceOrder");
    expect(emitted.metrics.has("rpc.server.call.duration")).toBe(true);
    expect(emitted.metrics.has("rpc.client.call.duration")).toBe(true);
    // Every server span of the system has semantic attributes.
    for (const { span } of emitted.spans.filter(({ span }) => span.kind === 2)) {
      expect(span.attributes.length).toBeGreaterThan(3);
    }
  });

  test("gRPC failures carry the status message as the status description on both sides; HTTP servers none", async () => {
    const emitted = simulate(planRun(await shop()), 500);
    const failed = emitted.spans.filter(({ span }) => span.status?.code === 2);
    const rpc = failed.filter(({ span }) => value(span, "rpc.system.name"));
    expect(rpc.length).toBeGreaterThan(10);
    for (const { span } of rpc) expect(span.status!.message.length).toBeGreaterThan(0);
    for (const { span } of failed.filter(({ span }) => span.kind === 2 && value(span, "http.request.method"))) {
      expect(span.status!.message).toBe("");
    }
  });

  test("the v1.24 era: rpc.system, rpc.service, integer rpc.grpc.status_code, rpc.server.duration in ms", async () => {
    const plan = planRun(await shop({ semconv: "v1.24" }));
    const checkout = plan.services.find((s) => s.name === "checkout")!.span!.operations[0]!;
    expect(checkout.metric).toMatchObject({ name: "rpc.server.duration", unit: "ms" });
    const emitted = simulate(plan, 300);
    const span = emitted.spans.find(({ span }) => span.kind === 2 && span.name.endsWith("/PlaceOrder"))!.span;
    expect(attributes(span)).toMatchObject({
      "rpc.system": "grpc",
      "rpc.service": "checkout.CheckoutService",
      "rpc.method": "PlaceOrder",
    });
    expect(value(span, "rpc.grpc.status_code")).toHaveProperty("int");
    expect(value(span, "rpc.system.name")).toBeUndefined();
  });

  test("the dup era emits both eras' attributes and histograms", async () => {
    const plan = planRun(await shop({ semconv: "dup" }));
    const checkout = plan.services.find((s) => s.name === "checkout")!.span!.operations[0]!;
    expect(checkout.metric).toMatchObject({ name: "rpc.server.call.duration", unit: "s" });
    expect(checkout.metric!.also).toMatchObject({ name: "rpc.server.duration", unit: "ms" });
    const span = simulate(plan, 100).spans.find(({ span }) => span.name.endsWith("/PlaceOrder"))!.span;
    for (const key of ["rpc.system", "rpc.system.name", "rpc.service", "rpc.status_code", "rpc.grpc.status_code"]) {
      expect(value(span, key)).toBeDefined();
    }
    expect(value(span, "rpc.method")).toEqual({ string: "checkout.CheckoutService/PlaceOrder" });
  });
});

test("each side of a call follows its own service's era, and both tell the same outcome", async () => {
  // checkout (Go) is pinned to v1.24; frontend and cart follow the latest conventions.
  const emitted = simulate(planRun(await shop({ semconv: "v1.24" })), 600);
  const byId = new Map(emitted.spans.map(({ span }) => [Buffer.from(span.spanId).toString("hex"), span]));
  const clients = emitted.spans.filter(({ span }) => span.kind === 3 && span.name.endsWith("/GetCart"));
  let checked = 0;
  for (const { instance, span: client } of clients) {
    const server = emitted.spans.find(({ span }) =>
      span.parentSpanId && Buffer.from(span.parentSpanId).toString("hex") === Buffer.from(client.spanId).toString("hex")
    )!.span;
    expect(value(server, "rpc.system.name")).toEqual({ string: "grpc" });
    const code = (value(server, "rpc.status_code") as { string: string }).string;
    if (instance.service.name === "checkout") {
      expect(value(client, "rpc.system")).toEqual({ string: "grpc" });
      expect(value(client, "rpc.system.name")).toBeUndefined();
      expect(value(client, "rpc.grpc.status_code")).toEqual({ int: GRPC_CODES[code]! });
      checked++;
    } else expect(value(client, "rpc.status_code")).toEqual({ string: code });
  }
  expect(checked).toBeGreaterThan(50);
  // The frontend's CLIENT span into checkout is its own era's, though checkout's server span is v1.24.
  const intoCheckout = emitted.spans.filter(({ span }) => span.kind === 3 && span.name.endsWith("/PlaceOrder"));
  for (const { span } of intoCheckout) {
    expect(value(span, "rpc.system.name")).toEqual({ string: "grpc" });
    expect(value(span, "rpc.grpc.status_code")).toBeUndefined();
  }
  expect(byId.size).toBe(emitted.spans.length);
});

describe("messaging", () => {
  test("topic-first and verb-first names both mean destination `orders`; both sides agree on the message", async () => {
    const emitted = simulate(planRun(await shop()), 300);
    const producers = emitted.spans.filter(({ span }) => span.kind === 4).map(({ span }) => span);
    const consumers = emitted.spans.filter(({ span }) => span.kind === 5).map(({ span }) => span);
    expect(new Set(producers.map((s) => s.name))).toEqual(new Set(["send orders"]));
    expect(new Set(consumers.map((s) => s.name))).toEqual(new Set(["process orders"]));
    const byId = new Map(producers.map((s) => [Buffer.from(s.spanId).toString("hex"), s]));
    let checked = 0;
    for (const consumer of consumers) {
      const producer = byId.get(Buffer.from(consumer.parentSpanId!).toString("hex"))!;
      for (
        const key of [
          "messaging.destination.name",
          "messaging.message.id",
          "messaging.message.body.size",
          "messaging.destination.partition.id",
          "kafka.offset",
          "kafka.message.key",
        ]
      ) {
        expect({ key, value: value(producer, key) }).toEqual({ key, value: value(consumer, key)! });
      }
      checked++;
    }
    expect(checked).toBe(consumers.length);
    expect(attributes(consumers[0]!)).toMatchObject({
      "messaging.system.name": "kafka",
      "messaging.operation.type": "process",
      "messaging.operation.name": "process",
    });
    expect(consumers.some((s) => value(s, "messaging.consumer.group.name"))).toBe(true);
  });

  test("the v1.24 era names the PRODUCER span `{topic} publish` with messaging.system and messaging.operation", async () => {
    const emitted = simulate(planRun(await shop({ semconv: "v1.24" })), 100);
    const own = emitted.spans.find(({ instance, span }) =>
      instance.service.name === "orders-publisher" && span.kind === 4
    )!;
    expect(own.span.name).toBe("orders publish");
    expect(attributes(own.span)).toMatchObject({
      "messaging.system": "kafka",
      "messaging.operation": "publish",
      "messaging.destination.name": "orders",
    });
    expect(value(own.span, "messaging.kafka.message.offset")).toHaveProperty("int");
    // Its consumer follows the latest conventions: other names, the same message.
    for (
      const { span: consumer } of emitted.spans.filter(({ instance }) => instance.service.name === "fraud-detection")
    ) {
      const producer = emitted.spans.find(({ span }) =>
        Buffer.from(span.spanId).equals(Buffer.from(consumer.parentSpanId!))
      )!.span;
      expect(value(producer, "messaging.message.id")).toEqual(value(consumer, "messaging.message.id")!);
      expect(value(producer, "messaging.kafka.message.offset")).toEqual(value(consumer, "kafka.offset")!);
      expect(value(producer, "messaging.kafka.message.key")).toEqual(value(consumer, "kafka.message.key")!);
      expect(value(producer, "kafka.offset")).toBeUndefined();
    }
  });
});

describe("exceptions per language", () => {
  /**
   * The exceptions a service's spans record for failures of their own: a span failing because a call it
   * made failed records that root cause's type instead (one story per failure).
   */
  const exceptions = (emitted: Emitted, service: string) => {
    const failedParents = new Set(
      emitted.spans.filter(({ span }) => span.status?.code === 2).map(({ span }) => String(span.parentSpanId)),
    );
    return emitted.spans.filter(({ instance, span }) =>
      instance.service.name === service && !failedParents.has(String(span.spanId))
    ).flatMap(({ span }) => span.events)
      .map((event) => Object.fromEntries(event.attributes.map((a) => [a.key, Object.values(a.value)[0] as string])));
  };

  test("Go records none of its stack; Java a Java stack; .NET and Node types of their own", async () => {
    const emitted = simulate(planRun(await shop()), 1000);
    const go = exceptions(emitted, "checkout");
    expect(go.length).toBeGreaterThan(10);
    for (const e of go) {
      expect(e["exception.stacktrace"]).toBeUndefined();
      expect(e["exception.type"]).toBe("*status.Error");
      expect(e["exception.message"]).toStartWith("rpc error: code = ");
    }
    const java = exceptions(emitted, "cart");
    expect(java.length).toBeGreaterThan(10);
    for (const e of java) {
      expect(e["exception.type"]).toBe("io.grpc.StatusRuntimeException");
      expect(e["exception.stacktrace"]).toStartWith(`${e["exception.type"]}: ${e["exception.message"]}\n\tat `);
      expect(e["exception.stacktrace"]).toMatch(/\(\w+\.java:\d+\)/);
    }
  });

  test("no JavaScript wording on Java services", async () => {
    const loaded = await config({
      seed: "x",
      templates: {
        api: { language: "java", traces: { span_kind: "server", operations: ["GET /items"], error_rate: 1 } },
      },
      services: [{ name: "api", type: "api" }],
    });
    const emitted = simulate(planRun(loaded), 400);
    const types = new Set(
      emitted.spans.flatMap(({ span }) => span.events).map((e) => Object.values(e.attributes[0]!.value)[0]),
    );
    for (const type of types) expect(type).toMatch(/^(java|javax|jakarta|io|org|com)\./);
    for (const { span } of emitted.spans) {
      expect(span.events[0]!.attributes[1]!.value).not.toEqual({
        string: "Cannot read properties of undefined (reading 'id')",
      });
    }
  });

  test("`exceptions: logs` writes the operation's exception events as log records instead of span events", async () => {
    const emitted = simulate(planRun(await shop({ exceptions: "logs", language: "python" })), 500);
    const failed = emitted.spans.filter(({ instance, span }) =>
      instance.service.name === "checkout" && span.kind === 2 && span.status?.code === 2
    );
    expect(failed.length).toBeGreaterThan(10);
    for (const { span } of failed) expect(span.events).toEqual([]);
    const logs = emitted.logs.filter(({ instance }) => instance.service.name === "checkout");
    expect(logs.length).toBe(failed.length);
    for (const { log } of logs) {
      expect({ event: log.eventName, severity: log.severityNumber }).toEqual({
        event: "rpc.server.call.exception",
        severity: 17,
      });
    }
    const traceback = logs[0]!.log.attributes.find((a) => a.key === "exception.stacktrace")!.value;
    expect((traceback as { string: string }).string).toStartWith("Traceback (most recent call last):\n  File ");
  });
});

describe("identity", () => {
  test("replicas of one Deployment share a ReplicaSet; pods are <deployment>-<hash>-<5>; one zone per node", async () => {
    const plan = planRun(await shop());
    const cart = plan.instances.filter((i) => i.service.name === "cart");
    const replicaSets = new Set(cart.map((i) => (resource(i, "k8s.replicaset.name") as { string: string }).string));
    expect(replicaSets.size).toBe(1);
    const [replicaSet] = replicaSets;
    for (const instance of cart) {
      expect((resource(instance, "k8s.pod.name") as { string: string }).string).toMatch(
        new RegExp(`^${replicaSet}-[bcdfghjklmnpqrstvwxz2456789]{5}$`),
      );
    }
    expect(replicaSet).toMatch(/^cart-[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    const zones = new Map<string, Set<string>>();
    for (const instance of plan.instances) {
      const node = JSON.stringify(resource(instance, "k8s.node.name"));
      zones.set(
        node,
        (zones.get(node) ?? new Set()).add(JSON.stringify(resource(instance, "cloud.availability_zone"))),
      );
    }
    for (const set of zones.values()) expect(set.size).toBe(1);
  });

  test("browsers and public addresses at the edge only; SDK user agents and private addresses inside", async () => {
    const emitted = simulate(planRun(await shop()), 300);
    const isPrivate = (ip: string) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip);
    for (const { instance, span } of emitted.spans.filter(({ span }) => span.kind === 2)) {
      const client = (value(span, "client.address") as { string: string }).string;
      expect({ service: instance.service.name, private: isPrivate(client) }).toEqual({
        service: instance.service.name,
        private: instance.service.name !== "frontend",
      });
    }
    const agents = emitted.spans.filter(({ instance }) => instance.service.name === "frontend")
      .map(({ span }) => (value(span, "user_agent.original") as { string: string } | undefined)?.string ?? "");
    expect(agents.some((agent) => agent.startsWith("Mozilla/5.0"))).toBe(true);
  });

  test("client spans name the peer they reached: a pod address per call, a database's fixed one", async () => {
    const emitted = simulate(planRun(await shop()), 200);
    const clients = emitted.spans.filter(({ span }) => span.kind === 3);
    expect(clients.length).toBeGreaterThan(100);
    for (const { span } of clients) {
      expect((value(span, "network.peer.address") as { string: string }).string).toMatch(
        /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/,
      );
      expect(value(span, "network.peer.port")).toHaveProperty("int");
    }
    const loaded = await loadSettings(join(ROOT, "examples", "marketplace.yaml"));
    const db = simulate(planRun(loaded), 200).spans.filter(({ span }) => value(span, "db.system.name"));
    const peers = new Map<string, Set<string>>();
    for (const { span } of db) {
      const server = JSON.stringify(value(span, "server.address"));
      peers.set(server, (peers.get(server) ?? new Set()).add(JSON.stringify(value(span, "network.peer.address"))));
    }
    expect(peers.size).toBe(2);
    for (const addresses of peers.values()) expect(addresses.size).toBe(1);
  });

  test("a scope per instrumentation library, as each language names it", async () => {
    const emitted = simulate(planRun(await shop()), 100);
    const scopes = (service: string, kind: number) =>
      new Set(
        emitted.spans.filter(({ instance, span }) => instance.service.name === service && span.kind === kind)
          .map(({ span }) => `${span.scope?.name} ${span.scope?.version}`),
      );
    expect(scopes("cart", 2)).toEqual(new Set(["io.opentelemetry.grpc-1.6 2.11.0-alpha"]));
    expect(scopes("checkout", 2)).toEqual(
      new Set(["go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc 0.58.0"]),
    );
    expect(scopes("frontend", 2)).toEqual(new Set(["@opentelemetry/instrumentation-http 0.57.0"]));
    expect(scopes("frontend", 3)).toEqual(new Set(["@opentelemetry/instrumentation-grpc 0.57.0"]));
    expect(scopes("fraud-detection", 5)).toEqual(new Set(["io.opentelemetry.kafka-clients-0.11 2.11.0-alpha"]));
  });
});

test("a retried HTTP call counts its resends in http.request.resend_count", async () => {
  const loaded = await config({
    seed: "retries",
    templates: {
      edge: { traces: { span_kind: "server", operations: ["GET /a"] } },
      api: { traces: { span_kind: "server", operations: ["GET /b"], error_rate: 0.5 } },
    },
    services: [{ name: "edge", type: "edge", downstream: ["api"], retries: 2 }, { name: "api", type: "api" }],
  });
  const emitted = simulate(planRun(loaded), 300);
  const counts = emitted.spans.filter(({ span }) => span.kind === 3).map(({ span }) =>
    value(span, "http.request.resend_count")
  );
  expect(counts).toContainEqual({ int: 1 });
  expect(counts).toContainEqual({ int: 2 });
  expect(counts).toContainEqual(undefined);
});

test("generic failures read as each runtime reports them", () => {
  const refused = { type: "ConnectionError", message: "connection refused" };
  const missing = { type: "InternalServerError", message: "Cannot read properties of undefined (reading 'id')" };
  const timeout = { type: "TimeoutError", message: "Timed out after 5000 ms" };
  const table = ["java", "go", "python", "nodejs", "dotnet"].map((language) => [
    language,
    inLanguage(refused, language).type,
    inLanguage(missing, language).type,
    inLanguage(timeout, language).type,
  ]);
  expect(table).toEqual([
    ["java", "java.net.ConnectException", "java.lang.NullPointerException", "java.net.SocketTimeoutException"],
    ["go", "*net.OpError", "runtime.errorString", "context.deadlineExceededError"],
    ["python", "ConnectionRefusedError", "AttributeError", "TimeoutError"],
    ["nodejs", "ECONNREFUSED", "TypeError", "ETIMEDOUT"],
    ["dotnet", "System.Net.Http.HttpRequestException", "System.NullReferenceException", "System.TimeoutException"],
  ]);
  expect(inLanguage(missing, "nodejs").message).toBe(missing.message);
  expect(inLanguage(missing, "python").message).toBe("'NoneType' object has no attribute 'id'");
  expect(
    stacktrace(inLanguage(refused, "nodejs"), "nodejs", { owner: "Cart", method: "getCart", module: "cart", line: 7 }),
  )
    .toStartWith("Error: connect ECONNREFUSED 10.0.12.7:8080\n    at CartService.getCart (/app/src/cart.js:7:");
  expect(stacktrace(timeout, "go", { owner: "Cart", method: "getCart", module: "cart", line: 7 })).toBeUndefined();
});
