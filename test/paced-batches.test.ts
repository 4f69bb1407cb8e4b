import { expect, test } from "bun:test";
import { fromBinary } from "@bufbuild/protobuf";
import { ResourceSpansSchema } from "../src/gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import { loadYaml } from "./helpers/config.ts";
import { runFast } from "./helpers/run.ts";
import { virtualClock } from "./helpers/virtual-clock.ts";

// A paced run sends a batch once all its spans have ended. A database hangs for half a second at 1 s, so
// about 50 requests wait for their timeout; the requests after them must not wait with them.
const CONFIG = `
seed: "paced-timeout"
templates:
  web: { traces: { span_kind: server, operations: ["GET /items"], base_duration_ms: 20 } }
  db: { traces: { span_kind: client, operations: ["SELECT items"], base_duration_ms: 3 } }
services:
  - { name: web, type: web, downstream: [db] }
  - { name: db, type: db }
scenarios:
  - { name: db hangs, at: 1s, duration: 0.5s, target: db, timeout: true }
workload: { rate: 100/s, duration: 5s }
output: { endpoint: localhost:4317, batch_size: 10 }
`;

test("a request stuck in a timeout holds back its own batch, not those after it; the run waits for it to end", async () => {
  const settings = await loadYaml(CONFIG);
  const clock = virtualClock(Date.UTC(2026, 0, 1) * 1000);
  const sent: { atUs: number; startUs: number; endUs: number; call: number }[] = [];
  let calls = 0;
  settings.registry.exporters.set("timed", {
    name: "timed",
    plugin: "test",
    value: () => ({
      export(request) {
        if (request.signal !== "traces") return Promise.resolve({ rejected: 0 });
        calls++;
        for (const resource of request.resources) {
          for (const { spans } of fromBinary(ResourceSpansSchema, resource).scopeSpans) {
            for (const span of spans) {
              const [startUs, endUs] = [span.startTimeUnixNano, span.endTimeUnixNano].map((ns) => Number(ns / 1000n));
              sent.push({ atUs: clock.us, startUs: startUs!, endUs: endUs!, call: calls });
            }
          }
        }
        return Promise.resolve({ rejected: 0 });
      },
      close: () => Promise.resolve(),
    }),
  });
  const summary = await runFast(settings, { fast: false, exporter: "timed", clock });

  expect(sent.length).toBe(summary.spans);
  // Nothing is from the future: every span was sent after it ended.
  for (const span of sent) expect(span.atUs).toBeGreaterThanOrEqual(span.endUs);
  const hung = sent.filter((span) => span.endUs - span.startUs > 5e6);
  expect(hung.length).toBeGreaterThan(0);
  const lastHungEndUs = Math.max(...hung.map((span) => span.endUs));
  // The run went on until the hung spans ended, and sent them then.
  expect(Math.max(...sent.map((span) => span.atUs))).toBeGreaterThanOrEqual(lastHungEndUs);
  // The hung requests are batched together (each batch with those ending in the same second), not one by one.
  const hungTraces = new Set(hung.map((span) => span.call)).size;
  expect(hungTraces).toBeLessThan(hung.length / 4);
  // Everything else left within the batch wait (1 s) and a scheduler tick of its end.
  const prompt = sent.filter((span) => span.endUs - span.startUs < 1e6);
  const latest = Math.max(...prompt.map((span) => span.atUs - span.endUs));
  expect(latest).toBeLessThan(1.2e6);
});
