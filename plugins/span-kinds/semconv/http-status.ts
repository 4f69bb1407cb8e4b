import { constantAttribute, type FailureKind } from "../../../src/index.ts";
import type { Exception, Outcome, Outcomes } from "./call-outcome.ts";

// Status codes of one HTTP operation. Per the HTTP span conventions ("Status"), a 5xx is an error on both
// sides, a 4xx only on the client side; `error.type` is then the status code as a string.

const status = (code: number) => constantAttribute("http.response.status_code", code);
const errorType = (code: number) => constantAttribute("error.type", String(code));

/** A 2xx or 3xx: no error anywhere. */
function ok(code: number): Outcome {
  return { status: status(code) };
}

/** A 4xx: the server did its job; the client counts it as an error. */
function rejected(code: number): Outcome {
  return { status: status(code), callerError: errorType(code) };
}

/** A 5xx: an error on both sides, with the exception the server recorded. */
function failed(code: number, exception: Exception): Outcome {
  const error = errorType(code);
  return { status: status(code), serverError: error, callerError: error, exception };
}

/**
 * A server's own failures, weighted by repetition: mostly unhandled errors after some work, sometimes a
 * quick 503 while it sheds load. Timeouts and bad gateways are never a server's own: they come from a call
 * it made (see `HTTP_PROPAGATED`).
 */
const SERVER_FAILURES: readonly Outcome[] = [
  failed(500, { type: "InternalServerError", message: "Unhandled error while processing the request" }),
  failed(500, { type: "InternalServerError", message: "Cannot read properties of undefined (reading 'id')" }),
  failed(500, { type: "IllegalStateException", message: "Order is in an unexpected state", kind: "internal" }),
  failed(503, {
    type: "ServiceUnavailable",
    message: "Too many requests in flight, shedding load",
    kind: "unavailable",
  }),
];

/**
 * What a server answers when a call it made failed and it does not handle that: 504 when the call timed
 * out, 503 when nobody answered, 500 otherwise. The exception is the root's, which the engine records.
 */
export const HTTP_PROPAGATED: Readonly<Record<FailureKind, Outcome>> = {
  timeout: failed(504, { type: "GatewayTimeout", message: "Upstream request timed out" }),
  unavailable: failed(503, { type: "ServiceUnavailable", message: "Upstream unavailable" }),
  internal: failed(500, { type: "InternalServerError", message: "Upstream call failed" }),
};

const READS = new Set(["GET", "HEAD", "OPTIONS", "QUERY"]);

/** The success code: 201 Created for POST, 204 No Content for DELETE, else 200. */
function successCode(method: string): number {
  if (method === "POST") return 201;
  if (method === "DELETE") return 204;
  return 200;
}

/** Client errors weighted by repetition: missing resources where the route names one, bad input on writes. */
function rejectedCodes(method: string, hasParameters: boolean): readonly number[] {
  const missing = hasParameters ? [404, 404, 404, 404] : [];
  if (READS.has(method)) return [...missing, 400, 401, 403, 429];
  if (method === "DELETE") return [...missing, 409, 403, 401];
  return [...missing, 400, 400, 400, 422, 422, 409, 401, 403];
}

/** What a call into a server's `METHOD /route` can answer. */
export function httpServerOutcomes(method: string, hasParameters: boolean): Outcomes {
  return {
    success: ok(successCode(method)),
    rejected: rejectedCodes(method, hasParameters).map(rejected),
    failures: SERVER_FAILURES,
  };
}

/** How long a client waits for an external API before giving up. */
export const HTTP_CLIENT_TIMEOUT_MS = 10_000;

/**
 * What a call to an external API fails with, seen from the client only: the API's 5xx, throttling, a
 * refused connection and a timeout before any response (no status code; `error.type` is then a
 * low-cardinality identifier), each of its kind, so refusals are fast and timeouts last the timeout.
 */
export const HTTP_CLIENT_FAILURES: readonly Outcome[] = [
  failed(500, { type: "HttpResponseError", message: "Remote API answered 500 Internal Server Error" }),
  failed(502, { type: "HttpResponseError", message: "Remote API answered 502 Bad Gateway", kind: "internal" }),
  failed(503, { type: "HttpResponseError", message: "Remote API answered 503 Service Unavailable" }),
  {
    ...rejected(429),
    exception: {
      type: "TooManyRequests",
      message: "Too many requests: rate limit exceeded, retry after 1s",
      kind: "unavailable",
    },
  },
  {
    callerError: constantAttribute("error.type", "ECONNREFUSED"),
    exception: { type: "ConnectError", message: "connect ECONNREFUSED", kind: "unavailable" },
  },
  {
    callerError: constantAttribute("error.type", "timeout"),
    exception: { type: "TimeoutError", message: `Request timed out after ${HTTP_CLIENT_TIMEOUT_MS} ms` },
  },
];

/** The success answer of a client call to `method`. */
export function httpClientSuccess(method: string): Outcome {
  return ok(successCode(method));
}
