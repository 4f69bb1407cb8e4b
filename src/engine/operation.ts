import { pluginFailure } from "../plugin-host/errors.ts";
import type { DescribedCall, OperationContext, OperationModel, SpanKindDefinition } from "../plugin-host/plugin.ts";
import type { Contribution } from "../plugin-host/registry.ts";
import { attribute } from "../telemetry/attribute.ts";

const NONE: readonly never[] = [];
const OTHER_ERROR = [attribute("error.type", "_OTHER")];
const SUCCEEDED: DescribedCall = { attributes: NONE, callerAttributes: NONE, callerFailed: false };
const FAILED: DescribedCall = {
  attributes: OTHER_ERROR,
  callerAttributes: OTHER_ERROR,
  callerFailed: true,
  exception: { type: "Error", message: "operation failed" },
};

/**
 * Compiles one operation with its span kind's plugin; a kind without `operation` names spans after the
 * operation and adds only `error.type` on failure. A plugin that throws is named, here and per span.
 */
export function compileOperation(kind: Contribution<SpanKindDefinition>, context: OperationContext): OperationModel {
  const compile = kind.value.operation;
  if (compile === undefined) {
    return {
      name: context.operation,
      callerName: context.operation,
      describe: (_, failed) => (failed ? FAILED : SUCCEEDED),
    };
  }
  const fail = (what: string, error: unknown) =>
    pluginFailure(kind.plugin, `span kind "${kind.name}" ${what} of "${context.operation}"`, error);
  let model: OperationModel;
  try {
    model = compile(context);
  } catch (error) {
    throw fail("operation()", error);
  }
  const describe = model.describe.bind(model);
  return {
    ...model,
    describe(random, failed, call) {
      try {
        return describe(random, failed, call);
      } catch (error) {
        throw fail("describe()", error);
      }
    },
  };
}
