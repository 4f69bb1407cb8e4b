import { expect, test } from "bun:test";
import { withReceiver } from "../src/config/settings.ts";
import { planRun } from "../src/engine/plan.ts";
import { simulateRequest, type TelemetryOut } from "../src/engine/simulate.ts";
import { startSink } from "../src/receiver/start-receiver.ts";
import { run } from "../src/run/run.ts";
import type { SpanRecord } from "../src/telemetry/records.ts";
import { exporterHost } from "../src/cli/host.ts";
import { FIXED_START_US, loadExample } from "./helpers/run.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** The spans of the first `count` requests of a run of `example` starting at `startUs`. */
async function spansOf(example: string, startUs: number, count: number, flags = {}) {
  const plan = planRun(await loadExample(example, flags), undefined, startUs);
  const spans: SpanRecord[] = [];
  const out: TelemetryOut = { span: (_, span) => void spans.push(span), log: () => {}, handled: () => {} };
  for (let i = 0; i < count; i++) simulateRequest(plan, i, startUs + i * 100_000, out);
  const resources = plan.instances.map((instance) =>
    Object.fromEntries(instance.resource.attributes.map((kv) => [kv.key, JSON.stringify(kv.value)]))
  );
  return { spans, resources };
}

test("runs that start at different times share no trace, span or instance id, and nothing else differs", async () => {
  const a = await spansOf("marketplace.yaml", FIXED_START_US, 200);
  const b = await spansOf("marketplace.yaml", FIXED_START_US + 1, 200);
  const ids = (spans: SpanRecord[], key: "traceId" | "spanId") => new Set(spans.map((span) => hex(span[key])));
  expect([...ids(a.spans, "traceId")].filter((id) => ids(b.spans, "traceId").has(id))).toEqual([]);
  expect([...ids(a.spans, "spanId")].filter((id) => ids(b.spans, "spanId").has(id))).toEqual([]);
  // Every span id of a run is its own, as before.
  expect(ids(a.spans, "spanId").size).toBe(a.spans.length);
  const instanceIds = (run: typeof a) => run.resources.map((resource) => resource["service.instance.id"]);
  expect(instanceIds(a).filter((id) => instanceIds(b).includes(id))).toEqual([]);
  // The content is the same: names, kinds, attributes, and the hosts the instances run on.
  const content = (spans: SpanRecord[]) =>
    spans.map((span) => JSON.stringify([span.name, span.kind, span.attributes, span.status]));
  expect(content(b.spans)).toEqual(content(a.spans));
  const hosts = (run: typeof a) => run.resources.map((resource) => resource["host.name"]);
  expect(hosts(b)).toEqual(hosts(a));
});

test("the same start gives the same ids", async () => {
  const a = await spansOf("ecommerce.yaml", FIXED_START_US, 20);
  const b = await spansOf("ecommerce.yaml", FIXED_START_US, 20);
  expect(b.spans.map((span) => hex(span.traceId) + hex(span.spanId)))
    .toEqual(a.spans.map((span) => hex(span.traceId) + hex(span.spanId)));
  expect(b.resources).toEqual(a.resources);
});

test("--seed changes what the requests contain", async () => {
  const content = (spans: SpanRecord[]) => JSON.stringify(spans.map((span) => [span.name, span.attributes]));
  const original = await spansOf("marketplace.yaml", FIXED_START_US, 20);
  const reseeded = await spansOf("marketplace.yaml", FIXED_START_US, 20, { seed: "another seed" });
  expect(content(reseeded.spans)).not.toBe(content(original.spans));
});

test("two paced runs of one config into one running receiver: every check passes", async () => {
  const sink = await startSink({ port: 0 });
  try {
    const settings = withReceiver(
      await loadExample("ecommerce.yaml", { rate: "40/s", duration: "2s" }),
      `http://127.0.0.1:${sink.port}`,
    );
    const first = await run(settings, { host: exporterHost });
    const second = await run(settings, { host: exporterHost });
    expect(first.failedExports + second.failedExports).toBe(0);
    await sink.close();
    const report = sink.report();
    expect(report.spans).toBe(first.spans + second.spans);
    expect(report.checks.traces.checked).toBe(first.requests + second.requests);
    expect(report.examples).toEqual({});
    expect(report.violations).toBe(0);
  } finally {
    await sink.close();
  }
}, 30_000);
