import type { Random } from "../../../src/index.ts";
import { words } from "./name-hints.ts";
import { slug, uuidV4, WORDS } from "./random-values.ts";

// `GET /api/users/{id}`: an HTTP method and a route template whose parameters are filled per request
// with values that look like what the parameter's name suggests.

/** Methods the HTTP conventions know; anything else would be `_OTHER` (semconv `http.request.method`). */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY"]);
const OPERATION = /^([A-Za-z]+)\s+(\/\S*)$/;
/** `{id}`, `{id:int}` (ASP.NET constraints), `{*path}` (catch-all) and Express-style `:id`. */
const PARAMETER = /\{\*?([A-Za-z_][\w-]*)(?::[^{}]*)?\}|:([A-Za-z_]\w*)/g;

/** An operation written as `METHOD /route[?query]`. */
export interface HttpOperation {
  readonly method: string;
  /** The route template without the query: the low-cardinality `http.route`. */
  readonly route: string;
  readonly query?: string;
}

/** Reads `METHOD /route`, or undefined when the operation is not written that way. */
export function parseHttpOperation(operation: string): HttpOperation | undefined {
  const match = OPERATION.exec(operation.trim());
  if (!match) return undefined;
  const method = match[1]!.toUpperCase();
  if (!METHODS.has(method)) return undefined;
  const target = match[2]!;
  const at = target.indexOf("?");
  return at < 0 ? { method, route: target } : { method, route: target.slice(0, at), query: target.slice(at + 1) };
}

/** A route template compiled for the hot loop: literal pieces and parameter fillers. */
export interface CompiledTemplate {
  readonly hasParameters: boolean;
  render(random: Random): string;
}

/** Compiles `/users/{id}/orders/{order_id}` into a renderer of concrete paths such as `/users/4211/orders/87`. */
export function compileTemplate(template: string): CompiledTemplate {
  const literals: string[] = [];
  const fills: ((random: Random) => string)[] = [];
  let last = 0;
  for (const match of template.matchAll(PARAMETER)) {
    literals.push(template.slice(last, match.index));
    fills.push(parameterValue(match[1] ?? match[2]!));
    last = match.index + match[0].length;
  }
  literals.push(template.slice(last));
  if (fills.length === 0) return { hasParameters: false, render: () => template };
  return {
    hasParameters: true,
    render(random) {
      let out = literals[0]!;
      for (let i = 0; i < fills.length; i++) out += fills[i]!(random) + literals[i + 1]!;
      return out;
    },
  };
}

const LOCALES = ["en", "en-us", "de", "fr", "es", "ja", "pt-br"];
const numericId = (random: Random) => String(random.int(1, 250_000));

/** A filler chosen from the parameter's name: ids are numbers unless they say uuid/guid, names are slugs. */
function parameterValue(name: string): (random: Random) => string {
  // `userId` and `user_id` both end in the word `id`.
  const parts = words(name.replace(/([a-z0-9])([A-Z])/g, "$1 $2"));
  const last = parts[parts.length - 1] ?? "";
  if (parts.some((part) => part === "uuid" || part === "guid")) return uuidV4;
  if (["slug", "name", "handle", "username", "category", "tag", "title", "path", "file"].includes(last)) return slug;
  if (last === "sku") return (random) => `SKU-${random.int(10_000, 99_999)}`;
  if (last === "code" || last === "token") return (random) => random.uint32().toString(36).toUpperCase();
  if (last === "locale" || last === "lang" || last === "language") return (random) => random.pick(LOCALES);
  if (last === "version") return (random) => `v${random.int(1, 3)}`;
  if (last === "word" || last === "query" || last === "q") return (random) => random.pick(WORDS);
  return numericId;
}
