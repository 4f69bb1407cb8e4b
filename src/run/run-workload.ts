import type { Clock } from "../runtime/clock.ts";
import type { RunPlan } from "../engine/plan.ts";
import { simulateRequest, type TelemetryOut } from "../engine/simulate.ts";
import { BatchBuilder } from "./batch-builder.ts";
import { LongRequests, type SealedBatch } from "./long-requests.ts";
import type { ExportPipeline } from "../export/export-pipeline.ts";
import type { BufferPool } from "../otlp/buffer-pool.ts";
import { MetricsAggregator } from "../engine/metrics/aggregator.ts";
import type { ExportRequest } from "../plugin-host/plugin.ts";
import type { RunStats } from "../export/run-stats.ts";
import { DreamweaverError } from "../plugin-host/errors.ts";

const NONE: readonly never[] = [];

export interface WorkloadOptions {
  /** `paced`: request i starts at its time in the arrival schedule on the wall clock. `fast`: as fast as exports go. */
  readonly mode: "paced" | "fast";
  /** The run's start: the arrival schedule counts from it. */
  readonly startUs: number;
  readonly metricsIntervalUs: number;
  /** Paced mode: the longest a partly filled batch waits before it is sent anyway. */
  readonly maxBatchWaitMs: number;
  readonly clock: Clock;
  /** Aborted by Ctrl-C (or a plugin that failed): stop generating, send what was generated. */
  readonly stop: AbortSignal;
  readonly pipeline: ExportPipeline;
  readonly stats: RunStats;
  /** Where encoded requests are written when the pipeline gives their bytes back (see BufferPool). */
  readonly buffers?: BufferPool | undefined;
  /** Shard k of n generates exactly the requests i = k (mod n) of the whole run, on the whole run's schedule. */
  readonly shard: Shard;
}

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * Generates the plan's requests in order and hands their telemetry to the pipeline: traces and logs in
 * batches of `batchSize` requests, metrics whenever an instance's reader collects on the requests' own
 * timeline (so a collection at time B holds exactly the requests that started before B) and once at the end.
 *
 * A plugin that fails while a request is generated (a DreamweaverError) stops generation: that request's
 * telemetry is taken back, what was generated before it is still handed over, and the error is rethrown.
 */
