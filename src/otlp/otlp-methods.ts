import type { DescMethodUnary } from "@bufbuild/protobuf";
import { PreEncodedExportRequestSchema } from "../gen/dreamweaver/wire/v1/pre_encoded_pb.ts";
import { LogsService } from "../gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import { MetricsService } from "../gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import { TraceService } from "../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import type { Signal } from "../plugin-host/plugin.ts";

const services = { traces: TraceService, metrics: MetricsService, logs: LogsService };

/**
 * The OTLP `Export` method of a signal's collector service, taking already-encoded resources: the same
 * RPC path and the same bytes on the wire as the official request, without building message objects.
 *
 * @example
 * await transport.unary(preEncodedExportMethod("traces"), signal, timeoutMs, headers, { resources });
 */
export function preEncodedExportMethod(signal: Signal): DescMethodUnary<typeof PreEncodedExportRequestSchema> {
  const method = services[signal].method.export as DescMethodUnary;
  return { ...method, input: PreEncodedExportRequestSchema } as DescMethodUnary<typeof PreEncodedExportRequestSchema>;
}
