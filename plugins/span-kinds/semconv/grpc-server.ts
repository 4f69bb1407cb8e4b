import {
  attribute,
  constantAttribute,
  type DescribedCall,
  type KeyValue,
  type OperationContext,
  type OperationModel,
} from "../../../src/index.ts";
import { REJECTED_RATE } from "./call-outcome.ts";
import { parseRpcMethod, rpcMethodAttributes, rpcMetrics, rpcStatusAttributes } from "./grpc-method.ts";
import { CLIENT_CAUSED, grpcException, type RpcStatus, SERVER_FAILURES } from "./grpc-status.ts";
import { scopes } from "./instrumentation-scopes.ts";
import { clientAddressFor, ephemeralPort, peerAddressFor } from "./random-values.ts";

// RPC server spans and their callers' CLIENT spans (semconv RPC spans and gRPC): both named after the
// fully qualified method. Servers count only UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL,
// UNAVAILABLE and DATA_LOSS as errors; clients count every code but OK. gRPC instrumentations set the
// status message as the span status description on both sides.

/** An RPC method (`package.Service/Method`, or a bare `GetCart`) on a server, or undefined. */
export function grpcServerOperation(context: OperationContext): OperationModel | undefined {
  const rpc = parseRpcMethod(context);
  if (!rpc) return undefined;
  const era = context.semconv;
  const server = [constantAttribute("server.address", context.service), constantAttribute("server.port", rpc.port)];
  const common = [...rpcMethodAttributes(rpc, era), ...server];
  const clientAddress = clientAddressFor(context);
  const peerAddress = peerAddressFor(context);
  const okStatus = rpcStatusAttributes(rpc, "OK", era);
  const peerPort = constantAttribute("network.peer.port", rpc.port);
  // Everything but the addresses is fixed per outcome, so it is built once.
  const outcome = (status: RpcStatus | undefined, serverError: boolean) => {
    const code = status?.code ?? "OK";
    const statusAttributes = status ? rpcStatusAttributes(rpc, code, era) : okStatus;
    const error = status ? [constantAttribute("error.type", code)] : [];
    return {
      own: [...common, ...statusAttributes, ...(serverError ? error : [])],
      caller: [...common, ...statusAttributes, ...error],
      status,
      serverError,
      exception: status && serverError ? grpcException(status, context.language) : undefined,
    };
  };
  const success = outcome(undefined, false);
  const rejected = CLIENT_CAUSED.map((status) => outcome(status, false));
  const failures = SERVER_FAILURES.map((status) => outcome(status, true));
  return {
    name: rpc.full,
    callerName: rpc.full,
    ...rpcMetrics(era, "server"),
    ...scopes(context, "grpc-server", "grpc-client"),
    exceptionEvent: { name: "rpc.server.call.exception", severityNumber: 17 },
    describe(random, failed): DescribedCall {
      const drawn = failed ? random.pick(failures) : random.chance(REJECTED_RATE) ? random.pick(rejected) : success;
      const client = clientAddress(random);
      const attributes: KeyValue[] = [
        ...drawn.own,
        attribute("client.address", client),
        attribute("network.peer.address", client),
        attribute("network.peer.port", ephemeralPort(random)),
      ];
      const callerAttributes: KeyValue[] = [
        ...drawn.caller,
        attribute("network.peer.address", peerAddress(random)),
        peerPort,
      ];
      const status = drawn.status;
      return {
        attributes,
        callerAttributes,
        callerFailed: status !== undefined,
        ...(drawn.exception && { exception: drawn.exception }),
        ...(status && drawn.serverError && { statusMessage: status.detail }),
        ...(status && { callerStatusMessage: status.detail }),
      };
    },
  };
}
