import { expect, test } from "bun:test";
import { join } from "node:path";
import { MetricsAggregator } from "../src/engine/metrics/aggregator.ts";
import { planRun } from "../src/engine/plan.ts";
import { constantAttribute } from "../src/otlp/constant-attribute.ts";
import { attribute } from "../src/telemetry/attribute.ts";
import type { HistogramPoint, KeyValue, SpanRecord } from "../src/telemetry/records.ts";
import { ROOT } from "./helpers/cli.ts";
import { loadSettings } from "./helpers/run.ts";

// A convention histogram is split by the attributes it keeps. Streams are found by the identity of constant
// attributes when a span repeats a recent one's, so these spans mix constants, fresh values of the same
// attributes, other orders and extra attributes: each must land in the stream its values say.
test("spans feed the histogram stream of their kept attributes' values, however those attributes were made", async () => {
  const plan = planRun(await loadSettings(join(ROOT, "examples/ecommerce.yaml")));
  const instance = plan.instances[0]!;
  const metric = instance.service.span!.operations[0]!.metric!;
  expect(metric.name).toBe("http.server.request.duration");
  const aggregator = new MetricsAggregator(plan, 0, 10_000_000);

  const get = constantAttribute("http.request.method", "GET");
  const route = constantAttribute("http.route", "/items");
  const ok = constantAttribute("http.response.status_code", 200);
  const failed = constantAttribute("http.response.status_code", 500);
  const timeout = constantAttribute("error.type", "timeout");
  const path = () => attribute("url.path", "/items/7"); // not kept: a fresh value every span
  let spanId = 0;
  const feed = (attributes: KeyValue[], times = 1) => {
    for (let i = 0; i < times; i++) {
      const span: SpanRecord = {
        traceId: new Uint8Array(16).fill(1),
        spanId: new Uint8Array(8).fill(++spanId),
        name: "GET /items",
        kind: 2,
        startUs: 1_000,
        endUs: 3_000,
        attributes,
        events: [],
        links: [],
        flags: 1,
      };
      aggregator.span(instance, span, metric);
    }
  };
  feed([get, route, path(), ok], 3);
  feed([get, route, path(), failed], 2);
  feed([get, route, path(), ok], 1);
  // The same values as fresh attributes, not the constants: the same stream.
  feed([attribute("http.request.method", "GET"), route, path(), attribute("http.response.status_code", 200)]);
  // Another order and no url.path: the same stream.
  feed([ok, route, get]);
  // One more kept attribute: a stream of its own.
  feed([get, route, path(), failed, timeout], 4);
  // An attribute that is not kept in place of url.path: the same stream as without it.
  feed([get, route, attribute("user_agent.original", "curl/8.5.0"), ok]);

  const collected = aggregator.shutdown(10_000_000).find((c) => c.instance === instance)!;
  const histogram = collected.metrics.find((m) => m.name === metric.name)!;
  const points = (histogram.data as { points: readonly HistogramPoint[] }).points;
  const streams = points.map((p) => [p.attributes.map((a) => `${a.key}=${Object.values(a.value)[0]}`).sort(), p.count]);
  expect(streams).toEqual(
    expect.arrayContaining([
      [["http.request.method=GET", "http.response.status_code=200", "http.route=/items"], 7],
      [["http.request.method=GET", "http.response.status_code=500", "http.route=/items"], 2],
      [["error.type=timeout", "http.request.method=GET", "http.response.status_code=500", "http.route=/items"], 4],
    ]),
  );
  expect(points.length).toBe(3);
});
