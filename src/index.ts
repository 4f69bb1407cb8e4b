// The whole public API: built-in plugins and third-party plugins import from here and nothing else.
export { definePlugin, OtlpSpanKind } from "./plugin.ts";
export type {
  CallShape,
  Exporter,
  ExporterFactory,
  ExporterOptions,
  ExportRequest,
  ExportResult,
  MetricHeuristic,
  MetricModel,
  MetricSample,
  MetricTypeDefinition,
  Placeholder,
  PlaceholderContext,
  PlaceholderGenerate,
  Plugin,
  Signal,
  SpanKindDefinition,
} from "./plugin.ts";
export { Random } from "./random.ts";
export { DreamweaverError, type ErrorCode, type Problem } from "./errors.ts";
export { preEncodedExportMethod } from "./otlp-methods.ts";
