import type { Exception } from "./call-outcome.ts";

// gRPC status codes (google.golang.org/grpc/codes), how each language's gRPC library reports a failed call
// as an exception, and which codes a server counts as its own error (semconv gRPC: UNKNOWN,
// DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS; a client counts every code but OK).

/** Status code numbers by name: `rpc.grpc.status_code` of older conventions. */
export const GRPC_CODES: Readonly<Record<string, number>> = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};

/** One way a call ends other than OK: the status code and the status message the server sent. */
export interface RpcStatus {
  readonly code: string;
  readonly detail: string;
}

/** Failures weighted by repetition: unreachable upstreams dominate, then handler bugs and deadlines. */
export const SERVER_FAILURES: readonly RpcStatus[] = [
  { code: "UNAVAILABLE", detail: "connection refused" },
  { code: "UNAVAILABLE", detail: "upstream connect error or disconnect/reset before headers" },
  { code: "INTERNAL", detail: "unexpected error in handler" },
  { code: "DEADLINE_EXCEEDED", detail: "context deadline exceeded" },
];

/** Answers the server is fine with, but its caller counts as errors. */
export const CLIENT_CAUSED: readonly RpcStatus[] = [
  { code: "NOT_FOUND", detail: "not found" },
  { code: "NOT_FOUND", detail: "not found" },
  { code: "INVALID_ARGUMENT", detail: "invalid request" },
  { code: "ALREADY_EXISTS", detail: "already exists" },
  { code: "PERMISSION_DENIED", detail: "permission denied" },
  { code: "UNAUTHENTICATED", detail: "missing or invalid credentials" },
];

/** `UNAVAILABLE` → `Unavailable`, as Go and .NET print code names. */
function camelCode(code: string): string {
  return code.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** The exception a service in `language` records for a gRPC call that ended with `status`. */
export function grpcException(status: RpcStatus, language: string | undefined): Exception {
  const { code, detail } = status;
  switch (language) {
    case "java":
      return { type: "io.grpc.StatusRuntimeException", message: `${code}: ${detail}` };
    case "go":
      return { type: "*status.Error", message: `rpc error: code = ${camelCode(code)} desc = ${detail}` };
    case "python":
      return {
        type: "grpc._channel._InactiveRpcError",
        message: `<_InactiveRpcError of RPC that terminated with: status = StatusCode.${code} details = "${detail}">`,
      };
    case "dotnet":
      return {
        type: "Grpc.Core.RpcException",
        message: `Status(StatusCode="${camelCode(code)}", Detail="${detail}")`,
      };
    case "ruby":
      return { type: `GRPC::${camelCode(code)}`, message: `${GRPC_CODES[code]}:${detail}` };
    default:
      // @grpc/grpc-js: the SDK takes `err.code` (the number) as the type.
      return { type: String(GRPC_CODES[code]), message: `${GRPC_CODES[code]} ${code}: ${detail}` };
  }
}
