import { expect, test } from "bun:test";
import { loadYaml } from "./helpers/config.ts";
import { runFast } from "./helpers/run.ts";
import { virtualClock } from "./helpers/virtual-clock.ts";

const CONFIG = `
seed: "paced-start"
templates:
  web: { traces: { span_kind: server, operations: ["GET /items"], base_duration_ms: 20 } }
services:
  - { name: web, type: web }
workload: { rate: 500/s, duration: 2s }
output: { endpoint: localhost:4317 }
`;

// Setting up a run takes time (planning, starting exporters: tens of milliseconds on a busy machine). A
// schedule that started before that would begin behind and generate its first requests in one burst.
test("a paced run whose exporter takes 40 ms to start still generates its first requests on schedule", async () => {
  const settings = await loadYaml(CONFIG);
  const clock = virtualClock(Date.UTC(2026, 0, 1) * 1000);
  let readyUs = 0;
  settings.registry.exporters.set("slow-start", {
    name: "slow-start",
    plugin: "test",
    value: () => {
      void clock.sleep(40);
      readyUs = clock.us;
      return { export: () => Promise.resolve({ rejected: 0 }), close: () => Promise.resolve() };
    },
  });
  const summary = await runFast(settings, { fast: false, exporter: "slow-start", clock });

  expect(readyUs).toBeGreaterThan(0);
  expect(summary.requests).toBeGreaterThan(900);
  // Behind by at most the clock's tick (a sleep is 1 ms at least), not by the 40 ms of setting up.
  expect(summary.maxLagMs).toBeLessThanOrEqual(1);
  // The schedule's rate, counted from the schedule's start, not from the command's.
  expect(Math.abs(summary.achievedRate / summary.configuredRate - 1)).toBeLessThan(0.02);
});
