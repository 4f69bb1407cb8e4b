import "./arktype-config.ts";
import { type } from "arktype";

// The seed's schema, field for field, plus our optional additions. Names a plugin may add (span kinds,
// metric types, placeholders) are checked against the registry afterwards, not here.

const nonEmptyString = type("string > 0");
const nonEmptyList = nonEmptyString.array().atLeastLength(1);

export const severities = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

/** A log severity of the seed's schema. */
export type Severity = (typeof severities)[number];

/** `40ms`, `1.5s`, `900us`, or a number of milliseconds. */
const latencyValue = type("string | number > 0");

export const latencySchema = type({
  "+": "reject",
  p50: latencyValue,
  "p90?": latencyValue,
  "p95?": latencyValue,
  "p99?": latencyValue,
  "p999?": latencyValue,
});

/** `rpc.system.name` values of the conventions; a bare method name is a call of this system. */
export const rpcSystems = ["grpc", "connectrpc", "dubbo", "jsonrpc"] as const;

export const rpcSchema = type({
  "+": "reject",
  "system?": type.enumerated(...rpcSystems),
  /** Fully qualified service, e.g. `oteldemo.CartService`. */
  "service?": nonEmptyString,
});

export const traceTemplateSchema = type({
  "+": "reject",
  span_kind: nonEmptyString,
  operations: nonEmptyList,
  "error_rate?": "0 <= number <= 1",
  // An hour at most: a span longer than that is a mistake, and would hold a paced run's telemetry back.
  "base_duration_ms?": "0 < number.integer <= 3600000",
  "latency?": latencySchema,
  "error_propagation?": "0 <= number <= 1",
  "rpc?": rpcSchema,
  "calls?": type.Record("string > 0", nonEmptyString.array()),
});

/** User attributes: values are text (with placeholders), numbers or booleans. */
const attributesSchema = type.Record("string > 0", "string | number | boolean");

export const languages = ["java", "go", "python", "nodejs", "dotnet", "ruby", "php", "rust", "cpp"] as const;

/** Semantic-convention eras a service's instrumentation may follow (see SemconvEra). */
export const semconvEras = ["latest", "v1.24", "dup"] as const;

/** Where a service records exceptions: span events (what deployed SDKs do), log records, or both. */
export const exceptionSinks = ["events", "logs", "both"] as const;

export const metricTemplateSchema = type({
  "+": "reject",
  name: nonEmptyString,
  type: nonEmptyString,
  "unit?": "string",
});

export const logTemplateSchema = type({
  "+": "reject",
  patterns: nonEmptyList,
  "severity?": type.enumerated(...severities),
});

export const serviceTemplateSchema = type({
  "+": "reject",
  "traces?": traceTemplateSchema,
  "metrics?": metricTemplateSchema.array(),
  "logs?": logTemplateSchema.array(),
  "language?": type.enumerated(...languages),
  "version?": nonEmptyString,
  "attributes?": attributesSchema,
  "resource_attributes?": attributesSchema,
  "semconv?": type.enumerated(...semconvEras),
  "exceptions?": type.enumerated(...exceptionSinks),
});

export const serviceSchema = type({
  "+": "reject",
  name: nonEmptyString,
  type: nonEmptyString,
  "downstream?": nonEmptyString.array(),
  "replicas?": "number.integer >= 1",
  "parallel?": "boolean",
  "retries?": "0 <= number.integer <= 10",
  "version?": nonEmptyString,
  "attributes?": attributesSchema,
  "resource_attributes?": attributesSchema,
});

export const deploymentSchema = type({
  "+": "reject",
  "environment?": nonEmptyString,
  "namespace?": nonEmptyString,
  "kubernetes?": "boolean",
  "cloud?": "'aws' | 'gcp' | 'azure'",
  "region?": nonEmptyString,
});

export const workloadSchema = type({
  "+": "reject",
  // The seed requires a rate; with a shape (checked field by field after the schema) it may go.
  "rate?": "string",
  duration: "string",
  "shape?": "object",
  "arrivals?": "'poisson' | 'uniform'",
});

export const tlsSchema = type({
  "+": "reject",
  "ca_file?": nonEmptyString,
  "cert_file?": nonEmptyString,
  "key_file?": nonEmptyString,
  "insecure?": "boolean",
});

export const outputSchema = type({
  "+": "reject",
  endpoint: "string",
  "batch_size?": "number.integer > 0",
  "temporality?": "'cumulative' | 'delta'",
  "max_message_bytes?": "number.integer >= 65536",
  "concurrency?": "1 <= number.integer <= 64",
  "protocol?": "'grpc' | 'http/protobuf' | 'http/json'",
  "compression?": "'gzip' | 'none'",
  "headers?": type.Record("string", "string"),
  "timeout?": "string",
  "tls?": tlsSchema,
});

