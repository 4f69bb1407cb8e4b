import { planRun, type RunPlan } from "../engine/plan.ts";
import { scenarioWindows } from "../engine/scenario-timeline.ts";
import { closeExporters } from "../plugin-host/driver.ts";
import { DreamweaverError } from "../plugin-host/errors.ts";
import { cannotExport } from "../plugin-host/messages.ts";
import type { Exporter, ExporterHost } from "../plugin-host/plugin.ts";
import type { Settings } from "../config/settings.ts";
import { ExportPipeline } from "../export/export-pipeline.ts";
import { BufferPool } from "../otlp/buffer-pool.ts";
import { RunStats } from "../export/run-stats.ts";
import { type Clock, systemClock } from "../runtime/clock.ts";
import { createExporters } from "./create-exporters.ts";
import { runWorkload } from "./run-workload.ts";
import { type RunSummary, summarize } from "./summary.ts";
import { WARM_UP_RATE, warmUp } from "./warm-up.ts";

/** What a run needs besides its settings. Everything is optional. */
export interface RunOptions {
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Aborting it stops generating; what was generated is still sent (within `drainMs`). */
  readonly signal?: AbortSignal;
  /** Exporters to send to instead of those the settings name (embedding, tests). Closed by the run. */
  readonly exporters?: readonly Exporter[];
  /** Files and stdout, for the `file` and `stdout` exporters (the CLI hands in its host). */
  readonly host?: ExporterHost;
  /**
   * Shutdown's budget: how long calls in flight may take after a stop, and each exporter's close; default 5 s.
   */
  readonly drainMs?: number;
  /** How much a paced run may queue for a receiver that falls behind before it drops; default 64 MiB. */
  readonly maxQueuedBytes?: number;
  /**
   * The run's start in microseconds: the wall-clock moment a paced schedule counts from, or a fast run's
   * first request. Default: now, or for a fast run its start time setting, else now less the duration.
   * Workers running shards of one run are all handed the same.
   */
  readonly startUs?: number;
  /** Receives the live counters as soon as the run starts, for a progress display. */
  readonly onStart?: (stats: RunStats) => void;
  /**
   * Default true: the run first calls `warmUpRun`. False when the caller already has, before agreeing on
   * `startUs` with others (workers), since a schedule that starts during the warm-up starts behind.
   */
  readonly warmUp?: boolean;
}

/**
 * Runs the hot path of a paced run at `WARM_UP_RATE` or more for a moment on a throwaway plan (see warm-up.ts);
 * does nothing for other runs. A plugin that fails here fails again in the run, which reports it with what was
 * generated before.
 */
export function warmUpRun(settings: Settings, clock: Clock = systemClock): void {
  const { run: runSettings, config } = settings;
  if (runSettings.fast || config.workload.ratePerSecond < WARM_UP_RATE) return;
  try {
    warmUp(planRun(settings, runSettings.shard, clock.nowUs()), runSettings.metricsIntervalUs);
  } catch (error) {
    if (!(error instanceof DreamweaverError)) throw error;
  }
}

/**
 * Runs the workload of `settings` to the end (or until `signal` aborts, or a plugin fails), then reports
 * what happened: every item generated counted as delivered, rejected, lost, unconfirmed or dropped, and
 * the plugin failure that ended the run early, if one did. It throws only when nothing could be run: a
 * receiver that never answered an unpaced run, an exporter that cannot start.
 * The programmatic entry point: the CLI, the tests and the benchmarks all run through it.
 *
 * @example
 * const settings = await resolveSettings({ file: "system.yaml", builtins, readText, cwd: "." });
 * const summary = await run(settings, { host });
 */
