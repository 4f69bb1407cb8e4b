// The whole public API: built-in plugins and third-party plugins import from here and nothing else.
export { definePlugin, OtlpSpanKind } from "./plugin.ts";
export type {
  AppendFile,
  CallShape,
  DescribedCall,
  Exporter,
  ExporterFactory,
  ExporterHost,
  ExporterOptions,
  ExportError,
  ExportRequest,
  ExportResult,
  MetricHeuristic,
  MetricModel,
  MetricSample,
  MetricTypeDefinition,
  OperationContext,
  OperationModel,
  Placeholder,
  PlaceholderContext,
  PlaceholderGenerate,
  Plugin,
  Signal,
  SpanKindDefinition,
  TlsOptions,
} from "./plugin.ts";
export { type FetchTls, fetchTls } from "./runtime.ts";
export { Random } from "./random.ts";
export { DreamweaverError, type ErrorCode, type Problem } from "./errors.ts";
export { preEncodedExportMethod } from "./otlp-methods.ts";
export type { AnyValue, KeyValue } from "./telemetry/records.ts";
export { attribute } from "./telemetry/attribute.ts";
export { encodeExportRequest } from "./otlp/encode.ts";
export { encodeOtlpJson } from "./otlp/otlp-json.ts";
export { formatResourceSpans } from "./otlp/span-trees.ts";
