import {
  attribute,
  constantAttribute,
  type KeyValue,
  type OperationContext,
  type OperationModel,
} from "../../../src/index.ts";
import { type Failure, failure, NONE, precomputedCalls } from "./call-outcome.ts";
import { camelCase, pascalCase } from "./name-hints.ts";

// Work inside one application: named after the operation, with the function that does it
// (`code.function.name`, semconv code attributes) and the exception type as `error.type` on failure.

/** How long an in-process wait (a lock, a future) lasts before it gives up. */
const TIMEOUT_MS = 5000;

const FAILURES: readonly Failure[] = [
  failure("InvalidOperationError", {
    type: "InvalidOperationError",
    message: "Operation is not valid in the current state",
  }),
  failure("ValidationError", { type: "ValidationError", message: "Input failed validation" }),
  failure("TimeoutError", { type: "TimeoutError", message: `Operation timed out after ${TIMEOUT_MS} ms` }),
  failure("TypeError", { type: "TypeError", message: "Cannot read properties of undefined (reading 'length')" }),
];

/** A span that fails because of a call it made: `error.type` is the exception it passes on, the root's. */
function reportingCause(attributes: readonly KeyValue[], own: OperationModel["describe"]): OperationModel["describe"] {
  return (random, failed, call) => {
    const cause = failed ? call?.cause : undefined;
    if (!cause) return own(random, failed, call);
    const errorType = attribute("error.type", cause.exception.type);
    return {
      attributes: [...attributes, errorType],
      callerAttributes: NONE,
      callerFailed: true,
      exception: cause.exception,
    };
  };
}

/** `compute-price` in template `pricing-engine` → function `PricingEngine.computePrice`. */
export function internalOperation(context: OperationContext): OperationModel {
  const owner = pascalCase(context.template) || pascalCase(context.service);
  const method = camelCase(context.operation);
  const attributes = method === ""
    ? []
    : [constantAttribute("code.function.name", owner ? `${owner}.${method}` : method)];
  return {
    name: context.operation,
    callerName: context.operation,
    timeoutMs: TIMEOUT_MS,
    describe: reportingCause(attributes, precomputedCalls([attributes], FAILURES)),
  };
}
