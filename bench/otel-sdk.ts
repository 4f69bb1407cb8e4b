// The OpenTelemetry JS SDK doing what the generator does, for bench/compare.ts: spans started and ended
// through a BasicTracerProvider, string attributes from a fixed pool until each span has about the asked
// size on the wire, batches of 500 serialized to OTLP protobuf with the SDK's own serializer. The SDK is
// not a dependency of the project: undefined when its packages are not installed.
import type { Span } from "@opentelemetry/api";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

const BATCH = 500;
const KEYS = [
  "http.request.method",
  "http.route",
  "url.path",
  "server.address",
  "db.query.text",
  "messaging.message.id",
];
const VALUES = ["GET", "/api/orders/{orderId}/items", "/api/orders/48213/items", "10.42.7.19", "SELECT id FROM orders"];
/** Bytes a span takes before its attributes (ids, name, kind, times, flags, status), and per attribute. */
const SPAN_BASE_BYTES = 80;
const ATTRIBUTE_BYTES = 45;

/** Creates and serializes `spans` spans of about `bytesPerSpan` bytes each; undefined without the SDK. */
export async function otelSdkSpans(spans: number, bytesPerSpan: number): Promise<number | undefined> {
  const sdk = await importSdk();
  if (sdk === undefined) return undefined;
  const finished: ReadableSpan[] = [];
  const collect: SpanExporter = {
    export: (batch, done) => (finished.push(...batch), done({ code: 0 })),
    shutdown: () => Promise.resolve(),
  };
  const provider = new sdk.trace.BasicTracerProvider({
    spanProcessors: [new sdk.trace.SimpleSpanProcessor(collect)],
  });
  const tracer = provider.getTracer("bench", "1.0.0");
  const attributes = Math.max(1, Math.round((bytesPerSpan - SPAN_BASE_BYTES) / ATTRIBUTE_BYTES));
  let bytes = 0;
  for (let done = 0; done < spans; done += BATCH) {
    for (let i = 0; i < Math.min(BATCH, spans - done); i++) {
      const span: Span = tracer.startSpan("GET /api/orders/{orderId}");
      for (let a = 0; a < attributes; a++) span.setAttribute(KEYS[a % KEYS.length]!, VALUES[(a + i) % VALUES.length]!);
      span.end();
    }
    bytes += sdk.transformer.ProtobufTraceSerializer.serializeRequest(finished)!.length;
    finished.length = 0;
  }
  return bytes;
}

async function importSdk() {
  try {
    const [trace, transformer] = await Promise.all([
      import("@opentelemetry/sdk-trace-base"),
      import("@opentelemetry/otlp-transformer"),
    ]);
    return { trace, transformer };
  } catch {
    return undefined;
  }
}
