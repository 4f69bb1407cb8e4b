// A paced run while the receiver is down: `bun bench/receiver-down.ts [rate/s] [seconds] [refused|silent]`.
// `refused`: nothing listens (connections are refused); `silent`: a TCP server accepts and never answers,
// so export calls hang until their timeout and the queue fills. Prints JSON with the summary's losses
// and the generator's peak RSS, sampled every 100 ms.
import { createServer } from "node:net";
import { run } from "../src/run/run.ts";
import { RUNTIME, timed } from "./measure.ts";
import { exampleSettings } from "./settings.ts";

const [rate = "1000", seconds = "60", mode = "silent"] = process.argv.slice(2);
const silent = createServer(() => {}); // accepts, never answers
const port = mode === "silent"
  ? await new Promise<number>((resolve) =>
    silent.listen(0, "127.0.0.1", () => resolve((silent.address() as { port: number }).port))
  )
  : 9;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const settings = await exampleSettings("marketplace.yaml", {
  rate: `${rate}/s`,
  duration: `${seconds}s`,
  endpoint: `http://127.0.0.1:${port}`,
});
const [summary, timing] = await timed(() => run(settings));
clearInterval(sampler);
silent.close();
console.log(JSON.stringify({
  benchmark: `paced run, receiver down (${mode})`,
  configuredRate: summary.configuredRate,
  achievedRate: summary.achievedRate,
  requests: summary.requests,
  spans: summary.spans,
  failedExports: summary.failedExports,
  lost: summary.lost,
  droppedExports: summary.droppedExports,
  dropped: summary.dropped,
  peakRssMb: Math.round(peakRss / 2 ** 20),
  lastError: summary.lastError,
  wallSeconds: timing.wallSeconds,
  cpuSeconds: timing.cpuSeconds,
  runtime: RUNTIME,
}));
process.exit(0);
