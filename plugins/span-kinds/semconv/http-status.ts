import { attribute } from "../../../src/index.ts";
import type { Exception, Outcome, Outcomes } from "./call-outcome.ts";

// Status codes of one HTTP operation. Per the HTTP span conventions ("Status"), a 5xx is an error on both
// sides, a 4xx only on the client side; `error.type` is then the status code as a string.

const status = (code: number) => attribute("http.response.status_code", code);
const errorType = (code: number) => attribute("error.type", String(code));

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

/** Weighted by repetition: 500s and timeouts dominate real error budgets. */
const SERVER_FAILURES: readonly Outcome[] = [
  failed(500, { type: "InternalServerError", message: "Unhandled error while processing the request" }),
  failed(500, { type: "InternalServerError", message: "Database connection pool exhausted" }),
  failed(500, { type: "InternalServerError", message: "Cannot read properties of undefined (reading 'id')" }),
  failed(502, { type: "BadGateway", message: "Upstream returned an invalid response" }),
  failed(503, { type: "ServiceUnavailable", message: "No healthy upstream" }),
  failed(503, { type: "ServiceUnavailable", message: "Too many requests in flight, shedding load" }),
  failed(504, { type: "UpstreamTimeout", message: "Upstream request timeout after 30000 ms" }),
  failed(504, { type: "UpstreamTimeout", message: "Deadline exceeded waiting for downstream response" }),
];

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

/**
 * What a call to an external API fails with, seen from the client only: the server's 5xx, throttling, and
 * timeouts before any response (no status code; `error.type` is then a low-cardinality identifier).
 */
export const HTTP_CLIENT_FAILURES: readonly Outcome[] = [
  ...SERVER_FAILURES,
  { ...rejected(429), exception: { type: "TooManyRequests", message: "Rate limit exceeded, retry after 1s" } },
  {
    callerError: attribute("error.type", "timeout"),
    exception: { type: "TimeoutError", message: "Request timed out after 10000 ms" },
  },
];

/** The success answer of a client call to `method`. */
export function httpClientSuccess(method: string): Outcome {
  return ok(successCode(method));
}
