import { constantAttribute, type OperationContext, type OperationModel } from "../../../src/index.ts";
import { type Failure, NONE, precomputedCalls } from "./call-outcome.ts";

// An operation no convention recognises: named as written, and on failure only the convention's fallback
// `error.type` value `_OTHER` (semconv error.type: "used when the instrumentation doesn't define a custom value").

const OTHER = [constantAttribute("error.type", "_OTHER")];
/** How long a caller waits; what a timeout of this operation lasts. */
const TIMEOUT_MS = 10_000;

const FAILURES: readonly Failure[] = [
  { attributes: OTHER, exception: { type: "TimeoutError", message: `Operation timed out after ${TIMEOUT_MS} ms` } },
  { attributes: OTHER, exception: { type: "ConnectionError", message: "Connection reset by peer" } },
  { attributes: OTHER, exception: { type: "InternalError", message: "Unexpected error while handling the call" } },
  { attributes: OTHER, exception: { type: "UnavailableError", message: "Service unavailable" } },
];

/** Spans named after the operation; caller spans too, with `error.type` on both sides when it failed. */
export function genericOperation(context: OperationContext): OperationModel {
  return {
    name: context.operation,
    callerName: context.operation,
    timeoutMs: TIMEOUT_MS,
    describe: precomputedCalls([NONE], FAILURES, { attributes: NONE, failedAttributes: OTHER }),
  };
}
