import {
  attribute,
  constantAttribute,
  type DescribedCall,
  type OperationContext,
  type OperationModel,
} from "../../../src/index.ts";
import { parseRpcMethod, rpcMethodAttributes, rpcMetrics, rpcStatusAttributes } from "./grpc-method.ts";
import { CLIENT_CAUSED, grpcException, SERVER_FAILURES } from "./grpc-status.ts";
import { scopes } from "./instrumentation-scopes.ts";
import { peerAddressFor } from "./random-values.ts";

// A `client` service whose operation is an RPC method: a call to a service that has no spans of its own
// (a managed or third-party gRPC API). Seen from the client every code but OK is an error.

/** An RPC CLIENT span, or undefined when the operation is not written as an RPC method. */
export function grpcClientOperation(context: OperationContext): OperationModel | undefined {
  const rpc = parseRpcMethod(context);
  if (!rpc) return undefined;
  const era = context.semconv;
  const common = [
    ...rpcMethodAttributes(rpc, era),
    constantAttribute("server.address", context.service),
    constantAttribute("server.port", rpc.port),
  ];
  const ok = [...common, ...rpcStatusAttributes(rpc, "OK", era)];
  const peerPort = constantAttribute("network.peer.port", rpc.port);
  const peerAddress = peerAddressFor(context);
  const failures = [...SERVER_FAILURES, ...CLIENT_CAUSED].map((status): DescribedCall => ({
    attributes: [
      ...common,
      ...rpcStatusAttributes(rpc, status.code, era),
      constantAttribute("error.type", status.code),
    ],
    callerAttributes: [],
    callerFailed: true,
    exception: grpcException(status, context.language),
    statusMessage: status.detail,
  }));
  return {
    name: rpc.full,
    callerName: rpc.full,
    ...rpcMetrics(era, "client"),
    ...scopes(context, "grpc-client"),
    exceptionEvent: { name: "rpc.client.call.exception", severityNumber: 13 },
    describe(random, failed): DescribedCall {
      const peer = [attribute("network.peer.address", peerAddress(random)), peerPort];
      if (!failed) return { attributes: [...ok, ...peer], callerAttributes: [], callerFailed: false };
      const failure = random.pick(failures);
      return { ...failure, attributes: [...failure.attributes, ...peer] };
    },
  };
}
