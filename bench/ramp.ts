// A paced run along a load shape: `bun bench/ramp.ts [from/s] [to/s] [seconds] [poisson|uniform]`, default a
// ramp 10 -> 1000 requests/s over 60 s. Sends into the built-in receiver, which buckets the entry point's
// SERVER spans per 5 s of their start times; prints JSON with each bucket's count next to the shape's.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinPlugins } from "../plugins/index.ts";
import { readTextFile } from "../src/cli/host.ts";
import { resolveSettings } from "../src/config/settings.ts";
import { startSink } from "../src/receiver/start-receiver.ts";
import { run } from "../src/run/run.ts";
import { RUNTIME } from "./measure.ts";
import { ROOT } from "./settings.ts";

const [from = "10", to = "1000", seconds = "60", arrivals = "uniform"] = process.argv.slice(2);
const BUCKET = 5;
const file = join(mkdtempSync(join(tmpdir(), "dreamweaver-ramp-")), "ramp.yaml");
writeFileSync(
  file,
  `seed: ramp
templates:
  web: { traces: { span_kind: server, operations: ["GET /"] } }
services: [{ name: edge, type: web }]
workload:
  duration: ${seconds}s
  arrivals: ${arrivals}
  shape: { ramp: { from: ${from}/s, to: ${to}/s, over: ${seconds}s } }
output: { endpoint: localhost:4317 }
`,
);
const sink = await startSink({ port: 0, bucketSeconds: BUCKET });
const settings = await resolveSettings({
  file,
  builtins: builtinPlugins,
  readText: readTextFile,
  cwd: ROOT,
  flags: { endpoint: `http://127.0.0.1:${sink.port}` },
});
// Start on a bucket boundary, so the receiver's buckets (whole 5 s of the clock) are the ramp's 5 s slices.
await new Promise((resolve) => setTimeout(resolve, BUCKET * 1000 - (Date.now() % (BUCKET * 1000))));
const cpuBefore = process.cpuUsage();
const summary = await run(settings);
const cpu = process.cpuUsage(cpuBefore);
const report = sink.report();
await sink.close();
const [low, high, span] = [Number(from), Number(to), Number(seconds)];
// The run's own buckets: a request on the last boundary may land in one more.
const counts = report.buckets!.services[0]!.buckets.slice(0, span / BUCKET).map((bucket) => bucket.requests);
const expected = counts.map((_, k) => BUCKET * (low + ((high - low) * (k * BUCKET + BUCKET / 2)) / span));
console.log(JSON.stringify({
  benchmark: `paced ramp ${from} -> ${to}/s over ${seconds} s (${arrivals} arrivals), per ${BUCKET} s bucket`,
  requests: summary.requests,
  maxLagMs: summary.maxLagMs,
  wallSeconds: summary.elapsedSeconds,
  cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
  counts,
  expected: expected.map(Math.round),
  runtime: RUNTIME,
  worstErrorPercent: Math.round(Math.max(...counts.map((c, k) => Math.abs(c / expected[k]! - 1))) * 1e4) / 100,
}));
