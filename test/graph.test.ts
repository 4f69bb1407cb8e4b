import { expect, test } from "bun:test";
import { join } from "node:path";
import { findCycles, spansPerRequest } from "../src/config/graph.ts";
import { formatGraph } from "../src/cli/graph-format.ts";
import { loadSettings } from "./helpers/run.ts";
import { ROOT } from "./helpers/cli.ts";

const marketplace = () => loadSettings(join(ROOT, "examples", "marketplace.yaml"));

test("spans per request count CLIENT and PRODUCER spans, and skip services without traces", async () => {
  const { graph } = await marketplace();
  const perEntry = Object.fromEntries(graph.entryPoints.map((node) => [node.name, spansPerRequest(node)]));
  // mobile-bff: its SERVER span; CLIENT+SERVER into catalog (+ pricing, catalog-db) = 4; CLIENT+SERVER
  // into cart (+ pricing, cart-db, orders-out whose own PRODUCER span publishes to fulfilment's CONSUMER
  // span, + its cart-db) = 7. storefront calls through edge-lb, which emits nothing, so no CLIENT spans.
  expect(perEntry).toEqual({ "mobile-bff": 12, storefront: 10 });
  expect(graph.depth).toBe(6);
});

test("cycles are found once each, whichever node the search enters them from", () => {
  const edges = new Map([
    ["a", ["b"]],
    ["b", ["c"]],
    ["c", ["a", "d"]],
    ["d", ["d"]],
    ["e", ["a"]],
  ]);
  expect(findCycles(edges)).toEqual([["a", "b", "c", "a"], ["d", "d"]]);
  expect(findCycles(new Map([["a", ["b"]], ["b", []]]))).toEqual([]);
});

test("graph formats mark entry points and dash asynchronous calls", async () => {
  const { graph } = await marketplace();
  const mermaid = formatGraph(graph, "mermaid");
  expect(mermaid).toContain('s0(["storefront<br/>web-frontend · server"])');
  expect(mermaid).toContain('s2["edge-lb<br/>load-balancer · no spans"]');
  expect(mermaid).toContain("s8 -.-> s9");
  const dot = formatGraph(graph, "dot");
  expect(dot).toContain('"orders-out" -> "fulfilment" [style=dashed];');
  expect(dot).toContain('"storefront" [label="storefront\\nweb-frontend · server", style=rounded];');
});
