import type { Signal } from "../plugin-host/plugin.ts";

/** Counters of a run, shared by the engine, the export pipeline, the progress line and the summary. */
export class RunStats {
  requests = 0;
  spans = 0;
  dataPoints = 0;
  logRecords = 0;
  /** Encoded bytes handed to the exporter. */
  bytes = 0;
  exports = 0;
  failedExports = 0;
  /** Export attempts repeated after a retryable failure (each retry of each export counts). */
  retries = 0;
  /** Items in failed exports, per signal: telemetry that did not arrive. */
  readonly lost: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
  /** Items the receiver rejected (OTLP partial success). */
  rejected = 0;
  /** Export requests dropped because the exporter fell behind (paced mode only). */
  droppedExports = 0;
  readonly dropped: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
  lastError: string | undefined;
  /** How far generation fell behind the schedule at worst (paced mode). */
  maxLagMs = 0;
  /** When the last request was generated, for the achieved rate. */
  generatedAtUs = 0;
  /** The run's start and the latest generated request's start, in simulated time: where the story is. */
  startUs = 0;
  simulatedUs = 0;
  /** Requests this run (or shard) will generate, exact or close; absent: it goes on until stopped. */
  totalRequests: number | undefined;
  /** When its last request is due, in simulated time (with `totalRequests`). */
  endUs: number | undefined;
}