export async function run(settings: Settings, options: RunOptions = {}): Promise<RunSummary> {
  const { run: runSettings, config } = settings;
  const clock = options.clock ?? systemClock;
  const signal = options.signal ?? new AbortController().signal;
  const drainMs = options.drainMs ?? 5000;
  const { shard } = runSettings;
  if (options.warmUp !== false) warmUpRun(settings, clock);
  const startedUs = clock.nowUs();
  const startUs = options.startUs ?? defaultStartUs(settings, startedUs);
  const plan = planRun(settings, shard, startUs);
  // Shutdown's budget bounds closing as it bounds draining.
  const { exporter, members } = createExporters(settings, {
    given: options.exporters,
    host: options.host,
    closeMs: drainMs,
  });
  // While the run sets up (a paced schedule starts 0.1 s from now), not on the first call.
  exporter.connect?.();
  const stats = new RunStats();
  // Generation stops when the caller aborts, or when a plugin fails: the run then ends with its summary.
  const halt = new AbortController();
  const stop = () => halt.abort();
  if (signal.aborted) stop();
  else signal.addEventListener("abort", stop);
  let crash: DreamweaverError | undefined;
  // Exporters that only borrow requests get views of reused buffers, which spares allocating fresh ones.
  const buffers = exporter.borrowsRequests === true ? new BufferPool() : undefined;
  const pipeline = new ExportPipeline(exporter, stats, {
    concurrency: config.output.concurrency,
    ...(options.maxQueuedBytes !== undefined && { maxQueuedBytes: options.maxQueuedBytes }),
    ...(exporter.mergesRequests === true && { mergeBytes: config.output.maxMessageBytes }),
    stop: halt.signal,
    onCrash(error) {
      crash ??= error;
      stop();
    },
    ...(buffers && { onSettled: ({ resources }) => resources.forEach((bytes) => buffers.giveBack(bytes)) }),
  });
  stats.startUs = startUs;
  if (!config.workload.endless || config.workload.maxRequests !== undefined) {
    const total = plannedRequests(plan, config.workload.maxRequests);
    stats.totalRequests = Math.max(0, Math.ceil((total - shard.index) / shard.count));
    stats.endUs = startUs + plan.curve.timeOf(Math.min(total, plan.curve.expectedRequests)) * 1e6;
  }
  options.onStart?.(stats);
  let failure: unknown;
  try {
    try {
      await runWorkload(plan, {
        mode: runSettings.fast ? "fast" : "paced",
        startUs,
        metricsIntervalUs: runSettings.metricsIntervalUs,
        maxBatchWaitMs: 1000,
        clock,
        stop: halt.signal,
        pipeline,
        stats,
        buffers,
        shard,
      });
    } catch (error) {
      // A plugin that failed while generating: what was generated before it is sent, and reported.
      if (!(error instanceof DreamweaverError)) throw error;
      crash ??= error;
    }
    // Calls in flight may take their timeout, or a stop's budget from the moment it comes.
    await pipeline.drain(signal.aborted ? drainMs : Math.max(drainMs, config.output.timeoutMs), signal, drainMs);
    // Unpaced, an OTLP receiver that never answered ends the run at once with a hint; paced runs go on
    // and report it, and other exporters' failures are reported with the run's figures.
    const neverDelivered = stats.calls.delivered === 0 && pipeline.firstFailure;
    if (runSettings.fast && neverDelivered && !crash && sendsOtlp(settings, options)) {
      throw cannotExport(pipeline.firstFailure!);
    }
  } catch (error) {
    failure = error;
  } finally {
    signal.removeEventListener("abort", stop);
  }
  // Closing never hides the run's own outcome: its errors are reported beside it.
  const closeErrors = (await closeExporters(members)).map((error) => error.message);
  if (failure !== undefined) throw failure;
  // Paced: request i is due at i/rate, so n requests take n/rate from the schedule's start; fast: however
  // long generation took.
  const generationStartUs = runSettings.fast ? startedUs : Math.max(startedUs, startUs);
  const generatedSeconds = (stats.generatedAtUs - generationStartUs) / 1e6;
  const shardRate = plan.ratePerSecond / shard.count;
  return summarize(stats, {
    elapsedSeconds: (clock.nowUs() - startedUs) / 1e6,
    generationSeconds: runSettings.fast ? generatedSeconds : generatedSeconds + 1 / shardRate,
    configuredRate: shardRate,
    ...(crash && { failure: crash.message }),
    closeErrors,
    scenarios: config.scenarios.map((scenario) => ({
      name: scenario.name,
      windows: scenarioWindows(scenario, plan.durationSeconds).map(([from, to]) => ({
        from: new Date((startUs + from * 1e6) / 1000).toISOString(),
        to: new Date((startUs + to * 1e6) / 1000).toISOString(),
      })),
    })),
  });
}

/**
 * How long after the command a paced run's schedule starts. Planning the run and starting its exporters
 * take from a few to tens of milliseconds (more in a worker, or on a busy machine); a schedule that
 * started with them would begin that far behind and generate its first requests in one burst.
 */
export const PACED_START_LEAD_US = 100_000;

/**
 * When a run starts that is given no start: a fast run ends now unless its settings say when it starts; a
 * paced run starts in a moment, once it is ready to keep its schedule.
 */
export function defaultStartUs(settings: Settings, nowUs: number): number {
  const durationUs = settings.config.workload.durationSeconds * 1e6;
  return settings.run.fast ? settings.run.startTimeUs ?? nowUs - durationUs : nowUs + PACED_START_LEAD_US;
}

/**
 * The requests of the whole run, for the progress line. Counting walks the schedule: exact up to a
 * million requests; past that, the expected count, which Poisson arrivals stay within a fraction of.
 */
function plannedRequests(plan: RunPlan, maxRequests = Infinity): number {
  const expected = Math.min(plan.curve.expectedRequests, maxRequests);
  return expected <= 1e6 ? plan.totalRequests : Math.round(expected);
}

/** Whether every destination is an OTLP receiver (the built-in OTLP exporters, not the caller's own). */
function sendsOtlp(settings: Settings, options: RunOptions): boolean {
  return !options.exporters &&
    settings.run.exporters.every(({ contribution }) => contribution.name.startsWith("otlp-"));
}
