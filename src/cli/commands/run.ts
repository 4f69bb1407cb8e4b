import { defineCommand } from "citty";
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
  },
  run: guarded(async ({ args, rawArgs }) => {
    const settings = await settingsFromArgs(args, rawArgs);
    if (args["dry-run"] && args.json) throw badFlag("--json", "--dry-run prints span trees, not a summary");
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
      await runAndReport(sink ? withReceiver(settings, `http://127.0.0.1:${sink.port}`) : settings, sink, args.json);
    } finally {
      if (sink) await sink.close();
    }
  }),
});

async function runAndReport(settings: Settings, sink: Sink | undefined, json: boolean | undefined): Promise<void> {
  const stop = new AbortController();
  const unsubscribe = onStopSignal(() => {
    writeErr("stopping: sending what was generated (Ctrl-C again to quit at once)");
    stop.abort();
  });
  let stopProgress = () => {};
  try {
    writeErr(`dreamweaver: ${settings.file} -> ${formatTarget(settings)}${sink ? ", the built-in receiver" : ""}`);
    const summary = await run(settings, {
      signal: stop.signal,
      // Under --json, stdout carries the summary alone: what an exporter prints (the stdout one's span
      // trees) goes to stderr.
      host: json ? stderrExporterHost : exporterHost,
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
