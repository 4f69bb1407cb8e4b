import type { LatencyPercentiles } from "./latency-percentiles.ts";
import type { LoadShape } from "./load-shape.ts";
import type { Severity } from "./schema.ts";
import type { Scenario } from "./scenarios.ts";
import type { RenderPieces, RenderText } from "./text-template.ts";
import type { Endpoint } from "./units.ts";

export type { Severity } from "./schema.ts";

/** OTLP SeverityNumber of each seed severity (the first number of each OTLP range). */
export const SEVERITY_NUMBER: Readonly<Record<Severity, number>> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
};

/** A span or resource attribute a user configured; text values may hold placeholders. */
export interface UserAttribute {
  readonly key: string;
  readonly value: string | number | boolean;
  /** Present when the text has placeholders: filled anew for every span (or once per instance for resources). */
  readonly render?: RenderText;
}

export type { LatencyPercentiles } from "./latency-percentiles.ts";

export interface TraceTemplate {
  readonly spanKind: string;
  readonly operations: readonly string[];
  readonly errorRate: number;
  readonly baseDurationMs: number;
  /** When given, own durations follow these percentiles instead of the seed's 50%-200% of the base. */
  readonly latency?: LatencyPercentiles;
  /** Probability that a failed call fails this service's own span too. */
  readonly errorPropagation: number;
  /** `rpc`: the RPC system and service of bare method names such as `GetCart`. */
  readonly rpc?: { readonly system?: string; readonly service?: string };
  /**
   * `calls:` per operation: the downstream services (by name) and operations it calls, overriding the
   * read/write heuristic. An operation absent here follows the heuristic; an empty list calls nothing.
   */
  readonly calls?: ReadonlyMap<string, readonly string[]>;
}

export interface MetricTemplate {
  readonly name: string;
  readonly type: string;
  readonly unit: string;
}

export interface LogTemplate {
  readonly patterns: readonly string[];
  /** Each pattern compiled once, placeholders resolved: a body is written from its pieces. */
  readonly pieces: readonly RenderPieces[];
  readonly severity: Severity;
}

export interface ServiceTemplate {
  readonly name: string;
  /** The SDK language its services report (telemetry.sdk.language); chosen from the seed when absent. */
  readonly language?: string;
  readonly version?: string;
  /** The semantic conventions its instrumentation follows: `latest`, `v1.24` or `dup` (both). */
  readonly semconv: "latest" | "v1.24" | "dup";
  /** Where failed spans record their exception: span events, log records, or both. */
  readonly exceptions: "events" | "logs" | "both";
  readonly attributes: readonly UserAttribute[];
  readonly resourceAttributes: readonly UserAttribute[];
  /** Absent: the service emits no spans and its callees attach to the nearest ancestor that does. */
  readonly traces?: TraceTemplate;
  readonly metrics: readonly MetricTemplate[];
  readonly logs: readonly LogTemplate[];
}

export interface ServiceDefinition {
  readonly name: string;
  readonly type: string;
  readonly downstream: readonly string[];
  /** Instances sharing the load, each with its own instance id, host and metric streams. */
  readonly replicas: number;
  /** Calls to downstream services run at the same time instead of one after another. */
  readonly parallel: boolean;
  /** A failed synchronous call is retried up to this many times. */
  readonly retries: number;
  readonly version?: string;
  readonly attributes: readonly UserAttribute[];
  readonly resourceAttributes: readonly UserAttribute[];
}

/** Where the imaginary system runs: resource attributes every service shares. */
export interface Deployment {
  readonly environment: string;
  readonly namespace?: string;
  readonly kubernetes: boolean;
  readonly cloud?: "aws" | "gcp" | "azure";
  readonly region?: string;
}

/** `workload.arrivals`. */
export type Arrivals = "poisson" | "uniform";

/** A validated configuration with every default applied and every string format parsed. */
export interface Config {
  readonly seed: string;
  readonly templates: ReadonlyMap<string, ServiceTemplate>;
  readonly services: readonly ServiceDefinition[];
  readonly workload: {
    /** The mean rate over the run (the shape's; the seed's `rate` when there is no shape). */
    readonly ratePerSecond: number;
    readonly durationSeconds: number;
    /** How the rate changes over the run; `constant` at `rate` unless `workload.shape` says otherwise. */
    readonly shape: LoadShape;
    /** How request start times are spread: a Poisson process (absent: the default) or an even grid. */
    readonly arrivals?: Arrivals;
    /** `--duration inf`: the run goes on until it is stopped (`durationSeconds` is then the longest run). */
    readonly endless?: boolean;
    /** `--requests N`: the run stops after its first N requests, or at its end if that comes first. */
    readonly maxRequests?: number;
  };
  /** From OTEL_RESOURCE_ATTRIBUTES: on every service's resource, under the template's and service's own. */
  readonly resourceAttributes?: readonly UserAttribute[];
  readonly output: {
    readonly endpoint: Endpoint;
    readonly batchSize: number;
    readonly temporality: "cumulative" | "delta";
    /** Export requests stay under this size, the receiver's message limit. */
    readonly maxMessageBytes: number;
    /** Export calls in flight at most. */
    readonly concurrency: number;
    /** The OTLP transport, named as the OTLP SDKs name it (OTEL_EXPORTER_OTLP_PROTOCOL). */
    readonly protocol: OtlpProtocol;
    readonly compression: "gzip" | "none";
    /** Sent with every export call; may hold secrets, so never printed. */
    readonly headers: Readonly<Record<string, string>>;
    /** Timeout of one export call; `--timeout` overrides it. */
    readonly timeoutMs: number;
    /** TLS of the OTLP exporters (`output.tls`); absent: the system's certificates for `https://` endpoints. */
    readonly tls?: TlsFiles;
  };
  readonly plugins: readonly string[];
  readonly deployment: Deployment;
  /** Emit the semantic-convention duration histograms of each span kind (http.server.request.duration...). */
  readonly semconvMetrics: boolean;
  /** Time windows that change the system's behaviour (`scenarios:`), in file order. */
  readonly scenarios: readonly Scenario[];
}

/** `output.tls`: PEM files (absolute, or relative to the working directory) and the explicit insecure option. */
export interface TlsFiles {
  /** CA certificate(s) that verify the receiver, instead of the system's. */
  readonly caFile?: string;
  /** Client certificate and key, for mutual TLS. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Do not verify the receiver's certificate. */
  readonly insecure?: boolean;
}

/** OTLP over gRPC, or over HTTP/1.1 with a protobuf or JSON body. */
export type OtlpProtocol = "grpc" | "http/protobuf" | "http/json";

/** The seed's defaults. */
export const DEFAULTS = {
  errorRate: 0,
  baseDurationMs: 50,
  unit: "",
  severity: "info",
  batchSize: 100,
  errorPropagation: 1,
  environment: "production",
  temporality: "cumulative",
  maxMessageBytes: 4 * 1024 * 1024,
  concurrency: 4,
  protocol: "grpc",
  compression: "none",
  timeoutMs: 10_000,
  semconv: "latest",
  exceptions: "events",
} as const;
