import type { Access } from "../plugin-host/plugin.ts";

// The documented heuristic behind "a request is one story": an operation's verb says whether it reads or
// writes. The verb is the first word of the operation (`GET /users`, `SELECT ...`, `publish orders`), of a
// gRPC method (`shop.CartService/GetCart` → `get`), or, for topic-first names, its last word
// (`orders publish`). Anything else (`compute-price`, `process orders`) is neither and takes its caller's.

const READ_VERBS = new Set([
  "get",
  "head",
  "options",
  "select",
  "find",
  "list",
  "search",
  "query",
  "read",
  "fetch",
  "load",
  "lookup",
  "count",
  "exists",
  "mget",
  "hget",
  "hgetall",
  "hmget",
  "scan",
  "browse",
  "view",
  "show",
  "describe",
  "check",
  "verify",
  "watch",
  "poll",
  "receive",
  "aggregate",
  "smembers",
  "zrange",
  "lrange",
  "ttl",
  "retrieve",
  "download",
]);

const WRITE_VERBS = new Set([
  "post",
  "put",
  "patch",
  "delete",
  "insert",
  "update",
  "upsert",
  "merge",
  "replace",
  "create",
  "add",
  "set",
  "setex",
  "mset",
  "hset",
  "hmset",
  "del",
  "remove",
  "save",
  "store",
  "write",
  "publish",
  "send",
  "push",
  "lpush",
  "rpush",
  "sadd",
  "zadd",
  "incr",
  "incrby",
  "decr",
  "expire",
  "charge",
  "pay",
  "place",
  "submit",
  "checkout",
  "register",
  "cancel",
  "ship",
  "empty",
  "commit",
  "enqueue",
  "produce",
  "emit",
  "upload",
  "reserve",
  "book",
  "confirm",
  "refund",
  "transfer",
  "append",
  "truncate",
  "drop",
  "alter",
]);

/** `read`, `write`, or undefined when the operation's name has no verb that says. */
export function guessAccess(operation: string): Access | undefined {
  const tokens = operation.trim().split(/\s+/);
  return verbAccess(firstWord(tokens[0] ?? "")) ??
    (tokens.length > 1 ? verbAccess(firstWord(tokens.at(-1)!)) : undefined);
}

/** The first word of a token, after any `package.Service/` prefix: `GetCart` → `get`, `add-item` → `add`. */
function firstWord(token: string): string {
  const method = token.includes("/") && !token.startsWith("/") ? token.slice(token.lastIndexOf("/") + 1) : token;
  const match = /^[A-Z]+(?![a-z])|^[A-Za-z][a-z0-9]*/.exec(method);
  return match ? match[0].toLowerCase() : "";
}

function verbAccess(word: string): Access | undefined {
  if (READ_VERBS.has(word)) return "read";
  if (WRITE_VERBS.has(word)) return "write";
  return undefined;
}
