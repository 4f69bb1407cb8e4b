import fileExporter from "./file-exporter.ts";
import metricHeuristics from "./metric-heuristics.ts";
import metricTypes from "./metric-types.ts";
import nullExporter from "./null-exporter.ts";
import otlpGrpc from "./otlp-grpc.ts";
import otlpHttp from "./otlp-http.ts";
import placeholders from "./placeholders.ts";
import spanKinds from "./span-kinds.ts";
import stdoutExporter from "./stdout-exporter.ts";

/** The plugins every run starts with; their contributions are addressed without a namespace. */
export const builtinPlugins = [
  spanKinds,
  placeholders,
  metricTypes,
  metricHeuristics,
  otlpGrpc,
  otlpHttp,
  nullExporter,
  fileExporter,
  stdoutExporter,
];
