// End to end over loopback gRPC: `bun bench/end-to-end.ts [example.yaml] [requests]` (or `deno run -A ...`).
// The built-in receiver runs in its own process (as `dreamweaver sink`, on the same runtime), the generator
// here, unpaced; prints JSON with spans/s from the first request to the last acknowledged export, the
// generator's wall and CPU time, and what the receiver counted.
import { run } from "../src/run/run.ts";
import { RUNTIME, timed, usPerSpan } from "./measure.ts";
import { exampleSettings, fastRequests } from "./settings.ts";
import { spawnSink } from "./spawn-sink.ts";

const [example = "marketplace.yaml", requests = "100000"] = process.argv.slice(2);

const sink = await spawnSink();
const settings = await exampleSettings(example, {
  ...fastRequests(Number(requests)),
  endpoint: `http://127.0.0.1:${sink.port}`,
  timeout: "30s",
});
const [summary, timing] = await timed(() => run(settings, { drainMs: 30_000 }));
const report = await sink.stop();
console.log(JSON.stringify({
  benchmark: "end-to-end, loopback gRPC into `dreamweaver sink` (separate process)",
  example,
  requests: summary.requests,
  spans: summary.spans,
  logRecords: summary.logRecords,
  dataPoints: summary.dataPoints,
  megabytes: Math.round(summary.bytes / 1e5) / 10,
  exportCalls: summary.exports,
  seconds: summary.elapsedSeconds,
  spansPerSecond: Math.round(summary.spans / summary.elapsedSeconds),
  generatorWallSeconds: timing.wallSeconds,
  generatorCpuSeconds: timing.cpuSeconds,
  generatorCpuUsPerSpan: usPerSpan(timing.cpuSeconds, summary.spans),
  failedExports: summary.failedExports,
  received: { spans: report.spans, logRecords: report.logRecords, dataPoints: report.dataPoints },
  violations: report.violations,
  runtime: RUNTIME,
}));