export async function runWorkload(plan: RunPlan, options: WorkloadOptions): Promise<void> {
  const { stats, pipeline, clock } = options;
  const builder = new BatchBuilder(plan.instances, plan.maxMessageBytes, { buffers: options.buffers });
  /** Paced: batches sealed and waiting for their spans to end (a batch is sent once all of them have). */
  const sealed: SealedBatch[] = [];
  /** Paced: requests that outlast the batch wait are batched apart, so as not to hold back the others. */
  const waitUs = options.maxBatchWaitMs * 1000;
  const long = options.mode === "paced"
    ? new LongRequests(builder, plan.instances, plan.maxMessageBytes, waitUs, plan.batchSize)
    : undefined;
  const sealLong = (nowUs?: number) => sealed.push(...long!.due(nowUs));
  const aggregator = new MetricsAggregator(plan, options.startUs, options.metricsIntervalUs);
  const startOf = (index: number) => options.startUs + plan.arrivals.offsetUs(index);
  let batchEndUs = 0;
  let latestEndUs = options.startUs;
  /** The trace of the request being generated, once it has telemetry: what to take back if it fails. */
  let openTrace: Uint8Array | undefined;
  let failure: DreamweaverError | undefined;
  const halted = () => options.stop.aborted || failure !== undefined;
  const out: TelemetryOut = {
    span(instance, span, metric) {
      builder.span(instance, span);
      if (metric) aggregator.span(instance, span, metric);
      stats.spans++;
      openTrace = span.traceId;
    },
    log(instance, log) {
      builder.log(instance, log);
      stats.logRecords++;
      openTrace = log.traceId ?? openTrace;
    },
    handled: (instance, startUs, endUs, span) => aggregator.handled(instance, startUs, endUs, span),
  };
  const exported = (collected: ReturnType<MetricsAggregator["collectDue"]>): ExportRequest[] => {
    const requests = builder.metrics(collected);
    for (const request of requests) stats.dataPoints += request.items;
    return requests;
  };
  /** Simulates request i; returns the metrics requests of any collections due before it starts. */
  const generate = (index: number): readonly ExportRequest[] => {
    // Whole microseconds, as the request's spans have them: a collection holds exactly the requests before it.
    const startUs = Math.round(startOf(index));
    let metrics: readonly ExportRequest[] = NONE;
    openTrace = undefined;
    try {
      if (startUs >= aggregator.nextDueUs) metrics = exported(aggregator.collectDue(startUs));
      const mark = long && builder.mark();
      const endUs = simulateRequest(plan, index, startUs, out);
      latestEndUs = Math.max(latestEndUs, endUs);
      if (long && endUs - startUs > waitUs) {
        const full = long.add(mark!, endUs);
        if (full) sealed.push(full);
      } else {
        batchEndUs = Math.max(batchEndUs, endUs);
        builder.requests++;
      }
    } catch (error) {
      if (!(error instanceof DreamweaverError)) throw error;
      failure = error;
      if (openTrace !== undefined) {
        const taken = builder.discard(openTrace);
        stats.spans -= taken.spans;
        stats.logRecords -= taken.logs;
      }
      return metrics;
    }
    stats.requests++;
    stats.simulatedUs = startUs;
    return metrics;
  };
  const seal = (): SealedBatch => {
    const batch = { requests: builder.take(), readyUs: batchEndUs };
    batchEndUs = 0;
    return batch;
  };

  let gaveUp = false;
  if (options.mode === "fast") {
    const { index: first, count: step } = options.shard;
    for (let i = first, n = 1; plan.arrivals.has(i) && !halted(); i += step, n++) {
      for (const request of generate(i)) await pipeline.send(request);
      if (builder.requests >= plan.batchSize) { for (const request of seal().requests) await pipeline.send(request); }
      if (n % 256 === 0) await clock.yield();
      if (pipeline.firstFailure) break;
    }
    stats.generatedAtUs = clock.nowUs();
    // Nothing got through at all: the rest is not worth waiting on more failures for.
    gaveUp = pipeline.firstFailure !== undefined;
    for (const request of seal().requests) {
      if (gaveUp) pipeline.drop(request);
      else await pipeline.send(request);
    }
  } else {
    const batchRequests = () => builder.requests;
    await runPaced(plan, options, { generate, seal, sealLong, sealed, batchRequests, startOf, halted });
  }
  // After a failure the aggregator may hold part of the failed request: its last collection is not sent.
  if (failure !== undefined) throw failure;
  if (gaveUp) return;
  const last = aggregator.shutdown(latestEndUs);
  // Paced, the SDKs' last collections go when they happen, a little after the last span has ended.
  if (options.mode === "paced") await untilPast(clock, Math.max(0, ...last.map((c) => c.timeUs)), halted);
  for (const request of exported(last)) {
    if (options.mode === "fast") await pipeline.send(request);
    else pipeline.offer(request);
  }
}

/** Waits until the clock has passed `timeUs`, or the run is halted. */
async function untilPast(clock: Clock, timeUs: number, halted: () => boolean): Promise<void> {
  for (let nowUs = clock.nowUs(); nowUs < timeUs && !halted(); nowUs = clock.nowUs()) {
    await clock.sleep(Math.min(50, Math.max(1, (timeUs - nowUs) / 1000)));
  }
}

/**
 * A paced run generates each request up to this long before its start and holds what it made until it is due
 * (a batch until its spans have ended, a metrics collection until the request after it starts): a pause of the
 * runtime's this long or shorter (a garbage collection, a compile) then leaves no request late, where it would
 * make every request due during it late. What is sent, and when, is the same.
 */
const LOOKAHEAD_US = 50_000;
const AHEAD_SPELL_US = 2_000;

