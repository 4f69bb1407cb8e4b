import { defineCommand } from "citty";
import { badFlag } from "../../plugin-host/messages.ts";
import { formatGraph, GRAPH_FORMATS, type GraphFormat } from "../graph-format.ts";
import { writeOut } from "../host.ts";
import { settingsArgs, settingsFromArgs } from "../settings-args.ts";
import { guarded } from "./guarded.ts";

export const graphCommand = defineCommand({
  meta: { name: "graph", description: "Print the service topology as Mermaid or Graphviz DOT" },
  args: {
    ...settingsArgs,
    format: { type: "enum", options: [...GRAPH_FORMATS], default: "mermaid", description: "Output format" },
  },
  run: guarded(async ({ args, rawArgs }) => {
    const format = args.format;
    if (!(GRAPH_FORMATS as readonly string[]).includes(format)) {
      throw badFlag("--format", `must be ${GRAPH_FORMATS.join(" or ")} (was "${format}")`);
    }
    const { graph } = await settingsFromArgs(args, rawArgs);
    writeOut(formatGraph(graph, format as GraphFormat));
  }),
});
