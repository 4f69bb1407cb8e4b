import { defineCommand } from "citty";
import type { RunStats } from "../../export/run-stats.ts";
import { runInWorkers } from "../run-workers.ts";
import { type Settings, withReceiver } from "../../config/settings.ts";
import { explainRequests } from "../../engine/explain.ts";
import { planRun } from "../../engine/plan.ts";
import { activeScenarios } from "../../engine/scenario-timeline.ts";
import { badFlag } from "../../plugin-host/messages.ts";
import { formatReport } from "../../receiver/format-report.ts";
import { type Sink, startSink } from "../../receiver/start-receiver.ts";
import { run } from "../../run/run.ts";
import type { RunSummary } from "../../run/summary.ts";
import { systemClock } from "../../runtime/clock.ts";
import { formatSummary } from "../format-summary.ts";
import { formatTarget } from "../format-target.ts";
import {
  exporterHost,
  isInteractive,
  onStopSignal,
  setExitCode,
  stderrExporterHost,
  writeErr,
  writeOut,
  writeStatus,
} from "../host.ts";
import { startProgress } from "../progress.ts";
import { settingsArgs, settingsFromArgs } from "../settings-args.ts";
import { guarded } from "./guarded.ts";
import { parseBuckets } from "./sink.ts";

export const runCommand = defineCommand({
  meta: { name: "run", description: "Generate telemetry and send it to the OTLP endpoint (the default command)" },
  args: {
    ...settingsArgs,
    fast: { type: "boolean", description: "Unpaced: virtual clock, as fast as the receiver accepts" },
    "start-time": {
      type: "string",
      valueHint: "RFC 3339",
      description: "With --fast: RFC 3339 time of the first request (default: end now)",
    },
    sink: { type: "boolean", description: "Start the built-in receiver and send to it (no collector needed)" },
    buckets: {
      type: "string",
      valueHint: "1m",
      description: "With --sink: the receiver reports each service's rate, errors and latency per bucket, e.g. 1m",
    },
    json: { type: "boolean", description: "Print the summary as JSON on stdout" },
    "dry-run": { type: "boolean", description: "Print three sample requests as span trees and send nothing" },
    shard: {
      type: "string",
      valueHint: "k/n",
      description: "k/n: generate only requests i = k (mod n), at rate/n (0 <= k < n)",
    },
    workers: {
      type: "string",
      valueHint: "N",
      description: "Run N shards side by side in worker threads, one output (default 1: each worker reports " +
        "instances of its own)",
    },
  },
  run: guarded(async ({ args, rawArgs }) => {
    const settings = await settingsFromArgs(args, rawArgs);
    if (args["dry-run"] && args.json) throw badFlag("--json", "--dry-run prints span trees, not a summary");
    const workers = workerCount(args.workers);
    if (args["dry-run"]) {
      const startUs = settings.run.startTimeUs ?? systemClock.nowUs();
      const plan = planRun(settings, undefined, startUs);
      const indices = [0, 1, 2].filter((i) => plan.arrivals.has(i));
      writeOut(explainRequests(plan, indices, startUs));
      return;
    }
    if (args.buckets !== undefined && !settings.run.sink) {
      throw badFlag("--buckets", "the built-in receiver reports buckets; add --sink");
    }
    const bucketSeconds = args.buckets === undefined ? undefined : parseBuckets(args.buckets);
    const sink = settings.run.sink
      ? await startSink({ port: 0, ...(bucketSeconds !== undefined && { bucketSeconds }) })
      : undefined;
    try {
      const receiver = sink ? `http://127.0.0.1:${sink.port}` : undefined;
      // A paced run beside the built-in receiver generates in a worker thread all the same: the receiver's
      // checks and garbage collection on this thread would otherwise delay the schedule (docs/decisions.md).
      const inThisThread = workers === 1 && (sink === undefined || settings.run.fast);
      const start: StartRun = inThisThread
        // Under --json, stdout carries the summary alone: what an exporter prints (the stdout one's span
        // trees) goes to stderr.
        ? (settings, options) => run(settings, { ...options, host: args.json ? stderrExporterHost : exporterHost })
        : (settings, options) =>
          runInWorkers(settings, {
            ...options,
            count: workers,
            args,
            rawArgs,
            ...(receiver !== undefined && { receiver }),
          });
      await runAndReport(receiver ? withReceiver(settings, receiver) : settings, sink, args.json, start);
    } finally {
      if (sink) await sink.close();
    }
  }),
});

/**
 * `--workers N`, 1 unless asked: each worker reports instances of its own (as a shard does), so more
 * workers would show a backend more instances per replica than the config has; a user chooses that.
 */
function workerCount(flag: string | undefined): number {
  if (flag === undefined) return 1;
  const count = Number(flag);
  if (!/^\d+$/.test(flag) || count < 1 || count > 256) throw badFlag("--workers", `expected 1..256, got "${flag}"`);
  return count;
}

/** Starts the run: in this thread, or in worker threads (`--workers`). */
type StartRun = (
  settings: Settings,
  options: { signal: AbortSignal; onStart: (stats: RunStats) => void },
) => Promise<RunSummary>;

async function runAndReport(
  settings: Settings,
  sink: Sink | undefined,
  json: boolean | undefined,
  start: StartRun,
): Promise<void> {
  const stop = new AbortController();
  const unsubscribe = onStopSignal(() => {
    writeErr("stopping: sending what was generated (Ctrl-C again to quit at once)");
    stop.abort();
  });
  let stopProgress = () => {};
  try {
    writeErr(`dreamweaver: ${settings.file} -> ${formatTarget(settings)}${sink ? ", the built-in receiver" : ""}`);
    const summary = await start(settings, {
      signal: stop.signal,
      onStart: (stats) => {
        stopProgress = startProgress(stats, {
          clock: systemClock,
          interactive: isInteractive(),
          paced: !settings.run.fast,
          dataPointWindowUs: settings.run.fast ? 0 : settings.run.metricsIntervalUs,
          writeLine: writeErr,
          writeStatus,
          moment: (stats) => scenariosAt(settings, (stats.simulatedUs - stats.startUs) / 1e6),
        });
      },
    });
    stopProgress();
    const report = sink?.report();
    if (json) writeOut(JSON.stringify(report ? { ...summary, receiver: report } : summary, null, 2));
    else {
      writeErr(formatSummary(summary));
      if (report) writeErr(`\nbuilt-in receiver\n${formatReport(report)}`);
    }
    if (!deliveredAll(summary) || summary.failure !== undefined || summary.closeErrors) setExitCode(1);
  } finally {
    stopProgress();
    unsubscribe();
  }
}

/** `scenario orders-db lock storm (ramping up)`, or nothing when no scenario is in effect at `t`. */
function scenariosAt(settings: Settings, t: number): string {
  const active = activeScenarios(settings.config.scenarios, t);
  if (active.length === 0) return "";
  return `scenario ${active.map(({ scenario, phase }) => `${scenario.name} (${phase})`).join(", ")}`;
}

/** Whether every export call was delivered: none failed, went unanswered or was dropped. */
function deliveredAll(summary: RunSummary): boolean {
  return summary.failedExports === 0 && summary.unconfirmedExports === 0 && summary.droppedExports === 0;
}
