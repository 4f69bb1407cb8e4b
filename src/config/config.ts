import type { RenderText } from "../text-template.ts";
import type { Endpoint } from "./units.ts";

/** A log severity of the seed's schema. */
export type Severity = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

/** OTLP SeverityNumber of each seed severity (the first number of each OTLP range). */
export const SEVERITY_NUMBER: Readonly<Record<Severity, number>> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
};

export interface TraceTemplate {
  readonly spanKind: string;
  readonly operations: readonly string[];
  readonly errorRate: number;
  readonly baseDurationMs: number;
}

export interface MetricTemplate {
  readonly name: string;
  readonly type: string;
  readonly unit: string;
}

export interface LogTemplate {
  readonly patterns: readonly string[];
  /** Each pattern compiled once, placeholders resolved. */
  readonly render: readonly RenderText[];
  readonly severity: Severity;
}

export interface ServiceTemplate {
  readonly name: string;
  /** Absent: the service emits no spans and its callees attach to the nearest ancestor that does. */
  readonly traces?: TraceTemplate;
  readonly metrics: readonly MetricTemplate[];
  readonly logs: readonly LogTemplate[];
}

export interface ServiceDefinition {
  readonly name: string;
  readonly type: string;
  readonly downstream: readonly string[];
}

/** A validated configuration with every default applied and every string format parsed. */
export interface Config {
  readonly seed: string;
  readonly templates: ReadonlyMap<string, ServiceTemplate>;
  readonly services: readonly ServiceDefinition[];
  readonly workload: {
    readonly ratePerSecond: number;
    readonly durationSeconds: number;
  };
  readonly output: {
    readonly endpoint: Endpoint;
    readonly batchSize: number;
  };
  readonly plugins: readonly string[];
}

/** The seed's defaults. */
export const DEFAULTS = {
  errorRate: 0,
  baseDurationMs: 50,
  unit: "",
  severity: "info",
  batchSize: 100,
} as const;
