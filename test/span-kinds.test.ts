import { describe, expect, test } from "bun:test";
import spanKinds from "../plugins/span-kinds/index.ts";
import type { DescribedCall, KeyValue, OperationContext, OperationModel } from "../src/index.ts";
import { hashSeed, requestRandom } from "../src/engine/seed.ts";
import { checkPlugin, checkSpanKinds } from "../src/testing/index.ts";

type Kind = keyof typeof spanKinds.spanKinds;

const compile = (kind: Kind, operation: string, service = "svc", template = service): OperationModel =>
  spanKinds.spanKinds[kind].operation({ operation, service, template });

/** Attributes as a plain record: `{ "http.route": "/x", "http.response.status_code": 200 }`. */
function record(attributes: readonly KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(attributes.map(({ key, value }) => [key, Object.values(value)[0]]));
}

/** `n` descriptions of one model, each from its own request's randomness. */
function draws(model: OperationModel, failed: boolean, n = 500): DescribedCall[] {
  return Array.from({ length: n }, (_, i) => model.describe(requestRandom(hashSeed("span-kinds"), i), failed));
}

/** Operations as users write them, on services named as users name them, with the kind they use. */
const REALISTIC_BY_KIND: readonly (readonly [Kind, OperationContext])[] = [
  ["server", { operation: "GET /api/users", service: "user-service", template: "http-server" }],
  ["server", { operation: "GET /products/{id}", service: "storefront", template: "web-frontend" }],
  ["server", { operation: "POST /api/orders", service: "api", template: "api-service" }],
  ["server", { operation: "DELETE /carts/:cartId/items/{item_uuid}", service: "cart", template: "api" }],
  ["server", { operation: "GET /search?q={q}", service: "search", template: "api" }],
  ["server", { operation: "acme.shop.v1.CartService/AddItem", service: "cart", template: "grpc" }],
  ["server", { operation: "Greeter/SayHello", service: "greeter", template: "grpc" }],
  ["server", { operation: "handle-webhook", service: "hooks", template: "hooks" }],
  ["client", { operation: "SELECT", service: "users-db", template: "database-client" }],
  ["client", { operation: "INSERT", service: "orders-mysql", template: "database-client" }],
  ["client", { operation: "UPSERT", service: "ledger-sqlserver", template: "db" }],
  ["client", { operation: "UPDATE accounts", service: "bank-oracle", template: "db" }],
  ["client", { operation: "SELECT * FROM users WHERE id = 42", service: "app-sqlite", template: "db" }],
  ["client", { operation: "HGET", service: "session-cache", template: "redis" }],
  ["client", { operation: "find", service: "events-mongo", template: "db" }],
  ["client", { operation: "POST /v1/charges", service: "api.stripe.com", template: "payments" }],
  ["producer", { operation: "publish orders", service: "orders-out", template: "order-publisher" }],
  ["consumer", { operation: "process orders", service: "fulfilment", template: "fulfilment-worker" }],
  ["internal", { operation: "compute-price", service: "pricing", template: "pricing-engine" }],
];
const REALISTIC = REALISTIC_BY_KIND.map(([, context]) => context);

describe("conformance", () => {
  test("the plugin", () => checkPlugin(spanKinds));
  test("every kind describes realistic operations consistently with failed", () =>
    checkSpanKinds(spanKinds, REALISTIC));
});

test("the five kinds keep their OTLP kinds and call shapes", () => {
  const shapes = Object.fromEntries(Object.entries(spanKinds.spanKinds).map(([n, k]) => [n, [k.otlpKind, k.call]]));
  expect(shapes).toEqual({
    server: [2, "request"],
    client: [3, "direct"],
    producer: [4, "direct"],
    consumer: [5, "message"],
    internal: [1, "direct"],
  });
});

