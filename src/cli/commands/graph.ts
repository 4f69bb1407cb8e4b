import { defineCommand } from "citty";
import { DreamweaverError } from "../../plugin-host/errors.ts";
import { formatGraph, GRAPH_FORMATS, type GraphFormat } from "../graph-format.ts";
import { writeOut } from "../host.ts";
import { loadConfig } from "../../config/load-config.ts";
import { configArgs, guarded, pluginArgs } from "./guarded.ts";

export const graphCommand = defineCommand({
  meta: { name: "graph", description: "Print the service topology as Mermaid or Graphviz DOT" },
  args: {
    ...configArgs,
    format: { type: "enum", options: [...GRAPH_FORMATS], default: "mermaid", description: "Output format" },
  },
  run: guarded(async ({ args, rawArgs }) => {
    const format = args.format;
    if (!(GRAPH_FORMATS as readonly string[]).includes(format)) {
      throw new DreamweaverError("USAGE", `--format must be ${GRAPH_FORMATS.join(" or ")} (was "${format}")`);
    }
    const { graph } = await loadConfig(args.config, { plugins: pluginArgs(rawArgs) });
    writeOut(formatGraph(graph, format as GraphFormat));
  }),
});
