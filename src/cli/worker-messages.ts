import type { ErrorCode } from "../plugin-host/errors.ts";
import type { RunStats } from "../export/run-stats.ts";
import type { RunSummary } from "../run/summary.ts";

/** What a worker is started with: the command line to resolve its settings from, and its shard. */
export interface WorkerTask {
  readonly dreamweaverWorker: true;
  /** citty's parsed arguments and the raw ones (repeatable flags are read from those). */
  readonly args: Record<string, unknown>;
  readonly rawArgs: readonly string[];
  /** The config file's text as the parent read and checked it: the worker runs the same, unchecked again. */
  readonly configText: string;
  readonly shard: { readonly index: number; readonly count: number };
  /** The built-in receiver's address, when the parent runs one (`--sink`). */
  readonly receiver?: string;
}

/** Parent to worker: start generating from `startUs` (every worker the same), or stop (Ctrl-C). */
export type ToWorker = { readonly kind: "start"; readonly startUs: number } | { readonly kind: "stop" };

/**
 * Worker to parent: loaded and waiting for `start`; its counters so far; its summary at the end; or the
 * error that ended it (as one process would print it).
 */
export type FromWorker =
  | { readonly kind: "ready" }
  | { readonly kind: "stats"; readonly stats: RunStats }
  | { readonly kind: "done"; readonly summary: RunSummary; readonly stats: RunStats }
  | { readonly kind: "failed"; readonly failure: WorkerFailure };

/** Why a worker ended without a summary: a user-facing error's code and message, or a crash's. */
export interface WorkerFailure {
  readonly code: ErrorCode;
  readonly message: string;
}

/** Whether this thread was started as a run's worker (`workerData` of `node:worker_threads`). */
export function isWorkerTask(data: unknown): data is WorkerTask {
  return typeof data === "object" && data !== null && (data as WorkerTask).dreamweaverWorker === true;
}
