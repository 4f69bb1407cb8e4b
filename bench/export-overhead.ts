// What exporting costs the generator, in one process: `bun bench/export-overhead.ts [example.yaml] [requests]`
// (or `deno run -A ...`). After a warm-up run, alternates ROUNDS (3) runs with export off (an exporter that takes
// every request at once) with ROUNDS runs into `dreamweaver sink` over loopback gRPC, in its own process. Every run
// starts an hour after the one before, so that the sink sees no trace twice. Prints one JSON line: the generator's
// CPU µs per span with export off and into the sink, each round's ratio and their median (issue 13 asks at most
// 1.3x), the spans/s end to end of the runs into the sink, and what the sink counted against what was sent.
import type { Exporter } from "../src/plugin-host/plugin.ts";
import { run } from "../src/run/run.ts";
import { median, RUNTIME, timed, usPerSpan } from "./measure.ts";
import { exampleSettings, fastRequests } from "./settings.ts";
import { spawnSink } from "./spawn-sink.ts";

const [example = "marketplace.yaml", requests = "100000"] = process.argv.slice(2);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const sink = await spawnSink();
const off: Exporter = {
  borrowsRequests: true,
  mergesRequests: true,
  export: () => Promise.resolve({ rejected: 0 }),
  close: () => Promise.resolve(),
};
let hour = 0;
const settingsOf = () =>
  exampleSettings(example, {
    ...fastRequests(Number(requests)),
    startTime: new Date(Date.UTC(2026, 0, 1, hour++)).toISOString(),
    endpoint: `http://127.0.0.1:${sink.port}`,
    timeout: "30s",
  });

await run(await settingsOf(), { exporters: [off], drainMs: 1000 });
const offUs: number[] = [];
const sinkUs: number[] = [];
const wallSeconds = { exportOff: [] as number[], intoSink: [] as number[] };
const spansPerSecond: number[] = [];
const sent = { spans: 0, logRecords: 0, dataPoints: 0, exportCalls: 0 };
for (let round = 0; round < ROUNDS; round++) {
  const [offSummary, offTiming] = await timed(async () => run(await settingsOf(), { exporters: [off], drainMs: 1000 }));
  offUs.push(usPerSpan(offTiming.cpuSeconds, offSummary.spans));
  wallSeconds.exportOff.push(offTiming.wallSeconds);
  const [summary, timing] = await timed(async () => run(await settingsOf(), { drainMs: 30_000 }));
  sinkUs.push(usPerSpan(timing.cpuSeconds, summary.spans));
  wallSeconds.intoSink.push(timing.wallSeconds);
  spansPerSecond.push(Math.round(summary.spans / summary.elapsedSeconds));
  sent.spans += summary.spans;
  sent.logRecords += summary.logRecords;
  sent.dataPoints += summary.dataPoints;
  sent.exportCalls += summary.exports;
}
const report = await sink.stop();
const ratios = sinkUs.map((us, i) => Math.round((us / offUs[i]!) * 100) / 100);
console.log(JSON.stringify({
  benchmark: "export overhead: generator CPU per span into `dreamweaver sink` (own process) against export off",
  example,
  requests: Number(requests),
  rounds: ROUNDS,
  cpuUsPerSpan: { exportOff: offUs, intoSink: sinkUs },
  wallSeconds,
  ratios,
  medianRatio: median(ratios),
  spansPerSecondIntoSink: spansPerSecond,
  sent,
  received: { spans: report.spans, logRecords: report.logRecords, dataPoints: report.dataPoints },
  violations: report.violations,
  runtime: RUNTIME,
}));
