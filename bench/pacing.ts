// Paced-mode accuracy: `bun bench/pacing.ts <rate/s> <seconds> [example.yaml] [exporter]`, e.g. `2000 30`.
// Runs on the wall clock and prints JSON with the achieved request rate and the worst lag behind schedule.
import { join } from "node:path";
import { systemClock } from "../src/runtime/clock.ts";
import { loadConfig } from "../src/config/load-config.ts";
import { executeRun } from "../src/run/execute-run.ts";
import { startSink } from "../src/receiver/start-receiver.ts";

const [rate = "2000", seconds = "30", example = "ecommerce.yaml", exporter = "none"] = process.argv.slice(2);
const loaded = await loadConfig(join(import.meta.dirname!, "..", "examples", example));
const config = { ...loaded.config, workload: { ratePerSecond: Number(rate), durationSeconds: Number(seconds) } };
const sink = exporter === "none" ? undefined : await startSink({ port: 0 });
const summary = await executeRun({ ...loaded, config }, {
  fast: false,
  endpoint: { url: `http://127.0.0.1:${sink?.port ?? 0}`, tls: false },
  exporter,
  metricsIntervalUs: 10e6,
  timeoutMs: 10_000,
  clock: systemClock,
  stop: new AbortController().signal,
  drainMs: 5000,
});
await sink?.close();
console.log(JSON.stringify({
  benchmark: "pacing",
  example,
  exporter,
  configuredRate: summary.configuredRate,
  achievedRate: summary.achievedRate,
  errorPercent: Math.round((summary.achievedRate / summary.configuredRate - 1) * 1e4) / 100,
  requests: summary.requests,
  expectedRequests: Math.floor(Number(rate) * Number(seconds)),
  maxLagMs: summary.maxLagMs,
  elapsedSeconds: summary.elapsedSeconds,
}));
