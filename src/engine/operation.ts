import { callPlugin } from "../plugin-host/driver.ts";
import { pluginFailed } from "../plugin-host/messages.ts";
import type { DescribedCall, OperationContext, OperationModel, SpanKindDefinition } from "../plugin-host/plugin.ts";
import type { Contribution } from "../plugin-host/registry.ts";
import { constantAttribute } from "../otlp/constant-attribute.ts";

const NONE: readonly never[] = [];
const OTHER_ERROR = [constantAttribute("error.type", "_OTHER")];
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
  const what = (call: string) =>
    `span kind "${kind.name}" ${call} of "${context.operation}" (templates.${context.template})`;
  const model = callPlugin(kind.plugin, what("operation()"), () => compile(context));
  const describing = what("describe()");
  return {
    ...model,
    // Once per span: a try/catch of its own rather than callPlugin's closure, which costs an allocation.
    describe: (random, failed, call) => {
      try {
        return model.describe(random, failed, call);
      } catch (error) {
        throw pluginFailed(kind.plugin, describing, error);
      }
    },
  };
}
