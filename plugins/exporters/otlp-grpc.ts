import { Code, ConnectError } from "@connectrpc/connect";
import { Http2SessionManager } from "@connectrpc/connect-node";
import {
  definePlugin,
  describeNetworkError,
  encodeExportRequest,
  type Exporter,
  type ExporterOptions,
  neverSent,
  nothingAnswered,
  readRejectedItems,
  readRetryInfo,
  RequestBuffers,
  type Signal,
} from "../../src/index.ts";
import { grpcUnary } from "./grpc-unary.ts";

/** The OTLP `Export` method of each signal's collector service. */
const PATHS: Record<Signal, string> = {
  traces: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
  metrics: "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
  logs: "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
};

function createOtlpGrpcExporter(options: ExporterOptions): Exporter {
  const tls = options.tlsOptions;
  // Node's TLS options of the HTTP/2 session: the CA replaces the system's certificates when given.
  const sessionManager = new Http2SessionManager(
    options.url,
    undefined,
    tls && {
      ...(tls.ca !== undefined && { ca: tls.ca }),
      ...(tls.cert !== undefined && { cert: tls.cert }),
      ...(tls.key !== undefined && { key: tls.key }),
      rejectUnauthorized: !tls.insecure,
    },
  );
  const gzip = options.compression === "gzip";
  // Sent as call metadata (e.g. an API key); never logged, as they may be secrets.
  const headers = options.headers && Object.keys(options.headers).length > 0 ? { ...options.headers } : undefined;
  const url = new URL(options.url);
  const base = url.pathname.replace(/\/$/, "");
  const buffers = new RequestBuffers();
  return {
    // The request is framed into a buffer of its own before anything is sent.
    borrowsRequests: true,
    // How the telemetry is split into calls is no part of what the receiver gets.
    mergesRequests: true,
    connect() {
      // The TCP (and TLS) and HTTP/2 handshakes, while the run sets up. A failure leaves the manager ready to try
      // again on the first call, which reports it.
      void sessionManager.connect();
    },
    async export(request, signal) {
      const buffer = buffers.take(request.bytes + 5);
      try {
        const answer = await grpcUnary(sessionManager, {
          path: `${base}${PATHS[request.signal]}`,
          framed: encodeExportRequest(request.resources, 5, buffer),
          headers,
          gzip,
          timeoutMs: options.timeoutMs,
          signal,
        });
        // The stream has closed with an answer: it holds the buffer no more. A failed call's buffer is left to the
        // garbage collector, in case a stream cut off half-way still has part of it to write.
        buffers.giveBack(buffer);
        return { rejected: rejectedItems(answer) };
      } catch (error) {
        throw describe(ConnectError.from(error), options.url);
      }
    },
    close() {
      sessionManager.abort();
      return Promise.resolve();
    },
  };
}

/** Items the answer's partial success rejected; an unreadable answer is a full success, as for OTLP/HTTP. */
function rejectedItems(answer: Uint8Array): number {
  try {
    return readRejectedItems(answer);
  } catch {
    return 0;
  }
}

/**
 * One line a user can act on: the endpoint, the gRPC status, and what the transport said; marked
 * `retryable` (see ExportError) as the OTLP specification says for gRPC, and `mayHaveArrived` when no
 * answer came.
 */
function describe(error: ConnectError, url: string): Error {
  const code = Code[error.code]?.replace(/[A-Z]/g, (c, i) => (i === 0 ? c.toLowerCase() : `_${c.toLowerCase()}`));
  const retryInfo = findRetryInfo(error);
  const retryAfterMs = retryInfo?.delayMs;
  // RESOURCE_EXHAUSTED is retryable only when the server says to come back (RetryInfo): otherwise it
  // is a limit such as the message size, which a retry would hit again.
  // A status the receiver sent says it did not take the request; without one (a timeout, a dropped
  // connection) it may have, unless the request could not even be sent, which is always worth another try.
  const answered = error.metadata.has("grpc-status");
  const unsent = !answered && neverSent(error);
  const retryable = RETRYABLE.has(error.code) || (error.code === Code.ResourceExhausted && retryInfo !== undefined) ||
    unsent;
  // A failure of the connection itself carries the system's or TLS library's error as its cause.
  const reason = error.cause instanceof Error ? describeNetworkError(error.cause) : error.rawMessage.split("\n")[0]!;
  // A TLS failure is reported as such: gRPC's "internal" status says nothing more.
  const message = reason.startsWith("TLS: ") ? `${url}: ${reason}` : `${url}: ${code ?? "unknown"}: ${reason}`;
  return Object.assign(new Error(message, { cause: error }), {
    retryable,
    unreachable: nothingAnswered(error.cause),
    mayHaveArrived: !answered && !unsent,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}

/** The gRPC statuses the OTLP specification calls retryable (RESOURCE_EXHAUSTED aside, see describe). */
const RETRYABLE: ReadonlySet<Code> = new Set([
  Code.Unavailable,
  Code.Canceled,
  Code.DeadlineExceeded,
  Code.Aborted,
  Code.OutOfRange,
  Code.DataLoss,
]);

/** The google.rpc.RetryInfo error detail, with its retry delay in ms if it has one. */
function findRetryInfo(error: ConnectError): { delayMs?: number } | undefined {
  for (const detail of error.details) {
    if (!("type" in detail) || detail.type !== "google.rpc.RetryInfo") continue;
    try {
      return readRetryInfo(detail.value);
    } catch {
      // A malformed detail gives no delay, but it still says "retry", after the pipeline's own backoff.
      return {};
    }
  }
  return undefined;
}

/** OTLP over gRPC (HTTP/2), the seed's transport and the default exporter. */
export default definePlugin({
  name: "otlp-grpc",
  exporters: { "otlp-grpc": createOtlpGrpcExporter },
});
