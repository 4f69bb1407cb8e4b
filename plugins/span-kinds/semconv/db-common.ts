import { constantAttribute, type KeyValue, type OperationContext } from "../../../src/index.ts";
import { DB_NOISE, type DbSystem } from "./db-systems.ts";
import { type Library, scopes } from "./instrumentation-scopes.ts";
import { stem } from "./name-hints.ts";
import { addressOf } from "./random-values.ts";

// What every database client span shares (semconv database spans and `db.client.operation.duration`, stable).

export const DB_METRIC = "db.client.operation.duration";

/** Keys of `db.client.operation.duration`. */
export const DB_METRIC_ATTRIBUTES: readonly string[] = [
  "db.system.name",
  "db.operation.name",
  "db.collection.name",
  "db.namespace",
  "db.query.summary",
  "db.stored_procedure.name",
  "db.response.status_code",
  "error.type",
  "server.address",
  "server.port",
];

/** Operations that change data: they can also fail on constraints and read-only replicas. */
export const WRITES: ReadonlySet<string> = new Set([
  "INSERT",
  "UPDATE",
  "DELETE",
  "UPSERT",
  "MERGE",
  "REPLACE",
  "SET",
  "HSET",
  "HMSET",
  "DEL",
  "LPUSH",
  "RPUSH",
  "SADD",
  "ZADD",
  "INCR",
  "INCRBY",
  "EXPIRE",
  "FINDANDMODIFY",
]);

/** The database a service stands for, from its name: `users-db` → `users`, `orders-postgres` → `orders`. */
export function databaseName(context: OperationContext): string {
  return stem(context.service, DB_NOISE) ?? stem(context.template, DB_NOISE) ?? "app";
}

/** The fields of one database span that do not change between calls. */
export interface DbFields {
  readonly operation?: string;
  readonly collection?: string;
  readonly summary?: string;
  readonly procedure?: string;
}

/** `db.*` and `server.*` attributes that stay the same for every call of one operation. */
export function dbAttributes(context: OperationContext, system: DbSystem, fields: DbFields): KeyValue[] {
  const namespace = system.namespace(databaseName(context));
  const out = [constantAttribute("db.system.name", system.name)];
  const add = (key: string, value: string | number | undefined) => {
    if (value !== undefined) out.push(constantAttribute(key, value));
  };
  add("db.namespace", namespace);
  add("db.operation.name", fields.operation);
  add("db.collection.name", fields.collection);
  add("db.query.summary", fields.summary);
  add("db.stored_procedure.name", fields.procedure);
  // An embedded database (no port) has no server.
  if (system.port !== undefined) {
    add("server.address", context.service);
    add("server.port", system.port);
    // The conventions recommend the peer's IP when it differs from server.address (a name here).
    add("network.peer.address", addressOf(context.service));
    add("network.peer.port", system.port);
  }
  return out;
}

/**
 * What every database operation model has: its span name on both sides, the conventions' duration
 * histogram, the scope of the language's usual instrumentation for the system's driver, and the event its
 * exceptions become as log records (WARN, as the conventions ask of client operations).
 */
export function dbModel(context: OperationContext, system: DbSystem, name: string) {
  return {
    name,
    callerName: name,
    metric: DB_METRIC,
    metricAttributes: DB_METRIC_ATTRIBUTES,
    ...dbInstrumentation(context, system),
  };
}

function dbInstrumentation(context: OperationContext, system: DbSystem) {
  const library: Library | undefined = system.family === "sql"
    ? "sql"
    : system.name === "redis" || system.name === "mongodb"
    ? system.name
    : undefined;
  return { ...scopes(context, library), exceptionEvent: { name: "db.client.operation.exception", severityNumber: 13 } };
}

/** `{db.operation.name} {target}`, the span name when there is no summary; the target may be missing. */
export function dbSpanName(operation: string, target: string | undefined): string {
  return target === undefined ? operation : `${operation} ${target}`;
}
