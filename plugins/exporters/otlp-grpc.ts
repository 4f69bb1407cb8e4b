import { Code, ConnectError } from "@connectrpc/connect";
import { compressionGzip, createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import {
  definePlugin,
  describeNetworkError,
  type Exporter,
  type ExporterOptions,
  neverSent,
  nothingAnswered,
  preEncodedExportMethod,
  readRetryInfo,
  type Signal,
} from "../../src/index.ts";

/** The partial-success field of each signal's response that counts rejected items. */
const REJECTED = { traces: "rejectedSpans", metrics: "rejectedDataPoints", logs: "rejectedLogRecords" } as const;

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
  const transport = createGrpcTransport({
    baseUrl: options.url,
    sessionManager,
    ...(gzip && { sendCompression: compressionGzip, acceptCompression: [compressionGzip] }),
  });
  // Sent as call metadata (e.g. an API key); never logged, as they may be secrets.
  const headers = options.headers && Object.keys(options.headers).length > 0 ? { ...options.headers } : undefined;
  const methods = {
    traces: preEncodedExportMethod("traces"),
    metrics: preEncodedExportMethod("metrics"),
    logs: preEncodedExportMethod("logs"),
  } satisfies Record<Signal, unknown>;
  return {
    async export(request, signal) {
      try {
        const response = await transport.unary(methods[request.signal], signal, options.timeoutMs, headers, {
          resources: [...request.resources],
        });
        const { partialSuccess } = response.message as { partialSuccess?: Record<string, bigint> };
        const partial = partialSuccess;
        return { rejected: Number(partial?.[REJECTED[request.signal]] ?? 0n) };
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
