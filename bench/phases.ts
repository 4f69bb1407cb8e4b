// Where generation time goes, one phase at a time: `bun bench/phases.ts [example.yaml] [requests]` (or Deno).
// Simulates the example's requests into memory (spans, logs, metric streams), then encodes the same records
// into OTLP, ROUNDS times each after a warm-up, and prints the best ns per span of each phase, with the wall and CPU
// time of all rounds. Steadier than bench/generate.ts for telling small changes apart: no export, no batching waits,
// no startup in the figure.
import { planRun } from "../src/engine/plan.ts";
import { simulateRequest, type TelemetryOut } from "../src/engine/simulate.ts";
import { MetricsAggregator } from "../src/engine/metrics/aggregator.ts";
import { BatchBuilder } from "../src/run/batch-builder.ts";
import { BufferPool } from "../src/otlp/buffer-pool.ts";
import { RUNTIME, timed } from "./measure.ts";
import { exampleSettings, fastRequests } from "./settings.ts";

const example = process.argv[2] ?? "marketplace.yaml";
const REQUESTS = Number(process.argv[3] ?? 20_000);
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const BATCH = 100;

const settings = await exampleSettings(example, fastRequests(REQUESTS));
const startUs = Date.parse("2026-01-01T00:00:00Z") * 1000;
const plan = planRun(settings, settings.run.shard, startUs);

interface Captured {
  spans: number;
  batches: {
    instance: Parameters<TelemetryOut["span"]>[0];
    span?: Parameters<TelemetryOut["span"]>[1];
    log?: Parameters<TelemetryOut["log"]>[1];
  }[][];
}

/** Simulates every request, keeping its records in batches of BATCH requests; metrics are aggregated too. */
function simulate(): Captured {
  const aggregator = new MetricsAggregator(plan, startUs, settings.run.metricsIntervalUs);
  const captured: Captured = { spans: 0, batches: [] };
  let batch: Captured["batches"][number] = [];
  const out: TelemetryOut = {
    span(instance, span, metric) {
      batch.push({ instance, span });
      if (metric) aggregator.span(instance, span, metric);
      captured.spans++;
    },
    log: (instance, log) => batch.push({ instance, log }),
    handled: (instance, s, e, span) => aggregator.handled(instance, s, e, span),
  };
  for (let i = 0; i < REQUESTS; i++) {
    simulateRequest(plan, i, Math.round(startUs + plan.arrivals.offsetUs(i)), out);
    if ((i + 1) % BATCH === 0) [captured.batches, batch] = [[...captured.batches, batch], []];
  }
  return captured;
}

/** Encodes every captured batch as the run would, into pooled buffers given back once taken; returns the bytes. */
function encode(captured: Captured): number {
  const buffers = new BufferPool();
  const builder = new BatchBuilder(plan.instances, plan.maxMessageBytes, { buffers });
  let bytes = 0;
  for (const batch of captured.batches) {
    for (const record of batch) {
      if (record.span) builder.span(record.instance, record.span);
      else builder.log(record.instance, record.log!);
    }
    for (const request of builder.take()) {
      bytes += request.bytes;
      for (const resource of request.resources) buffers.giveBack(resource);
    }
  }
  return bytes;
}

const best = { simulate: Infinity, encode: Infinity };
let captured = simulate();
let bytes = 0;
const [, timing] = await timed(() => {
  for (let round = 0; round < ROUNDS; round++) {
    let t = performance.now();
    captured = simulate();
    best.simulate = Math.min(best.simulate, performance.now() - t);
    t = performance.now();
    bytes = encode(captured);
    best.encode = Math.min(best.encode, performance.now() - t);
  }
});
const perSpan = (ms: number) => Math.round((ms * 1e6) / captured.spans);
console.log(JSON.stringify({
  benchmark: "generation phases, best of rounds, ns per span",
  example,
  runtime: RUNTIME,
  spans: captured.spans,
  bytesPerSpan: Math.round(bytes / captured.spans),
  simulate: perSpan(best.simulate),
  encode: perSpan(best.encode),
  total: perSpan(best.simulate + best.encode),
  // All rounds, every thread of the process: the compiler's and the collector's work shows here, not in the bests.
  wallSeconds: timing.wallSeconds,
  cpuSeconds: timing.cpuSeconds,
}));
