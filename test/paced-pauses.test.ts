import { expect, test } from "bun:test";
import { fromBinary } from "@bufbuild/protobuf";
import { ResourceSpansSchema } from "../src/gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import { ResourceMetricsSchema } from "../src/gen/opentelemetry/proto/metrics/v1/metrics_pb.ts";
import { writeConfig } from "./helpers/config.ts";
import { loadSettings, runFast } from "./helpers/run.ts";
import { virtualClock } from "./helpers/virtual-clock.ts";

const CONFIG = `
seed: "paced-pauses"
templates:
  web: { traces: { span_kind: server, operations: ["GET /items"], base_duration_ms: 20 } }
services:
  - { name: web, type: web }
workload: { rate: 2000/s, duration: 3s }
output: { endpoint: localhost:4317, batch_size: 50 }
`;

// The runtime stops a paced run now and then: a garbage collection, a compile, the machine's other work. Requests
// falling due meanwhile should not be generated late because of it, nor anything be sent before its time.
test("a paced run keeps its schedule through 15 ms pauses and sends nothing before its time", async () => {
  // Metrics collected every second, so that collections fall due during the run too.
  const settings = await loadSettings(writeConfig(CONFIG), { metricsInterval: "1s" });
  const clock = virtualClock(Date.UTC(2026, 0, 1) * 1000);
  let sleeps = 0;
  // Every 100th wait ends 15 ms late, as a collection of the heap would make it.
  const pausing = { ...clock, sleep: (ms: number) => clock.sleep(++sleeps % 100 === 0 ? ms + 15 : ms) };
  const early: string[] = [];
  let spans = 0;
  let points = 0;
  settings.registry.exporters.set("timed", {
    name: "timed",
    plugin: "test",
    value: () => ({
      export(request) {
        // To the microsecond, the engine's time step (the nanoseconds below it only keep timestamps off a grid).
        const nowUs = BigInt(clock.us);
        for (const resource of request.resources) {
          if (request.signal === "traces") {
            for (const { spans: list } of fromBinary(ResourceSpansSchema, resource).scopeSpans) {
              spans += list.length;
              for (const span of list) if (span.endTimeUnixNano / 1000n > nowUs) early.push(`span ${span.name}`);
            }
          } else if (request.signal === "metrics") {
            for (const { metrics } of fromBinary(ResourceMetricsSchema, resource).scopeMetrics) {
              for (const metric of metrics) {
                const list = metric.data.value?.dataPoints ?? [];
                points += list.length;
                for (const point of list) if (point.timeUnixNano / 1000n > nowUs) early.push(`point of ${metric.name}`);
              }
            }
          }
        }
        return Promise.resolve({ rejected: 0 });
      },
      close: () => Promise.resolve(),
    }),
  });
  const summary = await runFast(settings, { fast: false, exporter: "timed", clock: pausing });

  expect(sleeps).toBeGreaterThan(500);
  expect(spans).toBe(summary.spans);
  expect(points).toBeGreaterThan(5);
  expect(summary.requests).toBeGreaterThan(5900);
  // Generated ahead, a request due during a pause was ready before it: behind by the clock's tick at most.
  expect(summary.maxLagMs).toBeLessThanOrEqual(1);
  expect(early).toEqual([]);
});
