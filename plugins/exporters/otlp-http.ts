import {
  definePlugin,
  describeNetworkError,
  encodeExportRequest,
  encodeOtlpJson,
  type Exporter,
  type ExporterOptions,
  type ExportRequest,
  fetchTls,
  neverSent,
  nothingAnswered,
  readRejectedItems,
  type Signal,
} from "../../src/index.ts";

/** The partial-success field of each signal's response that counts rejected items (JSON name). */
const REJECTED = { traces: "rejectedSpans", metrics: "rejectedDataPoints", logs: "rejectedLogRecords" } as const;

/** The statuses the OTLP/HTTP specification calls retryable; every other failure status is final. */
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);

function createOtlpHttpExporter(options: ExporterOptions): Exporter {
  const json = options.protocol === "http/json";
  const gzip = options.compression === "gzip";
  // As the OTLP SDKs build signal URLs from OTEL_EXPORTER_OTLP_ENDPOINT: the base URL and /v1/<signal>.
  const urls: Record<Signal, string> = {
    traces: `${options.url}/v1/traces`,
    metrics: `${options.url}/v1/metrics`,
    logs: `${options.url}/v1/logs`,
  };
  // Custom headers first, so they cannot replace the ones that describe the body. Never logged: they
  // may carry credentials.
  const baseHeaders: Record<string, string> = {
    ...options.headers,
    "content-type": json ? "application/json" : "application/x-protobuf",
    ...(gzip && { "content-encoding": "gzip" }),
  };
  // Runtime-specific (Bun's `tls` init field, a Deno HTTP client, a Node HTTPS agent), made once for all calls.
  const tls = options.tlsOptions ? fetchTls(options.tlsOptions) : undefined;
  const send = tls?.fetch ?? fetch;
  return {
    // The body is a buffer of its own, made before anything is sent.
    borrowsRequests: true,
    // How the telemetry is split into calls is no part of what the receiver gets.
    mergesRequests: true,
    async export(request, signal) {
      const url = urls[request.signal];
      const body = await encodeBody(request, json, gzip);
      let response: Response;
      try {
        response = await send(url, {
          method: "POST",
          headers: baseHeaders,
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
        });
      } catch (error) {
        throw networkError(url, error, options.timeoutMs);
      }
      let answer: Uint8Array;
      try {
        answer = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        throw networkError(url, error, options.timeoutMs);
      }
      if (response.ok) return { rejected: rejectedItems(request.signal, answer, response) };
      const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
      throw Object.assign(new Error(`${url}: ${status}`), {
        retryable: RETRYABLE_STATUS.has(response.status),
        ...(retryAfterMs !== undefined && { retryAfterMs }),
      });
    },
    close() {
      tls?.close();
      return Promise.resolve();
    },
  };
}

/** The request body: the Export*ServiceRequest as protobuf or OTLP/JSON, gzipped if asked. */
async function encodeBody(request: ExportRequest, json: boolean, gzip: boolean): Promise<Uint8Array<ArrayBuffer>> {
  const plain = json
    ? new TextEncoder().encode(encodeOtlpJson(request.signal, request.resources))
    : encodeExportRequest(request.resources);
  if (!gzip) return plain as Uint8Array<ArrayBuffer>;
  // CompressionStream is the web standard (Bun, Deno, Node): no runtime-specific zlib needed.
  const compressed = new Blob([plain as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(compressed).arrayBuffer());
}

/**
 * A failure before an HTTP answer: the connection was refused or reset, TLS failed, or the call timed out.
 * All are retryable, as the OTLP specification says of transient network errors; all but those before
 * anything was sent may have reached the receiver.
 */
function networkError(url: string, error: unknown, timeoutMs: number): Error {
  return Object.assign(new Error(`${url}: ${describeNetworkError(error, timeoutMs)}`, { cause: error }), {
    retryable: true,
    mayHaveArrived: !neverSent(error),
    unreachable: nothingAnswered(error),
  });
}

/** `Retry-After` in seconds or as an HTTP date, in ms from now; undefined when absent or unreadable. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * How many items a successful answer's partial success rejected. An empty or unreadable body is a full
 * success: the data was accepted, and a receiver's odd answer is no reason to send it again.
 */
function rejectedItems(signal: Signal, body: Uint8Array, response: Response): number {
  if (body.length === 0) return 0;
  try {
    if ((response.headers.get("content-type") ?? "").includes("json")) {
      const parsed = JSON.parse(new TextDecoder().decode(body)) as { partialSuccess?: Record<string, unknown> };
      return Number(parsed.partialSuccess?.[REJECTED[signal]] ?? 0) || 0;
    }
    return readRejectedItems(body);
  } catch {
    return 0;
  }
}

/** OTLP over HTTP/1.1 (`output.protocol: http/protobuf` or `http/json`), with `fetch`. */
export default definePlugin({
  name: "otlp-http",
  exporters: { "otlp-http": createOtlpHttpExporter },
});
