// One shard of a run, in a worker thread of `--workers`: it resolves the same settings as the parent
// (plugins load here too), generates and exports its shard, and reports its counters to the parent.
import { parentPort, workerData } from "node:worker_threads";
import { withReceiver } from "../config/settings.ts";
import { DreamweaverError } from "../plugin-host/errors.ts";
import type { RunStats } from "../export/run-stats.ts";
import { run, warmUpRun } from "../run/run.ts";
import { exporterHost, stderrExporterHost } from "./host.ts";
import { settingsFromArgs } from "./settings-args.ts";
import type { FromWorker, ToWorker, WorkerTask } from "./worker-messages.ts";

/** How often the parent hears the counters, for its progress line. */
const REPORT_MS = 200;

export async function serveWorker(): Promise<void> {
  const task = workerData as WorkerTask;
  const port = parentPort!;
  const post = (message: FromWorker) => port.postMessage(message);
  const stop = new AbortController();
  let started: (startUs: number) => void = () => {};
  const start = new Promise<number>((resolve) => started = resolve);
  port.on("message", (message: ToWorker) => {
    if (message.kind === "start") started(message.startUs);
    else stop.abort();
  });
  let stats: RunStats | undefined;
  const timer = setInterval(() => stats && post({ kind: "stats", stats }), REPORT_MS);
  try {
    // The parent has already shown the settings' notes once.
    const loaded = await settingsFromArgs(task.args as Parameters<typeof settingsFromArgs>[0], task.rawArgs, {
      notes: false,
      checkedText: task.configText,
    });
    const received = task.receiver === undefined ? loaded : withReceiver(loaded, task.receiver);
    const settings = { ...received, run: { ...received.run, shard: task.shard } };
    // Before the parent picks the moment every worker starts from: a warm-up after it would start behind.
    warmUpRun(settings);
    post({ kind: "ready" });
    const startUs = await start;
    const summary = await run(settings, {
      warmUp: false,
      signal: stop.signal,
      // As in one thread: under --json, what an exporter prints goes to stderr.
      host: (task.args as { json?: boolean }).json ? stderrExporterHost : exporterHost,
      startUs,
      onStart: (live) => stats = live,
    });
    post({ kind: "done", summary, stats: stats! });
  } catch (error) {
    // A user-facing error is reported as one process would; anything else is a crash, with its stack.
    const failure = error instanceof DreamweaverError
      ? { code: error.code, message: error.message }
      : { code: "PLUGIN_FAILED" as const, message: `a worker crashed: ${(error as Error)?.stack ?? error}` };
    post({ kind: "failed", failure });
  } finally {
    clearInterval(timer);
  }
}
