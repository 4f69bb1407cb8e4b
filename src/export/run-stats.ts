import type { ExportRequest, Signal } from "../plugin-host/plugin.ts";

/** One number per OTLP signal: spans for traces, data points for metrics, log records for logs. */
export type PerSignal = Record<Signal, number>;

/**
 * How an export request ended, once and for all:
 * - `delivered`: the receiver took it (less what its partial success rejected);
 * - `lost`: it failed for good, and the receiver did not take it (it answered with an error, or nothing
 *   could be sent at all: connection refused, host not found);
 * - `unconfirmed`: it was sent, but no answer came (it timed out, the connection dropped, shutdown cut it
 *   off): the receiver may have stored it, so it is counted neither delivered nor lost;
 * - `dropped`: it was never sent (the queue was full, or it was still queued at shutdown).
 */
export type Outcome = "delivered" | "lost" | "unconfirmed" | "dropped";

const perSignal = (): PerSignal => ({ traces: 0, metrics: 0, logs: 0 });

/**
 * Counters of a run, shared by the engine, the export pipeline, the progress line and the summary.
 * Every export request is settled here exactly once (`settle`), so for each signal the items generated
 * equal delivered + rejected + lost + unconfirmed + dropped once the run is over.
 */
export class RunStats {
  requests = 0;
  /** Items generated. */
  spans = 0;
  dataPoints = 0;
  logRecords = 0;
  /** Export calls made (each counted once, however often it was retried) and their encoded bytes. */
  exports = 0;
  bytes = 0;
  /** Export attempts repeated after a retryable failure (each retry of each export counts). */
  retries = 0;
  /** Export requests by how they ended. */
  readonly calls: Record<Outcome, number> = { delivered: 0, lost: 0, unconfirmed: 0, dropped: 0 };
  /** Items by how their export request ended (`delivered` without those the receiver rejected). */
  readonly items: Record<Outcome, PerSignal> = {
    delivered: perSignal(),
    lost: perSignal(),
    unconfirmed: perSignal(),
    dropped: perSignal(),
  };
  /** Items of delivered requests that the receiver rejected (OTLP partial success). */
  readonly rejected = perSignal();
  /**
   * Items sent again after an attempt that got no answer: the receiver holds them twice if that attempt
   * did arrive (at-least-once delivery). An upper bound on the duplicates a receiver can see.
   */
  readonly possibleDuplicates = perSignal();
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
  /**
   * Paced, once every request is generated: when the last spans still running end (a request that times
   * out runs for its timeout), which the run waits for before it sends them. Absent otherwise.
   */
  finishingUntilUs: number | undefined;

  /** Counts how `request` ended; `rejected` items of a delivered one were refused by the receiver. */
  settle(request: ExportRequest, outcome: Outcome, rejected = 0): void {
    const refused = outcome === "delivered" ? Math.min(Math.max(0, rejected), request.items) : 0;
    this.calls[outcome]++;
    this.items[outcome][request.signal] += request.items - refused;
    this.rejected[request.signal] += refused;
  }
}
