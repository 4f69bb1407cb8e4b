// A paced run while the receiver is down or slow:
// `bun bench/receiver-down.ts [rate/s] [seconds] [refused|silent|slow]`.
// `refused`: nothing listens (connections are refused); `silent`: a TCP server accepts and never answers,
// so export calls hang until their timeout and the queue fills; `slow`: the built-in receiver answers every
// call 200 ms late. Prints JSON with the summary's accounting (which must add up to what was generated, per
// signal), what the receiver counted when there is one, and the generator's peak RSS, sampled every 100 ms.
import { createServer } from "node:net";
import { startSink } from "../src/receiver/start-receiver.ts";
import { run } from "../src/run/run.ts";
import { RUNTIME, timed } from "./measure.ts";
import { exampleSettings } from "./settings.ts";

const [rate = "1000", seconds = "60", mode = "silent"] = process.argv.slice(2);
const silent = createServer(() => {}); // accepts, never answers
const sink = mode === "slow" ? await startSink({ port: 0, delayMs: 200, traceIdleMs: 60_000 }) : undefined;
const port = mode === "silent"
  ? await new Promise<number>((resolve) =>
    silent.listen(0, "127.0.0.1", () => resolve((silent.address() as { port: number }).port))
  )
  : sink?.port ?? 9;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const settings = await exampleSettings("marketplace.yaml", {
  rate: `${rate}/s`,
  duration: `${seconds}s`,
  endpoint: `http://127.0.0.1:${port}`,
});
// Stopped as Ctrl-C would once generation is over: paced, the last batches would wait for 30 s spans to end.
const stop = new AbortController();
const [summary, timing] = await timed(() =>
  run(settings, {
    signal: stop.signal,
    onStart(stats) {
      const generated = setInterval(() => stats.generatedAtUs > 0 && (clearInterval(generated), stop.abort()), 50);
    },
  })
);
clearInterval(sampler);
silent.close();
const received = sink?.report();
await sink?.close();
const generated = { traces: summary.spans, metrics: summary.dataPoints, logs: summary.logRecords };
const outcomes = ["delivered", "rejected", "lost", "unconfirmed", "dropped"] as const;
console.log(JSON.stringify({
  benchmark: `paced run, receiver ${mode === "slow" ? "answering 200 ms late" : `down (${mode})`}`,
  configuredRate: summary.configuredRate,
  achievedRate: summary.achievedRate,
  requests: summary.requests,
  generated,
  calls: {
    made: summary.exports,
    delivered: summary.deliveredExports,
    failed: summary.failedExports,
    unconfirmed: summary.unconfirmedExports,
    dropped: summary.droppedExports,
    retries: summary.retries,
  },
  ...Object.fromEntries(outcomes.map((outcome) => [outcome, summary[outcome]])),
  addsUp: (["traces", "metrics", "logs"] as const).every((signal) =>
    outcomes.reduce((total, outcome) => total + summary[outcome][signal], 0) === generated[signal]
  ),
  ...(received && {
    receiver: {
      spans: received.spans,
      dataPoints: received.dataPoints,
      logRecords: received.logRecords,
      duplicates: received.duplicates,
    },
  }),
  peakRssMb: Math.round(peakRss / 2 ** 20),
  lastError: summary.lastError,
  wallSeconds: timing.wallSeconds,
  cpuSeconds: timing.cpuSeconds,
  runtime: RUNTIME,
}));
process.exit(0);
