import type { InstrumentationScope, OperationContext } from "../../../src/index.ts";

// Instrumentation scopes as each language's OpenTelemetry instrumentation libraries name themselves: the
// Java agent's `io.opentelemetry.<module>`, Go contrib's module paths, Python's module names, Node's
// package names, .NET's ActivitySource names. Versions are those of releases current in early 2025.

/** What kind of library records a span. */
export type Library =
  | "http-server"
  | "http-client"
  | "grpc-server"
  | "grpc-client"
  | "kafka"
  | "rabbitmq"
  | "sql"
  | "redis"
  | "mongodb";

const JAVA = "2.11.0-alpha";
const GO = "0.58.0";
const PYTHON = "0.50b0";
const NODE = "0.57.0";
const DOTNET = "1.10.0-beta.1";

const scope = (name: string, version: string): InstrumentationScope => ({ name, version });

const GO_CONTRIB = "go.opentelemetry.io/contrib/instrumentation";

const SCOPES: Readonly<Record<string, Readonly<Partial<Record<Library, InstrumentationScope>>>>> = {
  java: {
    "http-server": scope("io.opentelemetry.tomcat-10.0", JAVA),
    "http-client": scope("io.opentelemetry.java-http-client", JAVA),
    "grpc-server": scope("io.opentelemetry.grpc-1.6", JAVA),
    "grpc-client": scope("io.opentelemetry.grpc-1.6", JAVA),
    kafka: scope("io.opentelemetry.kafka-clients-0.11", JAVA),
    rabbitmq: scope("io.opentelemetry.rabbitmq-2.7", JAVA),
    sql: scope("io.opentelemetry.jdbc", JAVA),
    redis: scope("io.opentelemetry.lettuce-5.1", JAVA),
    mongodb: scope("io.opentelemetry.mongo-3.1", JAVA),
  },
  go: {
    "http-server": scope(`${GO_CONTRIB}/net/http/otelhttp`, GO),
    "http-client": scope(`${GO_CONTRIB}/net/http/otelhttp`, GO),
    "grpc-server": scope(`${GO_CONTRIB}/google.golang.org/grpc/otelgrpc`, GO),
    "grpc-client": scope(`${GO_CONTRIB}/google.golang.org/grpc/otelgrpc`, GO),
    kafka: scope(`${GO_CONTRIB}/github.com/IBM/sarama/otelsarama`, GO),
    sql: scope("github.com/XSAM/otelsql", "0.36.0"),
    redis: scope("github.com/redis/go-redis/extra/redisotel", "9.7.0"),
    mongodb: scope(`${GO_CONTRIB}/go.mongodb.org/mongo-driver/mongo/otelmongo`, GO),
  },
  python: {
    "http-server": scope("opentelemetry.instrumentation.flask", PYTHON),
    "http-client": scope("opentelemetry.instrumentation.requests", PYTHON),
    "grpc-server": scope("opentelemetry.instrumentation.grpc", PYTHON),
    "grpc-client": scope("opentelemetry.instrumentation.grpc", PYTHON),
    kafka: scope("opentelemetry.instrumentation.kafka", PYTHON),
    rabbitmq: scope("opentelemetry.instrumentation.pika", PYTHON),
    sql: scope("opentelemetry.instrumentation.psycopg2", PYTHON),
    redis: scope("opentelemetry.instrumentation.redis", PYTHON),
    mongodb: scope("opentelemetry.instrumentation.pymongo", PYTHON),
  },
  nodejs: {
    "http-server": scope("@opentelemetry/instrumentation-http", NODE),
    "http-client": scope("@opentelemetry/instrumentation-http", NODE),
    "grpc-server": scope("@opentelemetry/instrumentation-grpc", NODE),
    "grpc-client": scope("@opentelemetry/instrumentation-grpc", NODE),
    kafka: scope("@opentelemetry/instrumentation-kafkajs", "0.7.0"),
    rabbitmq: scope("@opentelemetry/instrumentation-amqplib", "0.46.0"),
    sql: scope("@opentelemetry/instrumentation-pg", "0.50.0"),
    redis: scope("@opentelemetry/instrumentation-ioredis", "0.46.0"),
    mongodb: scope("@opentelemetry/instrumentation-mongodb", "0.51.0"),
  },
  dotnet: {
    "http-server": scope("Microsoft.AspNetCore", ""),
    "http-client": scope("System.Net.Http", ""),
    "grpc-server": scope("Microsoft.AspNetCore", ""),
    "grpc-client": scope("Grpc.Net.Client", ""),
    kafka: scope("Confluent.Kafka.Extensions.Diagnostics", "0.5.0"),
    sql: scope("Npgsql", "9.0.2"),
    redis: scope("OpenTelemetry.Instrumentation.StackExchangeRedis", DOTNET),
    mongodb: scope("MongoDB.Driver.Core.Extensions.DiagnosticSources", "1.5.0"),
  },
  ruby: {
    "http-server": scope("OpenTelemetry::Instrumentation::Rack", "0.26.0"),
    "http-client": scope("OpenTelemetry::Instrumentation::Net::HTTP", "0.23.0"),
    "grpc-server": scope("OpenTelemetry::Instrumentation::Grpc", "0.2.0"),
    "grpc-client": scope("OpenTelemetry::Instrumentation::Grpc", "0.2.0"),
    kafka: scope("OpenTelemetry::Instrumentation::RubyKafka", "0.22.0"),
    sql: scope("OpenTelemetry::Instrumentation::PG", "0.30.0"),
    redis: scope("OpenTelemetry::Instrumentation::Redis", "0.26.0"),
  },
  php: {
    "http-server": scope("io.opentelemetry.contrib.php.slim", "1.0.0"),
    "http-client": scope("io.opentelemetry.contrib.php.guzzle", "1.0.0"),
    sql: scope("io.opentelemetry.contrib.php.pdo", "0.0.18"),
  },
  rust: {
    "http-server": scope("opentelemetry-instrumentation-actix-web", "0.22.0"),
    "http-client": scope("reqwest-tracing", "0.5.5"),
  },
};

/** The scope of `library` in `language`, or undefined when that language has no such instrumentation here. */
export function scopeOf(library: Library, language: string | undefined): InstrumentationScope | undefined {
  return language === undefined ? undefined : SCOPES[language]?.[library];
}

/** `scope` and `callerScope` of an OperationModel whose own spans come from `own` and callers' from `caller`. */
export function scopes(
  context: OperationContext,
  own: Library | undefined,
  caller?: Library,
): { scope?: InstrumentationScope; callerScope?: (language: string) => InstrumentationScope | undefined } {
  const mine = own && scopeOf(own, context.language);
  return {
    ...(mine && { scope: mine }),
    ...(caller && { callerScope: (language: string) => scopeOf(caller, language) }),
  };
}
