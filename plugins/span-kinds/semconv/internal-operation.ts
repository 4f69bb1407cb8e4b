import { attribute, type OperationContext, type OperationModel } from "../../../src/index.ts";
import { type Failure, failure, precomputedCalls } from "./call-outcome.ts";
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

/** `compute-price` in template `pricing-engine` → function `PricingEngine.computePrice`. */
export function internalOperation(context: OperationContext): OperationModel {
  const owner = pascalCase(context.template) || pascalCase(context.service);
  const method = camelCase(context.operation);
  const attributes = method === "" ? [] : [attribute("code.function.name", owner ? `${owner}.${method}` : method)];
  return {
    name: context.operation,
    callerName: context.operation,
    timeoutMs: TIMEOUT_MS,
    describe: precomputedCalls([attributes], FAILURES),
  };
}
