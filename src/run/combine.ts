import { type PerSignal, RunStats } from "../export/run-stats.ts";
import type { RunSummary } from "./summary.ts";

/**
 * The counters of a run made of shards run side by side (`--workers`): their sums, for one progress line.
 * `parts` are the shards' latest counters (copies posted by each worker); a shard not heard from yet is
 * absent. Simulated time is where the slowest shard is: all shards follow one schedule.
 */
export function combineStats(into: RunStats, parts: readonly RunStats[]): void {
  if (parts.length === 0) return;
  const sum = (key: CountKey) => parts.reduce((n, part) => n + part[key], 0);
  for (const key of COUNTS) into[key] = sum(key);
  for (const outcome of OUTCOMES) {
    into.calls[outcome] = parts.reduce((n, part) => n + part.calls[outcome], 0);
    sumInto(into.items[outcome], parts.map((part) => part.items[outcome]));
  }
  sumInto(into.rejected, parts.map((part) => part.rejected));
  sumInto(into.possibleDuplicates, parts.map((part) => part.possibleDuplicates));
  into.lastError = parts.find((part) => part.lastError !== undefined)?.lastError;
  into.maxLagMs = Math.max(...parts.map((part) => part.maxLagMs));
  into.generatedAtUs = Math.max(...parts.map((part) => part.generatedAtUs));
  into.simulatedUs = Math.min(...parts.map((part) => part.simulatedUs));
  const totals = parts.map((part) => part.totalRequests);
  into.totalRequests = totals.includes(undefined) ? undefined : totals.reduce((n, t) => n! + t!, 0);
  const ends = parts.map((part) => part.endUs);
  into.endUs = ends.includes(undefined) ? undefined : Math.max(...ends.map((end) => end!));
}

/**
 * One summary of a run made of shards: counts summed, rates summed (the shards generate side by side over
 * the same time), the worst lag, the first failure, every close error; `elapsedSeconds` is the whole run's.
 */
export function combineSummaries(parts: readonly RunSummary[], elapsedSeconds: number): RunSummary {
  const [first] = parts;
  if (first === undefined) throw new Error("combineSummaries: no summary to combine");
  const sum = (key: SummedKey) => parts.reduce((n, part) => n + part[key], 0);
  const sumSignals = (key: SignalKey) => sumInto({ traces: 0, metrics: 0, logs: 0 }, parts.map((p) => p[key]));
  const lastError = parts.find((part) => part.lastError !== undefined)?.lastError;
  const failure = parts.find((part) => part.failure !== undefined)?.failure;
  const closeErrors = parts.flatMap((part) => part.closeErrors ?? []);
  return {
    ...Object.fromEntries(SUMMED.map((key) => [key, sum(key)])) as Record<SummedKey, number>,
    ...Object.fromEntries(SIGNALS.map((key) => [key, sumSignals(key)])) as Record<SignalKey, PerSignal>,
    elapsedSeconds,
    achievedRate: Math.round(sum("achievedRate") * 100) / 100,
    configuredRate: sum("configuredRate"),
    maxLagMs: Math.max(...parts.map((part) => part.maxLagMs)),
    ...(lastError !== undefined && { lastError }),
    ...(failure !== undefined && { failure }),
    ...(closeErrors.length > 0 && { closeErrors }),
    ...(first.scenarios && { scenarios: first.scenarios }),
  };
}

const COUNTS = ["requests", "spans", "dataPoints", "logRecords", "exports", "bytes", "retries"] as const;
type CountKey = (typeof COUNTS)[number];
const OUTCOMES = ["delivered", "lost", "unconfirmed", "dropped"] as const;

const SUMMED = [
  ...COUNTS,
  "deliveredExports",
  "failedExports",
  "unconfirmedExports",
  "droppedExports",
] as const;
type SummedKey = (typeof SUMMED)[number] | "achievedRate" | "configuredRate";
const SIGNALS = ["delivered", "rejected", "lost", "unconfirmed", "dropped", "possibleDuplicates"] as const;
type SignalKey = (typeof SIGNALS)[number];

function sumInto(into: PerSignal, parts: readonly PerSignal[]): PerSignal {
  for (const signal of ["traces", "metrics", "logs"] as const) {
    into[signal] = parts.reduce((n, part) => n + part[signal], 0);
  }
  return into;
}