const fraction = "0 <= number <= 1";

/** A scenario's target: a service by name, or every service of a template, optionally one operation. */
export const scenarioTargetSchema = type({
  "+": "reject",
  "service?": nonEmptyString,
  "template?": nonEmptyString,
  "operation?": nonEmptyString,
});

const latencyEffectSchema = type({
  "+": "reject",
  "multiply?": "number > 0",
  "add?": latencyValue,
  "p50?": latencyValue,
  "p90?": latencyValue,
  "p95?": latencyValue,
  "p99?": latencyValue,
  "p999?": latencyValue,
});

const errorsEffectSchema = type({
  "+": "reject",
  rate: fraction,
  "cause?": "'timeout' | 'refused' | 'internal' | 'unavailable'",
  "message?": nonEmptyString,
});

const trafficEffectSchema = type({ "+": "reject", multiply: "number >= 0", "entry?": nonEmptyString });

const logsEffectSchema = type({
  "+": "reject",
  body: nonEmptyString,
  "severity?": type.enumerated(...severities),
  "rate?": "string",
});

const deployEffectSchema = type({
  "+": "reject",
  "version?": nonEmptyString,
  "rollback?": "boolean",
  "errors?": errorsEffectSchema,
  "latency?": latencyEffectSchema,
});

const saturationEffectSchema = type({ "+": "reject", level: "0 < number < 1" });

const targetSchema = type(nonEmptyString, "|", scenarioTargetSchema);

export const scenarioSchema = type({
  "+": "reject",
  name: nonEmptyString,
  at: "string",
  duration: "string",
  "every?": "string",
  "ramp?": "string",
  "priority?": "number.integer",
  "target?": targetSchema.or(targetSchema.array()),
  "latency?": latencyEffectSchema,
  "errors?": errorsEffectSchema,
  "timeout?": "boolean",
  "traffic?": trafficEffectSchema,
  "logs?": logsEffectSchema,
  "deploy?": deployEffectSchema,
  "saturation?": saturationEffectSchema,
});

export const configSchema = type({
  "+": "reject",
  seed: "string | number",
  templates: type.Record("string", serviceTemplateSchema),
  services: serviceSchema.array().atLeastLength(1),
  workload: workloadSchema,
  output: outputSchema,
  "plugins?": nonEmptyString.array(),
  "deployment?": deploymentSchema,
  "semconv_metrics?": "boolean",
  "scenarios?": scenarioSchema.array(),
});

export type RawConfig = typeof configSchema.infer;

/** Mappings of free keys (template names, attributes, headers, calls), by the shape of their path. */
const FREE_MAPPINGS: ReadonlySet<string> = new Set([
  "templates",
  "templates.*.attributes",
  "templates.*.resource_attributes",
  "templates.*.traces.calls",
  "services.*.attributes",
  "services.*.resource_attributes",
  "output.headers",
]);

/** Whether the value at `path` must be a mapping (arktype, to which a list is an object, cannot tell). */
export function expectsMapping(path: readonly (string | number)[]): boolean {
  return FREE_MAPPINGS.has(pathShape(path)) || declaredKeys(path).length > 0;
}

function pathShape(path: readonly (string | number)[]): string {
  return path.map((segment, i) => typeof segment === "number" || (i === 1 && path[0] === "templates") ? "*" : segment)
    .join(".");
}

/**
 * The keys an object at `path` may have, for "did you mean" hints. Template names and list indices
 * are free; the rest of the path names the object's type.
 */
export function declaredKeys(path: readonly (string | number)[]): string[] {
  const schema = {
    "": configSchema,
    "templates.*": serviceTemplateSchema,
    "templates.*.traces": traceTemplateSchema,
    "templates.*.traces.latency": latencySchema,
    "templates.*.traces.rpc": rpcSchema,
    deployment: deploymentSchema,
    "templates.*.metrics.*": metricTemplateSchema,
    "templates.*.logs.*": logTemplateSchema,
    "services.*": serviceSchema,
    workload: workloadSchema,
    output: outputSchema,
    "output.tls": tlsSchema,
    "scenarios.*": scenarioSchema,
    "scenarios.*.target": scenarioTargetSchema,
    "scenarios.*.target.*": scenarioTargetSchema,
    "scenarios.*.latency": latencyEffectSchema,
    "scenarios.*.errors": errorsEffectSchema,
    "scenarios.*.traffic": trafficEffectSchema,
    "scenarios.*.logs": logsEffectSchema,
    "scenarios.*.deploy": deployEffectSchema,
    "scenarios.*.deploy.errors": errorsEffectSchema,
    "scenarios.*.deploy.latency": latencyEffectSchema,
    "scenarios.*.saturation": saturationEffectSchema,
  }[pathShape(path)];
  return schema?.props.map((prop) => String(prop.key)) ?? [];
}
