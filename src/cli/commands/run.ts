import { defineCommand } from "citty";
import { systemClock } from "../../runtime/clock.ts";
import { applyOtelEnvironment } from "../../config/otel-environment.ts";
import { defaultOtlpPort, type Endpoint, parseDuration, parseEndpoint, parseRate } from "../../config/units.ts";
import { planRun } from "../../engine/plan.ts";
import { DreamweaverError } from "../../plugin-host/errors.ts";
import { explainRequests } from "../../engine/explain.ts";
import { createMultiExporter, type NamedExporter } from "../../export/multi-exporter.ts";
import {
  environment,
  exporterHost,
  isInteractive,
  onStopSignal,
  readTlsFiles,
  setExitCode,
  writeErr,
  writeOut,
  writeStatus,
} from "../host.ts";
import { loadConfig, type LoadedConfig } from "../../config/load-config.ts";
import type { ExporterFactory } from "../../plugin-host/plugin.ts";
import { Registry } from "../../plugin-host/registry.ts";
import { defaultExporter, executeRun } from "../../run/execute-run.ts";
import { startProgress } from "../progress.ts";
import { formatSummary } from "../../run/summary.ts";
import { formatReport } from "../../receiver/format-report.ts";
import { type Sink, startSink } from "../../receiver/start-receiver.ts";
import { configArgs, guarded, pluginArgs, repeatedArg } from "./guarded.ts";

export const runCommand = defineCommand({
  meta: { name: "run", description: "Generate telemetry and send it to the OTLP endpoint (the default command)" },
  args: {
    ...configArgs,
    fast: { type: "boolean", description: "Unpaced: virtual clock, as fast as the receiver accepts" },
    "start-time": { type: "string", description: "With --fast: RFC 3339 time of the first request (default: end now)" },
    rate: { type: "string", description: "Override workload.rate, e.g. 500/s" },
    duration: { type: "string", description: "Override workload.duration, e.g. 30s" },
    endpoint: { type: "string", description: "Override output.endpoint" },
    sink: { type: "boolean", description: "Start the built-in receiver and send to it (no collector needed)" },
    exporter: {
      type: "string",
      description:
        "Exporter: otlp-grpc, otlp-http, file[:path], stdout, none, or a plugin's; repeatable, to send to several " +
        "(default: the one of output.protocol)",
    },
    "metrics-interval": { type: "string", default: "10s", description: "Metric export interval (simulated time)" },
    timeout: { type: "string", description: "Timeout of one export call (default: output.timeout, else 10s)" },
    json: { type: "boolean", description: "Print the summary as JSON on stdout" },
    "dry-run": { type: "boolean", description: "Print three sample requests as span trees and send nothing" },
    shard: { type: "string", description: "k/n: generate only requests i = k (mod n), at rate/n (0 <= k < n)" },
  },
  run: guarded(async ({ args, rawArgs }) => {
    const loaded = withOverrides(await loadConfig(args.config, { plugins: pluginArgs(rawArgs) }), args);
    const startTimeUs = parseStartTime(args["start-time"], args.fast === true);
    const shard = args.shard === undefined ? undefined : parseShard(args.shard);
    if (args["dry-run"]) {
      const plan = planRun(loaded);
      const indices = [0, 1, 2].filter((i) => i < plan.totalRequests);
      writeOut(explainRequests(plan, indices, startTimeUs ?? systemClock.nowUs()));
      return;
    }
    const metricsIntervalUs = seconds("--metrics-interval", args["metrics-interval"]) * 1e6;
    const { output } = loaded.config;
    const timeoutMs = args.timeout === undefined ? output.timeoutMs : seconds("--timeout", args.timeout) * 1000;
    const specs = repeatedArg(rawArgs, "exporter");
    // The built-in receiver speaks OTLP/gRPC only, so --sink sends over gRPC whatever the protocol.
    const exporter = specs.length > 0
      ? registerExporters(loaded.registry, specs)
      : args.sink
      ? "otlp-grpc"
      : defaultExporter(output.protocol);
    const sink = args.sink ? await startSink({ port: 0 }) : undefined;
    const endpoint: Endpoint = sink ? { url: `http://127.0.0.1:${sink.port}`, tls: false } : output.endpoint;
    const tlsOptions = output.tls && !sink ? await readTlsFiles(output.tls) : undefined;
    const stop = new AbortController();
    const unsubscribe = onStopSignal(() => {
      writeErr("stopping: sending what was generated (Ctrl-C again to quit at once)");
      stop.abort();
    });
    let stopProgress = () => {};
    try {
      const target = exporter === "otlp-grpc" || exporter === "otlp-http"
        ? endpoint.url
        : specs.length > 1
        ? `exporters ${specs.join(", ")}`
        : `exporter ${exporter}`;
      writeErr(`dreamweaver: ${loaded.file} -> ${target}${sink ? " (built-in receiver)" : ""}`);
      const summary = await executeRun(loaded, {
        fast: args.fast === true,
        ...(startTimeUs !== undefined && { startTimeUs }),
        endpoint,
        ...(tlsOptions && { tlsOptions }),
        exporter,
        metricsIntervalUs,
        timeoutMs,
        clock: systemClock,
        stop: stop.signal,
        drainMs: 5000,
        ...(shard && { shard }),
        onStart: (stats) => {
          stopProgress = startProgress(stats, {
            clock: systemClock,
            interactive: isInteractive(),
            writeLine: writeErr,
            writeStatus,
          });
        },
      });
      stopProgress();
      const report = sink ? await closeSink(sink) : undefined;
      if (args.json) writeOut(JSON.stringify(report ? { ...summary, receiver: report } : summary, null, 2));
      else {
        writeErr(formatSummary(summary));
        if (report) writeErr(`\nbuilt-in receiver\n${formatReport(report)}`);
      }
      if (summary.failedExports > 0 || summary.droppedExports > 0) setExitCode(1);
    } finally {
      stopProgress();
      unsubscribe();
      if (sink) await sink.close();
    }
  }),
});

