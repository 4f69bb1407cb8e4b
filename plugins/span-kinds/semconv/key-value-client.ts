import { attribute, constantAttribute, type OperationContext, type OperationModel } from "../../../src/index.ts";
import { directCall } from "./call-outcome.ts";
import { databaseName, dbAttributes, dbModel, WRITES } from "./db-common.ts";
import { dbFailures } from "./db-errors.ts";
import type { DbSystem } from "./db-systems.ts";

// Redis and memcached commands (semconv Redis): `db.operation.name` is the command, `db.query.text` the
// command in CLI syntax with values replaced by `?`, and the span is named after the command alone — the
// namespace is a database index, which the Redis convention keeps out of span names.

/** What follows the key, values redacted, for Redis commands whose shape is not just `COMMAND key`. */
const REDIS_ARGUMENTS: Readonly<Record<string, string>> = {
  SET: " ? EX 3600",
  SETEX: " 3600 ?",
  SETNX: " ?",
  GETSET: " ?",
  APPEND: " ?",
  INCRBY: " 1",
  DECRBY: " 1",
  EXPIRE: " 3600",
  PEXPIRE: " 60000",
  HGET: " field",
  HSET: " field ?",
  HSETNX: " field ?",
  HMSET: " field1 ? field2 ?",
  HMGET: " field1 field2",
  HDEL: " field",
  HINCRBY: " field 1",
  HEXISTS: " field",
  LPUSH: " ?",
  RPUSH: " ?",
  LRANGE: " 0 -1",
  LTRIM: " 0 99",
  LREM: " 0 ?",
  SADD: " ?",
  SREM: " ?",
  SISMEMBER: " ?",
  ZADD: " ? ?",
  ZREM: " ?",
  ZSCORE: " ?",
  ZINCRBY: " 1 ?",
  ZRANGE: " 0 9",
  ZREVRANGE: " 0 9 WITHSCORES",
  ZRANGEBYSCORE: " ? ?",
  PUBLISH: " ?",
  XADD: " * field ?",
};

/** Commands that take no key. */
const KEYLESS: Readonly<Record<string, string>> = {
  PING: "PING",
  INFO: "INFO",
  MULTI: "MULTI",
  EXEC: "EXEC",
  DBSIZE: "DBSIZE",
  FLUSHDB: "FLUSHDB",
  SCAN: "SCAN 0 MATCH {prefix}:* COUNT 100",
  KEYS: "KEYS {prefix}:*",
};

const MEMCACHED_ARGUMENTS: Readonly<Record<string, string>> = {
  set: " 0 3600 ?",
  add: " 0 3600 ?",
  replace: " 0 3600 ?",
  cas: " 0 3600 ? ?",
  incr: " 1",
  decr: " 1",
  touch: " 3600",
};

/** A command on a key-value store; the key is `{database}:{id}`, with a fresh id per call. */
export function keyValueOperation(context: OperationContext, system: DbSystem): OperationModel {
  const [word = "GET", ...rest] = context.operation.trim().split(/\s+/);
  const memcached = system.name === "memcached";
  const command = memcached ? word.toLowerCase() : word.toUpperCase();
  const prefix = databaseName(context);
  const fixed = dbAttributes(context, system, { operation: command });
  const failures = dbFailures(system.name, prefix, WRITES.has(command.toUpperCase()), context.language);
  const model = dbModel(context, system, command);
  // Written out (`GET session:*`) or keyless: the same text every call.
  const constant = rest.length > 0
    ? [command, ...rest].join(" ")
    : (memcached ? undefined : KEYLESS[command])?.replace("{prefix}", prefix);
  if (constant !== undefined) {
    const attributes = [...fixed, constantAttribute("db.query.text", constant)];
    return {
      ...model,
      describe: (random, failed) => directCall(attributes, failed ? random.pick(failures) : undefined),
    };
  }
  const head = `${command} ${prefix}:`;
  const tail = (memcached ? MEMCACHED_ARGUMENTS[command] : REDIS_ARGUMENTS[command]) ?? "";
  return {
    ...model,
    describe(random, failed) {
      const attributes = [...fixed, attribute("db.query.text", head + random.int(1, 999_999) + tail)];
      return directCall(attributes, failed ? random.pick(failures) : undefined);
    },
  };
}
