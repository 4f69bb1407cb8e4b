import { SCHEMA_COMMENT } from "../config/schema-url.ts";

// What `dreamweaver init` writes: small, commented configs that validate and run as they are. Every
// field is in docs/configuration.md; examples/ has bigger systems.

const TRY = (file: string) =>
  `# Check it with \`dreamweaver validate ${file}\`, run it with \`dreamweaver ${file} --sink\` (no collector needed).`;

const OUTPUT = `# Where telemetry goes: an OTLP/gRPC receiver such as an OpenTelemetry Collector.
output:
  endpoint: grpc://localhost:4317
`;

const MINIMAL = (file: string) =>
  `${SCHEMA_COMMENT}
# One web service calling one database: the smallest system worth a trace.
${TRY(file)}
seed: "my-system" # same seed, same telemetry

# What each kind of service emits; services below say which template they use.
templates:
  web:
    traces: { span_kind: server, operations: ["GET /api/items/{id}", "POST /api/items"], error_rate: 0.01 }
  postgres:
    traces: { span_kind: client, operations: [SELECT, INSERT], base_duration_ms: 5 }

# The services and who calls whom; one without callers is where requests enter.
services:
  - { name: frontend, type: web, downstream: [items-db] }
  - { name: items-db, type: postgres }

workload: { rate: 10/s, duration: 1m }

${OUTPUT}`;

const WEB = (file: string) =>
  `${SCHEMA_COMMENT}
# A web shop: a frontend, an API with a cache and a database, traces with logs and metrics.
${TRY(file)}
seed: "my-web-shop" # same seed, same telemetry

templates:
  web-frontend:
    language: nodejs
    traces:
      span_kind: server
      operations: ["GET /", "GET /products/{id}", "POST /checkout"]
      error_rate: 0.005 # of this service's own spans
      base_duration_ms: 80 # median; durations vary around it with a tail
    logs:
      - patterns: ["{http_method} {url_path} from {ip} took {duration}ms"]
      - patterns: ["request {request_id} failed: {error}"]
        severity: error # error logs belong to failing spans
  api:
    language: java
    traces:
      span_kind: server
      operations: ["GET /api/products/{id}", "POST /api/orders"]
      error_rate: 0.01
      base_duration_ms: 30
    metrics:
      - { name: http.server.active_requests, type: updowncounter, unit: "{request}" } # follows the load
      - { name: jvm.memory.used, type: gauge, unit: By }
  redis:
    traces: { span_kind: client, operations: [GET, SET], base_duration_ms: 1 }
  postgres:
    traces: { span_kind: client, operations: [SELECT, INSERT, UPDATE], base_duration_ms: 6, error_rate: 0.001 }

services:
  - { name: storefront, type: web-frontend, downstream: [shop-api] }
  - { name: shop-api, type: api, replicas: 2, downstream: [product-cache, shop-db] }
  - { name: product-cache, type: redis }
  - { name: shop-db, type: postgres }

workload: { rate: 20/s, duration: 5m }

${OUTPUT}`;

const QUEUE = (file: string) =>
  `${SCHEMA_COMMENT}
# Work through a queue: an API publishes orders, a worker consumes them; the traces link across it.
${TRY(file)}
seed: "my-order-pipeline" # same seed, same telemetry

templates:
  api:
    traces: { span_kind: server, operations: ["POST /api/orders"], error_rate: 0.01, base_duration_ms: 25 }
  publisher:
    traces: { span_kind: producer, operations: ["publish orders"], base_duration_ms: 2 }
  worker:
    language: go
    traces:
      span_kind: consumer # its span links to the PRODUCER span that sent the message
      operations: ["process orders"]
      error_rate: 0.02
      base_duration_ms: 150
    metrics:
      - { name: messaging.client.consumed.messages, type: counter }
    logs:
      - patterns: ["order for user {user_id} processed in {duration}ms"]
  postgres:
    traces: { span_kind: client, operations: [INSERT, UPDATE], base_duration_ms: 8 }

services:
  - { name: orders-api, type: api, downstream: [orders-out] }
  - { name: orders-out, type: publisher, downstream: [fulfilment] }
  - { name: fulfilment, type: worker, downstream: [orders-db] }
  - { name: orders-db, type: postgres }

workload: { rate: 10/s, duration: 5m }

${OUTPUT}`;

/** The configs `dreamweaver init --template` writes, by name; each is handed the file name it goes to. */
export const INIT_TEMPLATES = { web: WEB, queue: QUEUE, minimal: MINIMAL } as const;

export type InitTemplate = keyof typeof INIT_TEMPLATES;