test("span names are low-cardinality: no ids, uuids or literals", () => {
  for (const [kind, context] of REALISTIC_BY_KIND) {
    const model = spanKinds.spanKinds[kind].operation(context);
    for (const name of [model.name, model.callerName]) {
      expect(name, `${kind} ${context.operation}`).not.toMatch(/\d{2,}|[0-9a-f]{8}-[0-9a-f]{4}|'/);
    }
  }
});

describe("server: HTTP", () => {
  const model = compile("server", "GET /api/users/{id}", "user-service");

  test("named `{method} {route}`, its callers `{method}`, with the HTTP duration metrics", () => {
    expect(model.name).toBe("GET /api/users/{id}");
    expect(model.callerName).toBe("GET");
    expect(model.metric).toBe("http.server.request.duration");
    expect(model.callerMetric).toBe("http.client.request.duration");
    expect(model.metricAttributes).toEqual(
      expect.arrayContaining(["http.request.method", "http.route", "http.response.status_code", "error.type"]),
    );
  });

  test("server and client spans carry the required attributes; the path fills the route", () => {
    for (const call of draws(model, false, 50)) {
      const server = record(call.attributes);
      expect(server).toMatchObject({
        "http.request.method": "GET",
        "http.route": "/api/users/{id}",
        "url.scheme": "http",
        "server.address": "user-service",
        "server.port": 8080,
      });
      expect(server["url.path"]).toMatch(/^\/api\/users\/\d+$/);
      expect(server["client.address"]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(typeof server["user_agent.original"]).toBe("string");
      expect(["1.1", "2"]).toContain(server["network.protocol.version"] as string);
      const client = record(call.callerAttributes);
      expect(client).toMatchObject({
        "http.request.method": "GET",
        "server.address": "user-service",
        "server.port": 8080,
      });
      expect(client["url.full"]).toBe(`http://user-service:8080${server["url.path"]}`);
      expect(client["http.response.status_code"]).toBe(server["http.response.status_code"]);
    }
  });

  test("success is 200, 201 for POST, 204 for DELETE", () => {
    const status = (operation: string) =>
      new Set(
        draws(compile("server", operation), false, 50).map((c) => record(c.attributes)["http.response.status_code"]),
      );
    expect(status("GET /api/users")).toContain(200);
    expect(status("POST /api/orders")).toContain(201);
    expect(status("DELETE /api/orders/{id}")).toContain(204);
  });

  test("about 1% of successes are 4xx: no error on the server span, an error on the client span", () => {
    const calls = draws(model, false, 20_000);
    const rejected = calls.filter((c) => (record(c.attributes)["http.response.status_code"] as number) >= 400);
    expect(rejected.length).toBeGreaterThan(100);
    expect(rejected.length).toBeLessThan(400);
    for (const call of rejected) {
      const code = record(call.attributes)["http.response.status_code"] as number;
      expect(code).toBeLessThan(500);
      expect(record(call.attributes)["error.type"]).toBeUndefined();
      expect(call.callerFailed).toBe(true);
      expect(record(call.callerAttributes)["error.type"]).toBe(String(code));
    }
    // A route that names a resource mostly misses with 404.
    const codes = rejected.map((c) => record(c.attributes)["http.response.status_code"]);
    expect(codes.filter((c) => c === 404).length).toBeGreaterThan(codes.length / 3);
  });

  test("failures are 5xx with error.type the code on both sides, and an exception", () => {
    for (const call of draws(model, true, 200)) {
      const code = record(call.attributes)["http.response.status_code"] as number;
      expect([500, 502, 503, 504]).toContain(code);
      expect(record(call.attributes)["error.type"]).toBe(String(code));
      expect(record(call.callerAttributes)["error.type"]).toBe(String(code));
      expect(call.callerFailed).toBe(true);
      expect(call.exception?.type).toMatch(/^[A-Z]\w+$/);
    }
  });

  test("parameters look like their names: ids are numbers, uuids are UUIDs, slugs are words", () => {
    const path = (operation: string) =>
      record(draws(compile("server", operation), false, 1)[0]!.attributes)["url.path"];
    expect(path("GET /orders/{order_id}")).toMatch(/^\/orders\/\d+$/);
    expect(path("GET /sessions/{sessionUuid}")).toMatch(
      /^\/sessions\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(path("GET /blog/{slug}")).toMatch(/^\/blog\/[a-z]+-[a-z]+$/);
    expect(path("GET /users/:userId")).toMatch(/^\/users\/\d+$/);
  });
});

describe("server: gRPC", () => {
  const model = compile("server", "acme.shop.v1.CartService/AddItem", "cart");

  test("both sides are named after the fully-qualified method, with the RPC duration metrics", () => {
    expect(model.name).toBe("acme.shop.v1.CartService/AddItem");
    expect(model.callerName).toBe("acme.shop.v1.CartService/AddItem");
    expect(model.metric).toBe("rpc.server.call.duration");
    expect(model.callerMetric).toBe("rpc.client.call.duration");
  });

  test("rpc.system.name, rpc.method and the status code name; failures and client-caused codes", () => {
    const ok = record(draws(model, false, 1)[0]!.attributes);
    expect(ok).toMatchObject({
      "rpc.system.name": "grpc",
      "rpc.method": "acme.shop.v1.CartService/AddItem",
      "rpc.status_code": "OK",
      "server.address": "cart",
    });
    for (const call of draws(model, true, 100)) {
      const code = record(call.attributes)["rpc.status_code"];
      expect(["UNAVAILABLE", "INTERNAL", "DEADLINE_EXCEEDED"]).toContain(code as string);
      expect(record(call.attributes)["error.type"]).toBe(code);
      expect(record(call.callerAttributes)["error.type"]).toBe(code);
    }
    const rejected = draws(model, false, 5000).filter((c) => record(c.attributes)["rpc.status_code"] !== "OK");
    expect(rejected.length).toBeGreaterThan(0);
    for (const call of rejected) {
      expect(record(call.attributes)["error.type"]).toBeUndefined();
      expect(call.callerFailed).toBe(true);
    }
  });
});

test("server: other operations are named as written, with error.type _OTHER on failure", () => {
  const model = compile("server", "handle-webhook");
  expect(model.name).toBe("handle-webhook");
  expect(draws(model, false, 1)[0]!.attributes).toEqual([]);
  expect(record(draws(model, true, 1)[0]!.attributes)).toEqual({ "error.type": "_OTHER" });
});

describe("client: databases", () => {
  test("a bare SQL verb becomes a parameterized query on the table the service stands for", () => {
    const model = compile("client", "SELECT", "users-db", "database-client");
    expect(model.name).toBe("SELECT users");
    expect(model.metric).toBe("db.client.operation.duration");
    for (const call of draws(model, false, 20)) {
      const span = record(call.attributes);
      expect(span).toMatchObject({
        "db.system.name": "postgresql",
        "db.namespace": "users.public",
        "db.operation.name": "SELECT",
        "db.collection.name": "users",
        "db.query.summary": "SELECT users",
        "server.address": "users-db",
        "server.port": 5432,
      });
      expect(span["db.query.text"]).toMatch(/^SELECT .* FROM users WHERE .*\$1/);
    }
  });

  test("the system is inferred from the names, with its port and parameter style", () => {
    const span = (service: string, operation = "SELECT") =>
      record(draws(compile("client", operation, service), false, 1)[0]!.attributes);
    expect(span("orders-mysql")).toMatchObject({
      "db.system.name": "mysql",
      "server.port": 3306,
      "db.collection.name": "orders",
    });
    expect(span("orders-mysql")["db.query.text"]).toContain("id = ?");
    expect(span("catalog-mariadb")["db.system.name"]).toBe("mariadb");
    expect(span("ledger-mssql")).toMatchObject({ "db.system.name": "microsoft.sql_server", "server.port": 1433 });
    expect(span("ledger-mssql")["db.query.text"]).toContain("@p1");
    expect(span("hr-oracle")).toMatchObject({ "db.system.name": "oracle.db", "server.port": 1521 });
    expect(span("events-cassandra")["db.system.name"]).toBe("cassandra");
    expect(span("local-sqlite")["db.system.name"]).toBe("sqlite");
    expect(span("local-sqlite")["server.address"]).toBeUndefined();
    expect(span("orders-pg")["db.system.name"]).toBe("postgresql");
    expect(span("catalog-db")).toMatchObject({ "db.system.name": "postgresql", "db.collection.name": "catalog" });
    expect(span("events-mongo", "insertOne")).toMatchObject({
      "db.system.name": "mongodb",
      "db.operation.name": "insert",
      "db.collection.name": "events",
    });
  });

  test("written SQL is sanitized, summarized, and its single table becomes the collection", () => {
    const model = compile("client", "SELECT name FROM users WHERE email = 'a@b.c' AND age > 30", "shop-db");
    const span = record(draws(model, false, 1)[0]!.attributes);
    expect(model.name).toBe("SELECT users");
    expect(span["db.query.text"]).toBe("SELECT name FROM users WHERE email = ? AND age > ?");
    expect(span["db.collection.name"]).toBe("users");
    const join = compile("client", "SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id", "shop-db");
    expect(join.name).toBe("SELECT orders customers");
    expect(record(draws(join, false, 1)[0]!.attributes)["db.collection.name"]).toBeUndefined();
  });

  test("failures set error.type to the database's status code when it returned one", () => {
    const model = compile("client", "INSERT", "orders-postgres");
    const types = new Set<unknown>();
    for (const call of draws(model, true, 300)) {
      const span = record(call.attributes);
      types.add(span["error.type"]);
      if (span["db.response.status_code"] !== undefined) {
        expect(span["error.type"]).toBe(span["db.response.status_code"]);
      }
      expect(call.exception?.message.length).toBeGreaterThan(0);
    }
    expect(types).toContain("23505"); // a write can violate a unique constraint
    const reads = new Set(
      draws(compile("client", "SELECT", "orders-postgres"), true, 300).map((c) => record(c.attributes)["error.type"]),
    );
    expect(reads).not.toContain("23505");
  });

  test("Redis commands are named after the command, with CLI-syntax query text", () => {
    const model = compile("client", "HGET", "session-cache", "redis");
    expect(model.name).toBe("HGET");
    const span = record(draws(model, false, 1)[0]!.attributes);
    expect(span).toMatchObject({ "db.system.name": "redis", "db.operation.name": "HGET", "server.port": 6379 });
    expect(span["db.query.text"]).toMatch(/^HGET session:\d+ field$/);
    expect(record(draws(compile("client", "SET", "session-cache"), false, 1)[0]!.attributes)["db.query.text"]).toMatch(
      /^SET session:\d+ \? EX 3600$/,
    );
  });
});

test("client: `METHOD /path` is a call to an external HTTP API", () => {
  const model = compile("client", "POST /v1/charges", "api.stripe.com", "payments");
  expect(model.name).toBe("POST");
  expect(model.metric).toBe("http.client.request.duration");
  const ok = record(draws(model, false, 1)[0]!.attributes);
  expect(ok).toMatchObject({
    "http.request.method": "POST",
    "url.full": "https://api.stripe.com/v1/charges",
    "server.address": "api.stripe.com",
    "server.port": 443,
  });
  expect(ok["http.response.status_code"]).toBeLessThan(300);
});

describe("messaging", () => {
  test("producer: `{operation} {destination}`, a send, on the system the names point to", () => {
    const model = compile("producer", "publish orders", "orders-out", "order-publisher");
    expect(model.name).toBe("publish orders");
    const span = record(draws(model, false, 1)[0]!.attributes);
    expect(span).toMatchObject({
      "messaging.system.name": "kafka",
      "messaging.operation.type": "send",
      "messaging.operation.name": "publish",
      "messaging.destination.name": "orders",
    });
    expect(typeof span["messaging.message.id"]).toBe("string");
    expect(span["messaging.message.body.size"]).toBeGreaterThan(0);
    expect(compile("producer", "orders", "rabbit-publisher").name).toBe("publish orders");
    expect(compile("producer", "orders", "billing-sqs").name).toBe("send orders");
    expect(
      record(draws(compile("producer", "invoices", "notify-sns"), false, 1)[0]!.attributes)["messaging.system.name"],
    )
      .toBe(
        "aws.sns",
      );
  });

  test("consumer: a process span; its caller's producer span shares the message and ignores its failure", () => {
    const model = compile("consumer", "process orders", "fulfilment", "fulfilment-worker");
    expect(model.name).toBe("process orders");
    expect(model.callerName).toBe("send orders");
    expect(model.metric).toBe("messaging.process.duration");
    expect(model.callerMetric).toBe("messaging.client.operation.duration");
    const ok = draws(model, false, 50);
    const failed = draws(model, true, 50);
    for (let i = 0; i < ok.length; i++) {
      const consumer = record(ok[i]!.attributes);
      const producer = record(ok[i]!.callerAttributes);
      expect(consumer).toMatchObject({
        "messaging.operation.type": "process",
        "messaging.destination.name": "orders",
        "messaging.consumer.group.name": "fulfilment",
      });
      expect(producer["messaging.operation.type"]).toBe("send");
      expect(producer["messaging.message.id"]).toBe(consumer["messaging.message.id"]);
      expect(failed[i]!.callerAttributes).toEqual(ok[i]!.callerAttributes);
      expect(failed[i]!.callerFailed).toBe(false);
    }
  });
});

test("internal: named as written, with the function that does the work", () => {
  const model = compile("internal", "compute-price", "pricing", "pricing-engine");
  expect(model.name).toBe("compute-price");
  expect(record(draws(model, false, 1)[0]!.attributes)).toEqual({ "code.function.name": "PricingEngine.computePrice" });
  expect(record(draws(model, true, 1)[0]!.attributes)["error.type"]).toBeDefined();
});

test("the same randomness gives the same description", () => {
  for (const [kind, definition] of Object.entries(spanKinds.spanKinds)) {
    for (const context of REALISTIC) {
      const model = definition.operation(context);
      for (const failed of [false, true]) {
        expect(draws(model, failed, 20), `${kind} ${context.operation}`).toEqual(draws(model, failed, 20));
      }
    }
  }
});

test("describe does no regex work: every pattern is compiled into the model beforehand", () => {
  const models = Object.values(spanKinds.spanKinds).flatMap((definition) =>
    REALISTIC.map((c) => definition.operation(c))
  );
  const prototype = RegExp.prototype as unknown as Record<PropertyKey, unknown>;
  const patched = ["exec", Symbol.match, Symbol.matchAll, Symbol.replace, Symbol.search, Symbol.split];
  const saved = patched.map((key) => prototype[key]);
  let regexCalls = 0;
  for (const key of patched) {
    prototype[key] = function () {
      regexCalls++;
      throw new Error("regex in describe");
    };
  }
  try {
    for (const model of models) for (const failed of [false, true]) draws(model, failed, 20);
  } finally {
    patched.forEach((key, i) => (prototype[key] = saved[i]));
  }
  expect(regexCalls).toBe(0);
});
