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
// The lag is known once every request is generated. What a run does after that is wait for its long requests' spans
// to end (up to 30 s on ecommerce, whatever the run's length), so the bench stops it there.
const generated = new AbortController();
let poll: ReturnType<typeof setInterval> | undefined;
const [summary, timing] = await timed(() =>
  run(settings, {
    signal: generated.signal,
    onStart: (stats) => poll = setInterval(() => stats.generatedAtUs > 0 && generated.abort(), 50),
  })
);
clearInterval(poll);
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
