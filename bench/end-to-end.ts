// End to end over loopback gRPC: `bun bench/end-to-end.ts [example.yaml] [requests]`. The built-in
// receiver runs in its own process (as `dreamweaver sink`), the generator here, unpaced; prints JSON with
// spans/s from the first request to the last acknowledged export, and what the receiver counted.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { systemClock } from "../src/clock.ts";
import { loadConfig } from "../src/load-config.ts";
import { executeRun } from "../src/run/execute-run.ts";

const ROOT = join(import.meta.dirname!, "..");
const [example = "marketplace.yaml", requests = "100000"] = process.argv.slice(2);

// SINK_RUNTIME=deno runs the receiver on Deno instead, to compare HTTP/2 stacks.
const sinkCommand = process.env.SINK_RUNTIME === "deno"
  ? [join(ROOT, "node_modules", ".bin", "deno"), "run", "-A", join(ROOT, "src", "main.ts")]
  : [process.execPath, join(ROOT, "src", "main.ts")];
const sink = spawn(sinkCommand[0]!, [...sinkCommand.slice(1), "sink", "--grpc-port", "0", "--json"], {
  stdio: ["ignore", "pipe", "pipe"],
});
const port = await new Promise<number>((resolve, reject) => {
  let text = "";
  sink.stderr.on("data", (chunk: Buffer) => {
    text += chunk.toString();
    const match = /listening on [^:]+:(\d+)/.exec(text);
    if (match) resolve(Number(match[1]));
  });
  sink.on("exit", () => reject(new Error(`sink exited: ${text}`)));
});
let reportText = "";
sink.stdout.on("data", (chunk: Buffer) => (reportText += chunk.toString()));

const loaded = await loadConfig(join(ROOT, "examples", example));
const config = { ...loaded.config, workload: { ratePerSecond: 1000, durationSeconds: Number(requests) / 1000 } };
const summary = await executeRun({ ...loaded, config }, {
  fast: true,
  startTimeUs: Date.UTC(2026, 0, 1) * 1000,
  endpoint: { url: `http://127.0.0.1:${port}`, tls: false },
  exporter: "otlp-grpc",
  metricsIntervalUs: 10e6,
  timeoutMs: 30_000,
  clock: systemClock,
  stop: new AbortController().signal,
  drainMs: 30_000,
});
sink.kill("SIGTERM");
await new Promise((resolve) => sink.on("exit", resolve));
const report = JSON.parse(reportText);
console.log(JSON.stringify({
  benchmark: "end-to-end, loopback gRPC into `dreamweaver sink` (separate process)",
  example,
  requests: summary.requests,
  spans: summary.spans,
  logRecords: summary.logRecords,
  dataPoints: summary.dataPoints,
  megabytes: Math.round(summary.bytes / 1e5) / 10,
  seconds: summary.elapsedSeconds,
  spansPerSecond: Math.round(summary.spans / summary.elapsedSeconds),
  failedExports: summary.failedExports,
  received: { spans: report.spans, logRecords: report.logRecords, dataPoints: report.dataPoints },
  violations: report.violations,
}));
