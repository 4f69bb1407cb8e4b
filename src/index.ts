// The whole public API: built-in plugins and third-party plugins import from here and nothing else.
export { definePlugin, OtlpSpanKind } from "./plugin-host/plugin.ts";
export type {
  Access,
  AppendFile,
  CallContext,
  CallShape,
  DescribedCall,
  Exception,
  Exporter,
  ExporterFactory,
  ExporterHost,
  ExporterOptions,
  ExportError,
  ExportRequest,
  ExportResult,
  FailureCause,
  FailureKind,
  InstrumentationScope,
  MetricHeuristic,
  MetricModel,
  MetricSample,
  MetricTypeDefinition,
  OperationContext,
  OperationModel,
  Placeholder,
  PlaceholderContext,
  PlaceholderGenerate,
  PlaceholderSpan,
  Plugin,
  SemconvEra,
  Signal,
  SpanKindDefinition,
  TlsOptions,
} from "./plugin-host/plugin.ts";
export { type FetchTls, fetchTls } from "./runtime/fetch-tls.ts";
/** Why a fetch failed before an answer, in the same words on Bun, Deno and Node; whether anything was sent or answered. */
export { describeNetworkError, neverSent, nothingAnswered } from "./runtime/network-error.ts";
export { Random } from "./plugin-host/random.ts";
/** What loading would reject in a plugin, one line each; empty when it loads. */
export { pluginProblems } from "./plugin-host/registry.ts";
export { DreamweaverError, type ErrorCode, type Problem } from "./plugin-host/errors.ts";
export { preEncodedExportMethod } from "./otlp/otlp-methods.ts";
export type { AnyValue, KeyValue } from "./telemetry/records.ts";
export { attribute } from "./telemetry/attribute.ts";
export { constantAttribute } from "./otlp/constant-attribute.ts";
export { encodeExportRequest } from "./otlp/encode.ts";
export { RequestBuffers } from "./otlp/request-buffers.ts";
export { encodeOtlpJson } from "./otlp/otlp-json.ts";
/** Readers of a receiver's answers: the partial success of an export response and gRPC's RetryInfo. */
export { readRejectedItems, readRetryInfo } from "./otlp/export-response.ts";
export { formatResourceSpans } from "./otlp/span-trees.ts";
