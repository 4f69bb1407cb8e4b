import type { ServiceGraph, ServiceNode } from "../config/graph.ts";

export const GRAPH_FORMATS = ["mermaid", "dot"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** The topology as Mermaid or Graphviz text. Asynchronous (message) calls are dashed. */
export function formatGraph(graph: ServiceGraph, format: GraphFormat): string {
  return format === "dot" ? toDot(graph) : toMermaid(graph);
}

function label(node: ServiceNode): string {
  return `${node.name}\n${node.template.name} · ${node.template.traces?.spanKind ?? "no spans"}`;
}

function isAsync(to: ServiceNode): boolean {
  return to.spanKind?.call === "message";
}

function toMermaid(graph: ServiceGraph): string {
  const id = new Map(graph.services.map((node, i) => [node, `s${i}`]));
  const entries = new Set(graph.entryPoints);
  const escape = (text: string) => text.replaceAll('"', "#quot;").replaceAll("\n", "<br/>");
  return [
    "flowchart LR",
    ...graph.services.map((node) => {
      const [open, close] = entries.has(node) ? ["([", "])"] : ["[", "]"];
      return `  ${id.get(node)}${open}"${escape(label(node))}"${close}`;
    }),
    ...graph.edges.map(({ from, to }) => `  ${id.get(from)} ${isAsync(to) ? "-.->" : "-->"} ${id.get(to)}`),
  ].join("\n");
}

function toDot(graph: ServiceGraph): string {
  const quote = (text: string) => JSON.stringify(text);
  const entries = new Set(graph.entryPoints);
  return [
    "digraph dreamweaver {",
    "  rankdir=LR;",
    "  node [shape=box, fontname=Helvetica];",
    ...graph.services.map((node) =>
      `  ${quote(node.name)} [label=${quote(label(node))}${entries.has(node) ? ", style=rounded" : ""}];`
    ),
    ...graph.edges.map(({ from, to }) =>
      `  ${quote(from.name)} -> ${quote(to.name)}${isAsync(to) ? " [style=dashed]" : ""};`
    ),
    "}",
  ].join("\n");
}
