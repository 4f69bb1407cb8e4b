import metricHeuristics from "./metric-heuristics.ts";
import metricTypes from "./metric-types.ts";
import nullExporter from "./null-exporter.ts";
import otlpGrpc from "./otlp-grpc.ts";
import otlpHttp from "./otlp-http.ts";
import placeholders from "./placeholders.ts";
import spanKinds from "./span-kinds.ts";

/** The plugins every run starts with; their contributions are addressed without a namespace. */
export const builtinPlugins = [
  spanKinds,
  placeholders,
  metricTypes,
  metricHeuristics,
  otlpGrpc,
  otlpHttp,
  nullExporter,
];
