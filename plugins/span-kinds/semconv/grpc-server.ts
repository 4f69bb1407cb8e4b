import { attribute, type OperationContext, type OperationModel } from "../../../src/index.ts";
import { drawOutcome, type Exception, type Outcome, type Outcomes } from "./call-outcome.ts";
import { ipv4 } from "./random-values.ts";

// gRPC server spans and their callers' CLIENT spans (semconv RPC spans and gRPC, release candidate,
// after the v1.37 renames): both named `{rpc.method}` = `package.Service/Method`, `rpc.system.name` "grpc",
// `rpc.response.status_code` the status name. Servers count only UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED,
// INTERNAL, UNAVAILABLE and DATA_LOSS as errors; clients count every code but OK.

const OPERATION = /^((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)\/([A-Za-z_]\w*)$/;
const PORT = 50051;

/** Keys of `rpc.server.call.duration` and `rpc.client.call.duration`. */
const METRIC_ATTRIBUTES: readonly string[] = [
  "rpc.system.name",
  "rpc.method",
  "rpc.response.status_code",
  "error.type",
  "server.address",
  "server.port",
];

const status = (code: string) => attribute("rpc.response.status_code", code);
const errorType = (code: string) => attribute("error.type", code);

function failed(code: string, exception: Exception): Outcome {
  return { status: status(code), serverError: errorType(code), callerError: errorType(code), exception };
}

function rejected(code: string): Outcome {
  return { status: status(code), callerError: errorType(code) };
}

const OUTCOMES: Outcomes = {
  success: { status: status("OK") },
  rejected: ["NOT_FOUND", "NOT_FOUND", "INVALID_ARGUMENT", "ALREADY_EXISTS", "PERMISSION_DENIED", "UNAUTHENTICATED"]
    .map(rejected),
  failures: [
    failed("UNAVAILABLE", { type: "UnavailableError", message: "14 UNAVAILABLE: connection refused" }),
    failed("UNAVAILABLE", { type: "UnavailableError", message: "14 UNAVAILABLE: upstream connect error" }),
    failed("INTERNAL", { type: "InternalError", message: "13 INTERNAL: unexpected error in handler" }),
    failed("DEADLINE_EXCEEDED", { type: "DeadlineExceededError", message: "4 DEADLINE_EXCEEDED: deadline exceeded" }),
  ],
};

/** An operation `package.Service/Method` on a server: a gRPC span, or undefined when not written that way. */
export function grpcServerOperation(context: OperationContext): OperationModel | undefined {
  const method = context.operation.trim();
  if (!OPERATION.test(method)) return undefined;
  const common = [
    attribute("rpc.system.name", "grpc"),
    attribute("rpc.method", method),
    attribute("server.address", context.service),
    attribute("server.port", PORT),
  ];
  return {
    name: method,
    callerName: method,
    metric: "rpc.server.call.duration",
    callerMetric: "rpc.client.call.duration",
    metricAttributes: METRIC_ATTRIBUTES,
    describe(random, failed) {
      const outcome = drawOutcome(random, failed, OUTCOMES);
      const attributes = [...common, outcome.status!, attribute("client.address", ipv4(random))];
      if (outcome.serverError) attributes.push(outcome.serverError);
      const callerAttributes = [...common, outcome.status!];
      if (outcome.callerError) callerAttributes.push(outcome.callerError);
      return {
        attributes,
        callerAttributes,
        callerFailed: outcome.callerError !== undefined,
        exception: outcome.exception,
      };
    },
  };
}
