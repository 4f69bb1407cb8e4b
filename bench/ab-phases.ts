// Two checkouts of this project side by side in one process, to tell small changes apart on a noisy machine:
// `bun bench/ab-phases.ts <dirA> <dirB> [example.yaml] [requests] [rounds]` (or Deno), e.g. a `git worktree` of
// main against the working tree. Each round simulates the example's requests with A and with B in turn (order
// alternating), encoding every batch of 100 requests into pooled buffers as a run does, and times the two phases.
// Prints each side's medians of ns per span (wall time), the process's CPU seconds during its rounds (all threads),
// and, what matters, the medians of B/A taken round by round: both sides of a round see the same machine, so the
// host's slow phases, which move whole processes by up to 1.8x here, cancel out (two identical checkouts measure
// 0.99 +- 0.02). Both checkouts must have BufferPool (2026-12-02).
import { median, RUNTIME } from "./measure.ts";

const [dirA, dirB, example = "marketplace.yaml", requestsArg = "3000", roundsArg = "40"] = process.argv.slice(2);
if (dirA === undefined || dirB === undefined) {
  throw new Error("usage: bench/ab-phases.ts <dirA> <dirB> [example.yaml] [requests] [rounds]");
}
const REQUESTS = Number(requestsArg);
const ROUNDS = Number(roundsArg);
const START_US = Date.parse("2026-01-01T00:00:00Z") * 1000;
const BATCH = 100;

/** One checkout's modules, planned for the example once. */
async function load(dir: string) {
  const { planRun } = await import(`${dir}/src/engine/plan.ts`);
  const { simulateRequest } = await import(`${dir}/src/engine/simulate.ts`);
  const { MetricsAggregator } = await import(`${dir}/src/engine/metrics/aggregator.ts`);
  const { BatchBuilder } = await import(`${dir}/src/run/batch-builder.ts`);
  const { BufferPool } = await import(`${dir}/src/otlp/buffer-pool.ts`);
  const { exampleSettings, fastRequests } = await import(`${dir}/bench/settings.ts`);
  const settings = await exampleSettings(example, fastRequests(REQUESTS));
  const plan = planRun(settings, settings.run.shard, START_US);
  const buffers = new BufferPool();
  const builder = new BatchBuilder(plan.instances, plan.maxMessageBytes, { buffers });
  /** Simulates every request, encoding each batch as it fills; ns per span of each phase. */
  return (): [number, number] => {
    const aggregator = new MetricsAggregator(plan, START_US, settings.run.metricsIntervalUs);
    let spans = 0;
    let simulateMs = 0;
    let encodeMs = 0;
    const out = {
      span(instance: unknown, span: unknown, metric: unknown) {
        builder.span(instance, span);
        if (metric) aggregator.span(instance, span, metric);
        spans++;
      },
      log: (instance: unknown, log: unknown) => builder.log(instance, log),
      handled: (instance: unknown, startUs: number, endUs: number, span?: unknown) =>
        aggregator.handled(instance, startUs, endUs, span),
    };
    let t = performance.now();
    for (let i = 0; i < REQUESTS; i++) {
      simulateRequest(plan, i, Math.round(START_US + plan.arrivals.offsetUs(i)), out);
      if ((i + 1) % BATCH !== 0 && i + 1 < REQUESTS) continue;
      const encoding = performance.now();
      simulateMs += encoding - t;
      for (const request of builder.take()) for (const bytes of request.resources) buffers.giveBack(bytes);
      t = performance.now();
      encodeMs += t - encoding;
    }
    return [(simulateMs * 1e6) / spans, (encodeMs * 1e6) / spans];
  };
}

const sides = [await load(dirA), await load(dirB)];
const results: [number, number][][] = [[], []];
/** CPU seconds of the whole process (every thread) during each side's rounds. */
const cpuSeconds = [0, 0];
for (let round = 0; round < ROUNDS; round++) {
  for (const side of round % 2 === 0 ? [0, 1] : [1, 0]) {
    const before = process.cpuUsage();
    results[side]!.push(sides[side]!());
    const cpu = process.cpuUsage(before);
    cpuSeconds[side]! += (cpu.user + cpu.system) / 1e6;
  }
}
const total = ([simulate, encode]: [number, number]) => simulate + encode;
const summary = (rounds: [number, number][], side: number) => ({
  cpuSeconds: Math.round(cpuSeconds[side]! * 1000) / 1000,
  simulate: Math.round(median(rounds.map((r) => r[0]))),
  encode: Math.round(median(rounds.map((r) => r[1]))),
  total: Math.round(median(rounds.map(total))),
});
const paired = (pick: (r: [number, number]) => number) =>
  Math.round(median(results[1]!.map((r, i) => pick(r) / pick(results[0]![i]!))) * 1000) / 1000;
console.log(JSON.stringify({
  benchmark: "two checkouts in one process, ns per span, medians; B/A paired by round",
  example,
  runtime: RUNTIME,
  rounds: ROUNDS,
  a: { dir: dirA, ...summary(results[0]!, 0) },
  b: { dir: dirB, ...summary(results[1]!, 1) },
  bOverA: { simulate: paired((r) => r[0]), encode: paired((r) => r[1]), total: paired(total) },
}));
