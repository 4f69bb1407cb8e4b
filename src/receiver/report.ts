import type { Signal } from "../plugin-host/plugin.ts";
import type { MetricChecks, MetricViolation } from "./metric-check.ts";
import type { BucketReport } from "./time-buckets.ts";
import type { TraceChecks, TraceViolation } from "./trace-check.ts";

/** One number per OTLP signal. */
export type PerSignal = Record<Signal, number>;

/** Telemetry items received. */
export interface ItemCounts {
  spans: number;
  /** Data points of every metric type: sum, gauge, histogram, exponential histogram and summary. */
  dataPoints: number;
  logRecords: number;
}

/** What arrived more than once: requests a sender sent again after the receiver had taken them. */
export interface Duplicates extends ItemCounts {
  requests: number;
}

/** Items received from one service (the resource's service.name). */
export interface ServiceCounts extends ItemCounts {
  service: string;
}

/**
 * Live figures, cheap enough to poll every second. Items are counted once however often they arrived;
 * `duplicates` counts the arrivals beyond the first.
 */
export interface SinkStats extends ItemCounts {
  uptimeMs: number;
  /** Export requests accepted, per signal, duplicates included. */
  requests: PerSignal;
  /** Requests received again, and their items: at-least-once delivery after a sender's retries. */
  duplicates: Duplicates;
  /** Export requests answered with an error (undecodable, over the size limit, wrong protocol). */
  rejectedRequests: number;
  /** gRPC request body bytes as they came off the wire (compressed if the sender compressed). */
  bytes: PerSignal;
  /** Traces received but not checked yet (waiting to go idle). */
  openTraces: number;
  /** Violations found so far, traces and metrics together. */
  violations: number;
}

/** The final report: the live figures plus per-service counts and the result of every check. */
export interface SinkReport extends SinkStats {
  services: ServiceCounts[];
  checks: { traces: TraceChecks; metrics: MetricChecks };
  /** A few trace ids or metric streams per violation found, to go and look at. */
  examples: Partial<Record<TraceViolation | MetricViolation, string[]>>;
  /** With `--buckets`: each service's requests, errors and latency over time. */
  buckets?: BucketReport;
}
