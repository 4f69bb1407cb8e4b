// Paced-mode accuracy: `bun bench/pacing.ts <rate/s> <seconds> [example.yaml] [exporter]`, e.g. `2000 30`.
// Runs on the wall clock and prints JSON with the achieved request rate and the worst lag behind schedule.
import { run } from "../src/run/run.ts";
import { RUNTIME, timed } from "./measure.ts";
import { exampleSettings } from "./settings.ts";
import { spawnSink } from "./spawn-sink.ts";

const [rate = "2000", seconds = "30", example = "ecommerce.yaml", exporter = "none"] = process.argv.slice(2);
// The receiver runs in a process of its own, as a collector would. Under `--sink` the CLI keeps it off the
// generator's thread too (a paced run generates in a worker), so that its work never delays the schedule.
const sink = exporter === "none" ? undefined : await spawnSink();
const settings = await exampleSettings(example, {
  rate: `${rate}/s`,
  duration: `${seconds}s`,
  exporters: [exporter],
  ...(sink && { endpoint: `http://127.0.0.1:${sink.port}` }),
});
const [summary, timing] = await timed(() => run(settings));
await sink?.stop();
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
