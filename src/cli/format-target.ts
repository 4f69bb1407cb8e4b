import type { Settings } from "../config/settings.ts";

/**
 * Where the telemetry goes, as the run's first line says it, transport included: `grpc://host:4317
 * (OTLP/gRPC)`, `https://host:4318 (OTLP/HTTP, JSON)`, or the exporters' names when not OTLP.
 */
export function formatTarget({ run, config }: Settings): string {
  const names = run.exporters.map((choice) => choice.spec);
  const { endpoint, protocol } = config.output;
  if (names.length === 1 && names[0] === "otlp-grpc") {
    // The endpoint's URL says http:// for plain HTTP/2, as the transport wants it; users write grpc://.
    const url = endpoint.tls ? endpoint.url : endpoint.url.replace(/^http:/, "grpc:");
    return `${url} (OTLP/gRPC${endpoint.tls ? ", TLS" : ""})`;
  }
  if (names.length === 1 && names[0] === "otlp-http") {
    return `${endpoint.url} (OTLP/HTTP, ${protocol === "http/json" ? "JSON" : "protobuf"})`;
  }
  return names.length > 1 ? `exporters ${names.join(", ")}` : `exporter ${names[0]}`;
}
