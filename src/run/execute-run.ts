import type { Clock } from "../runtime/clock.ts";
import type { OtlpProtocol } from "../config/config.ts";
import type { Endpoint } from "../config/units.ts";
import { planRun } from "../engine/plan.ts";
import { DreamweaverError } from "../plugin-host/errors.ts";
import { ExportPipeline } from "../export/export-pipeline.ts";
import type { LoadedConfig } from "../config/load-config.ts";
import type { TlsOptions } from "../plugin-host/plugin.ts";
import { Registry } from "../plugin-host/registry.ts";
import { RunStats } from "../export/run-stats.ts";
import { runWorkload, type Shard } from "./run-workload.ts";
import { type RunSummary, summarize } from "./summary.ts";

export interface RunOptions {
  readonly fast: boolean;
  /** `--fast` only: timestamp of the first request; default: the run ends now. */
  readonly startTimeUs?: number;
  readonly endpoint: Endpoint;
  /** `output.tls` with the PEM files read (only src/host.ts reads files); absent: the system's certificates. */
  readonly tlsOptions?: TlsOptions;
  readonly exporter: string;
  readonly metricsIntervalUs: number;
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly stop: AbortSignal;
  /** How long shutdown waits for exports in flight. */
  readonly drainMs: number;
  /** Which part of the run this process generates (`--shard k/n`); default all of it. */
  readonly shard?: Shard;
  /** Receives the stats object as soon as the run starts, for a progress display. */
  readonly onStart?: (stats: RunStats) => void;
}

/** The exporter a run uses when `--exporter` is not given: the one speaking `output.protocol`. */
export function defaultExporter(protocol: OtlpProtocol): string {
  return protocol === "grpc" ? "otlp-grpc" : "otlp-http";
}

/** Runs the workload of a loaded config to the end (or until `stop`), then reports what happened. */
export async function executeRun(loaded: LoadedConfig, options: RunOptions): Promise<RunSummary> {
  const shard = options.shard ?? { index: 0, count: 1 };
  const plan = planRun(loaded, shard);
  const factory = loaded.registry.exporters.get(options.exporter);
  if (!factory) {
    throw new DreamweaverError(
      "USAGE",
      `--exporter: ${Registry.unknown("exporter", options.exporter, loaded.registry.exporters.keys())}`,
    );
  }
  const { protocol, headers, compression } = loaded.config.output;
  const exporter = factory.value({
    url: options.endpoint.url,
    tls: options.endpoint.tls,
    timeoutMs: options.timeoutMs,
    protocol,
    headers,
    compression,
    ...(options.tlsOptions && { tlsOptions: options.tlsOptions }),
  });
  const stats = new RunStats();
  const pipeline = new ExportPipeline(exporter, stats, loaded.config.output.concurrency);
  const { clock } = options;
  const startedUs = clock.nowUs();
  const durationUs = plan.durationSeconds * 1e6;
  const startUs = options.fast ? options.startTimeUs ?? startedUs - durationUs : startedUs;
  options.onStart?.(stats);
  try {
    await runWorkload(plan, {
      mode: options.fast ? "fast" : "paced",
      startUs,
      metricsIntervalUs: options.metricsIntervalUs,
      maxBatchWaitMs: 1000,
      clock,
      stop: options.stop,
      pipeline,
      stats,
      shard,
    });
    await pipeline.drain(options.stop.aborted ? options.drainMs : Math.max(options.drainMs, options.timeoutMs));
    // Unpaced, a receiver that never answered ends the run at once; paced runs go on and report it.
    if (options.fast && stats.exports === 0 && pipeline.firstFailure) {
      throw new DreamweaverError(
        "EXPORT_FAILED",
        `cannot export to ${pipeline.firstFailure.message}. Is an OTLP receiver listening there? (--sink starts a built-in one)`,
      );
    }
    // Paced: request i is due at i/rate, so n requests take n/rate; fast: however long generation took.
    const generatedSeconds = (stats.generatedAtUs - startedUs) / 1e6;
    const shardRate = plan.ratePerSecond / shard.count;
    const generationSeconds = options.fast ? generatedSeconds : generatedSeconds + 1 / shardRate;
    return summarize(stats, {
      elapsedSeconds: (clock.nowUs() - startedUs) / 1e6,
      generationSeconds,
      configuredRate: shardRate,
    });
  } finally {
    await pipeline.close();
  }
}
