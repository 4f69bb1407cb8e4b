// `--workers N`: one run as N shards generated and exported side by side in worker threads, with one
// progress line, one summary and one exit status. The shard rule makes the union of the workers' output
// the output of one process (docs/reproducibility.md#sharding).
import { Worker } from "node:worker_threads";
import type { Settings } from "../config/settings.ts";
import { DreamweaverError } from "../plugin-host/errors.ts";
import { RunStats } from "../export/run-stats.ts";
import { combineStats, combineSummaries } from "../run/combine.ts";
import { defaultStartUs } from "../run/run.ts";
import type { RunSummary } from "../run/summary.ts";
import { systemClock } from "../runtime/clock.ts";
import { mainModule } from "./host.ts";
import type { FromWorker, ToWorker, WorkerFailure, WorkerTask } from "./worker-messages.ts";

export interface WorkersOptions {
  readonly count: number;
  /** The command line the workers resolve their settings from. */
  readonly args: Record<string, unknown>;
  readonly rawArgs: readonly string[];
  /** The built-in receiver's address (`--sink`): it stays in this process, the workers send to it. */
  readonly receiver?: string;
  readonly signal: AbortSignal;
  readonly onStart?: (stats: RunStats) => void;
}

/**
 * Runs `settings` (this process's, resolved from the same command line) as `count` workers: worker j of
 * shard k/n runs shard k + j*n of n*count, which splits shard k/n further (the whole run when n = 1).
 * Every worker starts from one moment, so the schedule and the ids are the whole run's. A worker that
 * fails (a plugin error, a crash) stops the others; the run ends with what they did and the failure.
 * When no worker has a summary (all failed, e.g. nothing listening), the first error is thrown, as one
 * process would throw it.
 */
export async function runInWorkers(settings: Settings, options: WorkersOptions): Promise<RunSummary> {
  const { index, count: shards } = settings.run.shard;
  const startedUs = systemClock.nowUs();
  const workers = Array.from({ length: options.count }, (_, j) =>
    startWorker({
      dreamweaverWorker: true,
      // Plain data: citty's parsed arguments are not structured-cloneable as they are.
      args: JSON.parse(JSON.stringify(options.args)),
      rawArgs: [...options.rawArgs],
      configText: settings.configText,
      shard: { index: index + j * shards, count: shards * options.count },
      ...(options.receiver !== undefined && { receiver: options.receiver }),
    }));
  const stats = new RunStats();
  const latest: (RunStats | undefined)[] = workers.map(() => undefined);
  const reported = () => latest.filter((part) => part !== undefined);
  // Totals only once every worker has reported: a part alone would show a part's total.
  const refresh = () => reported().length === latest.length && combineStats(stats, reported());
  const stopAll = () => workers.forEach((worker) => worker.send({ kind: "stop" }));
  options.signal.addEventListener("abort", stopAll);
  let failure: WorkerFailure | undefined;
  try {
    const ready = Promise.all(workers.map((worker) => worker.ready));
    // A worker that fails while loading ends the run before it starts.
    const firstFailure = Promise.race(
      workers.map((worker) => worker.outcome.then((o) => o.failure ?? new Promise<never>(() => {}))),
    );
    const notReady = await Promise.race([ready.then(() => undefined), firstFailure]);
    if (notReady !== undefined) {
      stopAll();
      throw new DreamweaverError(notReady.code, notReady.message);
    }
    const startUs = defaultStartUs(settings, systemClock.nowUs());
    stats.startUs = startUs;
    options.onStart?.(stats);
    workers.forEach((worker, j) => {
      worker.onStats = (part) => {
        latest[j] = part;
        refresh();
      };
      worker.send({ kind: "start", startUs });
    });
    const outcomes = await Promise.all(workers.map((worker) =>
      worker.outcome.then((outcome) => {
        if (outcome.failure !== undefined) {
          failure ??= outcome.failure;
          stopAll();
        }
        return outcome;
      })
    ));
    const summaries = outcomes.flatMap((outcome) => outcome.summary ? [outcome.summary] : []);
    if (summaries.length === 0) throw new DreamweaverError(failure!.code, failure!.message);
    outcomes.forEach((outcome, j) => latest[j] = outcome.stats ?? latest[j]);
    combineStats(stats, reported());
    const combined = combineSummaries(summaries, (systemClock.nowUs() - startedUs) / 1e6);
    return failure === undefined || combined.failure !== undefined
      ? combined
      : { ...combined, failure: failure.message };
  } finally {
    options.signal.removeEventListener("abort", stopAll);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

interface WorkerOutcome {
  readonly summary?: RunSummary;
  readonly stats?: RunStats;
  readonly failure?: WorkerFailure;
}

interface RunningWorker {
  readonly ready: Promise<void>;
  /** Settles once: the worker's summary, or why it has none. */
  readonly outcome: Promise<WorkerOutcome>;
  onStats: (stats: RunStats) => void;
  send(message: ToWorker): void;
  terminate(): Promise<unknown>;
}

function startWorker(task: WorkerTask): RunningWorker {
  const worker = new Worker(mainModule(), { workerData: task });
  let ready: () => void = () => {};
  let settle: (outcome: WorkerOutcome) => void = () => {};
  let settled = false;
  const running: RunningWorker = {
    ready: new Promise<void>((resolve) => ready = resolve),
    outcome: new Promise<WorkerOutcome>((resolve) => settle = resolve),
    onStats: () => {},
    send: (message) => {
      if (!settled) worker.postMessage(message);
    },
    terminate: () => worker.terminate(),
  };
  const end = (outcome: WorkerOutcome) => {
    if (settled) return;
    settled = true;
    settle(outcome);
  };
  worker.on("message", (message: FromWorker) => {
    if (message.kind === "ready") ready();
    else if (message.kind === "stats") running.onStats(message.stats);
    else if (message.kind === "done") end({ summary: message.summary, stats: message.stats });
    else end({ failure: message.failure });
  });
  const crashed = (message: string) => end({ failure: { code: "PLUGIN_FAILED", message } });
  worker.on("error", (error: Error) => crashed(`a worker crashed: ${error.message}`));
  worker.on("exit", (status) => crashed(`a worker exited (status ${status}) before it finished`));
  return running;
}