async function closeSink(sink: Sink) {
  const report = sink.report();
  await sink.close();
  return report;
}

/** The registry name of the exporter that combines all of several `--exporter` flags. */
const MULTI_EXPORTER = "multi";

/**
 * Makes the `--exporter` values runnable and returns the name the run should use. The run creates its
 * exporter from the registry with options it builds itself, so what only the CLI has (the host's files
 * and stdout, the `:argument` of `file:out.jsonl`) is added by registering wrappers, under the flag's
 * exact text, that call the plugin's factory with it. Several flags become one exporter, `multi`, that
 * fans every request out to all of them.
 */
function registerExporters(registry: Registry, specs: readonly string[]): string {
  const factories = specs.map((spec): [string, ExporterFactory, string] => {
    const colon = spec.indexOf(":");
    const name = colon < 0 ? spec : spec.slice(0, colon);
    const argument = colon < 0 ? "" : spec.slice(colon + 1);
    const contribution = registry.exporters.get(name);
    if (!contribution) {
      throw new DreamweaverError(
        "USAGE",
        `--exporter: ${Registry.unknown("exporter", name, registry.exporters.keys())}`,
      );
    }
    const factory = contribution.value;
    const wrapped: ExporterFactory = (options) =>
      factory({ ...options, host: exporterHost, ...(argument !== "" && { argument }) });
    return [spec, wrapped, contribution.plugin];
  });
  if (factories.length === 1) {
    const [spec, factory, plugin] = factories[0]!;
    registry.exporters.set(spec, { name: spec, plugin, value: factory });
    return spec;
  }
  registry.exporters.set(MULTI_EXPORTER, {
    name: MULTI_EXPORTER,
    plugin: "cli",
    value: (options) => {
      const created: NamedExporter[] = [];
      try {
        for (const [name, factory] of factories) created.push({ name, exporter: factory(options) });
      } catch (error) {
        // One that cannot start (a bad path) fails the run: release the ones already created.
        for (const { exporter } of created) exporter.close().catch(() => {});
        throw error;
      }
      return createMultiExporter(created);
    },
  });
  return MULTI_EXPORTER;
}

type RunArgs = { rate?: string; duration?: string; endpoint?: string };

/**
 * `--rate`, `--duration` and `--endpoint` replace the config's values; a bad one is a usage error.
 * The OTEL_EXPORTER_OTLP_* variables come in between: flags > environment > config file.
 */
function withOverrides(loaded: LoadedConfig, args: RunArgs): LoadedConfig {
  const { workload } = loaded.config;
  const output = applyOtelEnvironment(environment(), loaded.config.output);
  return {
    ...loaded,
    config: {
      ...loaded.config,
      workload: {
        ratePerSecond: args.rate === undefined ? workload.ratePerSecond : parsed("--rate", parseRate(args.rate)),
        durationSeconds: args.duration === undefined ? workload.durationSeconds : seconds("--duration", args.duration),
      },
      output: {
        ...output,
        endpoint: args.endpoint === undefined
          ? output.endpoint
          : parsed("--endpoint", parseEndpoint(args.endpoint, defaultOtlpPort(output.protocol))),
      },
    },
  };
}

function seconds(flag: string, text: string): number {
  return parsed(flag, parseDuration(text));
}

function parsed<T>(flag: string, result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new DreamweaverError("USAGE", `${flag}: ${result.message}`);
  return result.value;
}

function parseStartTime(text: string | undefined, fast: boolean): number | undefined {
  if (text === undefined) return undefined;
  if (!fast) throw new DreamweaverError("USAGE", "--start-time needs --fast: a paced run follows the wall clock");
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw new DreamweaverError("USAGE", `--start-time: "${text}" is not an RFC 3339 time, e.g. 2026-01-01T00:00:00Z`);
  }
  return ms * 1000;
}

function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(count >= 1 && index >= 0 && index < count)) {
    throw new DreamweaverError("USAGE", `--shard: "${text}" is not k/n with 0 <= k < n, e.g. 0/4`);
  }
  return { index, count };
}