/** What a paced run drives: the workload's request generation and its batches. */
interface PacedWork {
  readonly generate: (index: number) => readonly ExportRequest[];
  readonly seal: () => SealedBatch;
  /** Seals the long requests' batch (at `nowUs`: if none can join it any more). */
  readonly sealLong: (nowUs?: number) => void;
  /** Batches waiting for their spans to end; `generate` adds long requests' batches too. */
  readonly sealed: SealedBatch[];
  readonly batchRequests: () => number;
  readonly startOf: (index: number) => number;
  readonly halted: () => boolean;
}

async function runPaced(plan: RunPlan, options: WorkloadOptions, work: PacedWork): Promise<void> {
  const { generate, seal, sealLong, sealed, batchRequests, startOf, halted } = work;
  const { clock, pipeline, stats } = options;
  const { index: first, count: step } = options.shard;
  let next = first;
  let batchOpenedUs = 0;
  // Every batch whose spans have all ended goes, not only the oldest: a request that runs into a 30 s
  // timeout holds back its own batch, never the batches sealed after it.
  const sendReady = (nowUs: number) => {
    for (let i = 0; i < sealed.length;) {
      if (sealed[i]!.readyUs > nowUs) {
        i++;
        continue;
      }
      for (const r of sealed.splice(i, 1)[0]!.requests) pipeline.offer(r);
    }
  };
  // A paced run keeps its schedule even when nothing gets through: what cannot be sent is counted as
  // lost or dropped, and memory stays bounded by the export queue.
  while (plan.arrivals.has(next) && !halted()) {
    const nowUs = clock.nowUs();
    // Open loop: every request whose start time has come is generated now, however late we are.
    if (plan.arrivals.has(next) && startOf(next) <= nowUs) {
      stats.maxLagMs = Math.max(stats.maxLagMs, (nowUs - startOf(next)) / 1000);
    }
    for (; plan.arrivals.has(next) && startOf(next) <= nowUs + LOOKAHEAD_US && !halted(); next += step) {
      // Ahead of time only in short spells, so that filling the window (at the start, after a pause) never
      // holds back a request that falls due meanwhile.
      if (startOf(next) > nowUs && clock.nowUs() - nowUs > AHEAD_SPELL_US) break;
      const metrics = generate(next);
      if (metrics.length > 0) sealed.push({ requests: metrics, readyUs: startOf(next) });
      if (batchRequests() === 1) batchOpenedUs = nowUs;
      if (batchRequests() >= plan.batchSize) sealed.push(seal());
    }
    if (batchRequests() > 0 && nowUs - batchOpenedUs >= options.maxBatchWaitMs * 1000) sealed.push(seal());
    sealLong(nowUs);
    sendReady(nowUs);
    const untilNextMs = plan.arrivals.has(next) ? (startOf(next) - LOOKAHEAD_US - clock.nowUs()) / 1000 : 0;
    await clock.sleep(Math.min(50, Math.max(1, untilNextMs)));
  }
  // Generated ahead, the schedule still took until its last request was due: that is when generation ended.
  stats.generatedAtUs = Math.max(clock.nowUs(), next > first ? startOf(next - step) : 0);
  if (batchRequests() > 0) sealed.push(seal());
  sealLong();
  // The last requests' spans may still be "running": wait for them (unless stopping) so nothing is from the
  // future. The progress line says so, since a request that times out keeps the run going for its timeout.
  while (sealed.length > 0) {
    const nowUs = clock.nowUs();
    sendReady(halted() ? Infinity : nowUs);
    if (sealed.length === 0) break;
    let [readyUs, lastUs] = [Infinity, 0];
    for (const batch of sealed) [readyUs, lastUs] = [Math.min(readyUs, batch.readyUs), Math.max(lastUs, batch.readyUs)];
    stats.finishingUntilUs = lastUs;
    await clock.sleep(Math.min(50, Math.max(1, (readyUs - nowUs) / 1000)));
  }
  stats.finishingUntilUs = undefined;
}
