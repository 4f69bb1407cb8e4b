import fileExporter from "./exporters/file.ts";
import metricHeuristics from "./metrics/heuristics.ts";
import metricTypes from "./metrics/types.ts";
import nullExporter from "./exporters/none.ts";
import otlpGrpc from "./exporters/otlp-grpc.ts";
import otlpHttp from "./exporters/otlp-http.ts";
import placeholders from "./placeholders/index.ts";
import spanKinds from "./span-kinds/index.ts";
import stdoutExporter from "./exporters/stdout.ts";

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
