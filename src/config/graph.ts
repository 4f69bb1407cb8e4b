import type { ServiceDefinition, ServiceTemplate } from "./config.ts";
import type { SpanKindDefinition } from "../plugin-host/plugin.ts";

/** One service instance of the architecture with its template and callees resolved. */
export interface ServiceNode {
  readonly name: string;
  readonly template: ServiceTemplate;
  /** Resolved span kind; absent for a transparent service (no `traces` template). */
  readonly spanKind?: SpanKindDefinition;
  readonly downstream: readonly ServiceNode[];
}

/** The resolved service graph: what `validate` and `graph` print and what the engine walks. */
export interface ServiceGraph {
  readonly services: readonly ServiceNode[];
  readonly entryPoints: readonly ServiceNode[];
  readonly edges: readonly { readonly from: ServiceNode; readonly to: ServiceNode }[];
  /** Services on the longest call chain from an entry point. */
  readonly depth: number;
}

/**
 * Builds the graph of a validated config. `spanKindOf` resolves a template's span kind (it exists:
 * validation checked it).
 */
export function buildGraph(
  services: readonly ServiceDefinition[],
  templates: ReadonlyMap<string, ServiceTemplate>,
  spanKindOf: (name: string) => SpanKindDefinition,
): ServiceGraph {
  const byName = new Map<
    string,
    { name: string; template: ServiceTemplate; spanKind?: SpanKindDefinition; downstream: ServiceNode[] }
  >();
  for (const service of services) {
    const template = templates.get(service.type)!;
    const spanKind = template.traces && spanKindOf(template.traces.spanKind);
    byName.set(service.name, { name: service.name, template, ...(spanKind && { spanKind }), downstream: [] });
  }
  const edges: { from: ServiceNode; to: ServiceNode }[] = [];
  const called = new Set<string>();
  for (const service of services) {
    const from = byName.get(service.name)!;
    for (const callee of service.downstream) {
      const to = byName.get(callee)!;
      from.downstream.push(to);
      edges.push({ from, to });
      called.add(callee);
    }
  }
  const nodes = [...byName.values()];
  const entryPoints = nodes.filter((node) => !called.has(node.name));
  const depthOf = memoize((node: ServiceNode): number => 1 + Math.max(0, ...node.downstream.map(depthOf)));
  return { services: nodes, entryPoints, edges, depth: Math.max(0, ...entryPoints.map(depthOf)) };
}

/**
 * Spans one request starting at `entry` produces: each service with a traces template emits one span,
 * plus one CLIENT or PRODUCER span in a span-emitting caller for each call into a `request` or
 * `message` service. Shared callees count once per path, as the request visits them once per path.
 */
export function spansPerRequest(entry: ServiceNode): number {
  const count = memoize((node: ServiceNode): number => {
    let spans = node.spanKind ? 1 : 0;
    for (const callee of node.downstream) {
      if (node.spanKind && callee.spanKind && makesCallSpan(node.spanKind, callee.spanKind)) spans += 1;
      spans += count(callee);
    }
    return spans;
  });
  return count(entry);
}

/**
 * Whether a call gets its own CLIENT or PRODUCER span in the caller: calls into `request` and `message`
 * services do, unless the caller's own span already is one (a CLIENT service calling a server, a
 * PRODUCER service publishing to a consumer).
 */
export function makesCallSpan(caller: SpanKindDefinition, callee: SpanKindDefinition): boolean {
  if (callee.call === "request") return caller.otlpKind !== 3;
  if (callee.call === "message") return caller.otlpKind !== 4;
  return false;
}

/**
 * Cycles in `edges`, each as the path that closes it (`["a", "b", "c", "a"]`): one per back edge of a
 * depth-first search, so every cyclic part of the graph is reported, each cycle once.
 */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "active");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "active") {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = canonical(cycle.slice(0, -1));
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(next) && edges.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

function canonical(ring: string[]): string {
  const start = ring.indexOf([...ring].sort()[0]!);
  return [...ring.slice(start), ...ring.slice(0, start)].join("\u0000");
}

function memoize<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      cache.set(key, value);
    }
    return value;
  };
}
