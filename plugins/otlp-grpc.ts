import { Code, ConnectError } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import {
  definePlugin,
  type Exporter,
  type ExporterOptions,
  preEncodedExportMethod,
  type Signal,
} from "../src/index.ts";

/** The partial-success field of each signal's response that counts rejected items. */
const REJECTED = { traces: "rejectedSpans", metrics: "rejectedDataPoints", logs: "rejectedLogRecords" } as const;

function createOtlpGrpcExporter(options: ExporterOptions): Exporter {
  const sessionManager = new Http2SessionManager(options.url);
  const transport = createGrpcTransport({ baseUrl: options.url, sessionManager });
  const methods = {
    traces: preEncodedExportMethod("traces"),
    metrics: preEncodedExportMethod("metrics"),
    logs: preEncodedExportMethod("logs"),
  } satisfies Record<Signal, unknown>;
  return {
    async export(request, signal) {
      try {
        const response = await transport.unary(methods[request.signal], signal, options.timeoutMs, undefined, {
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

/** One line a user can act on: the endpoint, the gRPC status, and what the transport said. */
function describe(error: ConnectError, url: string): Error {
  const code = Code[error.code]?.replace(/[A-Z]/g, (c, i) => (i === 0 ? c.toLowerCase() : `_${c.toLowerCase()}`));
  return new Error(`${url}: ${code ?? "unknown"}: ${error.rawMessage.split("\n")[0]}`, { cause: error });
}

/** OTLP over gRPC (HTTP/2), the seed's transport and the default exporter. */
export default definePlugin({
  name: "otlp-grpc",
  exporters: { "otlp-grpc": createOtlpGrpcExporter },
});
