// The whole public API: built-in plugins and third-party plugins import from here and nothing else.
export { definePlugin, OtlpSpanKind } from "./plugin.ts";
export type {
  CallShape,
  MetricTypeDefinition,
  Placeholder,
  PlaceholderContext,
  PlaceholderGenerate,
  Plugin,
  SpanKindDefinition,
} from "./plugin.ts";
export { Random } from "./random.ts";
export { DreamweaverError, type ErrorCode, type Problem } from "./errors.ts";
