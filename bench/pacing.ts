// Paced-mode accuracy: `bun bench/pacing.ts <rate/s> <seconds> [example.yaml] [exporter]`, e.g. `2000 30`.
// Runs on the wall clock and prints JSON with the achieved request rate and the worst lag behind schedule.
import { startSink } from "../src/receiver/start-receiver.ts";
import { run } from "../src/run/run.ts";
import { RUNTIME, timed } from "./measure.ts";
import { exampleSettings } from "./settings.ts";

const [rate = "2000", seconds = "30", example = "ecommerce.yaml", exporter = "none"] = process.argv.slice(2);
const sink = exporter === "none" ? undefined : await startSink({ port: 0 });
const settings = await exampleSettings(example, {
  rate: `${rate}/s`,
  duration: `${seconds}s`,
  exporters: [exporter],
  ...(sink && { endpoint: `http://127.0.0.1:${sink.port}` }),
});
const [summary, timing] = await timed(() => run(settings));
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
  wallSeconds: timing.wallSeconds,
  cpuSeconds: timing.cpuSeconds,
  runtime: RUNTIME,
}));
