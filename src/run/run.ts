import { planRun } from "../engine/plan.ts";
import { scenarioWindows } from "../engine/scenario-timeline.ts";
import { closeExporters } from "../plugin-host/driver.ts";
import { cannotExport } from "../plugin-host/messages.ts";
import type { Exporter, ExporterHost } from "../plugin-host/plugin.ts";
import type { Settings } from "../config/settings.ts";
import { ExportPipeline } from "../export/export-pipeline.ts";
import { RunStats } from "../export/run-stats.ts";
import { type Clock, systemClock } from "../runtime/clock.ts";
import { createExporters } from "./create-exporters.ts";
import { runWorkload } from "./run-workload.ts";
import { type RunSummary, summarize } from "./summary.ts";

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
  /** How long shutdown waits for exports in flight after a stop; default 5 s. */
  readonly drainMs?: number;
  /** Receives the live counters as soon as the run starts, for a progress display. */
  readonly onStart?: (stats: RunStats) => void;
}

/**
 * Runs the workload of `settings` to the end (or until `signal` aborts), then reports what happened.
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
  const startedUs = clock.nowUs();
  const durationUs = config.workload.durationSeconds * 1e6;
  const startUs = runSettings.fast ? runSettings.startTimeUs ?? startedUs - durationUs : startedUs;
  const plan = planRun(settings, shard, startUs);
  const exporter = createExporters(settings, options.exporters, options.host);
  const stats = new RunStats();
  const pipeline = new ExportPipeline(exporter, stats, config.output.concurrency);
  stats.startUs = startUs;
  options.onStart?.(stats);
  let failure: unknown;
  try {
    await runWorkload(plan, {
      mode: runSettings.fast ? "fast" : "paced",
      startUs,
      metricsIntervalUs: runSettings.metricsIntervalUs,
      maxBatchWaitMs: 1000,
      clock,
      stop: signal,
      pipeline,
      stats,
      shard,
    });
    await pipeline.drain(signal.aborted ? drainMs : Math.max(drainMs, config.output.timeoutMs));
    // Unpaced, an OTLP receiver that never took an export ends the run at once; paced runs go on and
    // report it, and other exporters' failures are reported with the run's figures.
    if (runSettings.fast && stats.exports === 0 && pipeline.firstFailure && sendsOtlp(settings, options)) {
      throw cannotExport(pipeline.firstFailure);
    }
  } catch (error) {
    failure = error;
  }
  // Closing never hides the run's own outcome: its errors are reported beside it.
  const closeErrors = (await closeExporters([exporter])).map((error) => error.message);
  if (failure !== undefined) throw failure;
  // Paced: request i is due at i/rate, so n requests take n/rate; fast: however long generation took.
  const generatedSeconds = (stats.generatedAtUs - startedUs) / 1e6;
  const shardRate = plan.ratePerSecond / shard.count;
  return summarize(stats, {
    elapsedSeconds: (clock.nowUs() - startedUs) / 1e6,
    generationSeconds: runSettings.fast ? generatedSeconds : generatedSeconds + 1 / shardRate,
    configuredRate: shardRate,
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

/** Whether every destination is an OTLP receiver (the built-in OTLP exporters, not the caller's own). */
function sendsOtlp(settings: Settings, options: RunOptions): boolean {
  return !options.exporters &&
    settings.run.exporters.every(({ contribution }) => contribution.name.startsWith("otlp-"));
}
