import { type } from "arktype";

// The seed's schema, field for field, plus our optional additions. Names a plugin may add (span kinds,
// metric types, placeholders) are checked against the registry afterwards, not here.

const nonEmptyString = type("string > 0");
const nonEmptyList = nonEmptyString.array().atLeastLength(1);

export const severities = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

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

export const traceTemplateSchema = type({
  "+": "reject",
  span_kind: nonEmptyString,
  operations: nonEmptyList,
  "error_rate?": "0 <= number <= 1",
  "base_duration_ms?": "number.integer > 0",
  "latency?": latencySchema,
  "error_propagation?": "0 <= number <= 1",
  "calls?": type.Record("string > 0", nonEmptyString.array()),
});

/** User attributes: values are text (with placeholders), numbers or booleans. */
const attributesSchema = type.Record("string > 0", "string | number | boolean");

export const languages = ["java", "go", "python", "nodejs", "dotnet", "ruby", "php", "rust", "cpp"] as const;

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

export const workloadSchema = type({ "+": "reject", rate: "string", duration: "string" });

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
});

export type RawConfig = typeof configSchema.infer;

/**
 * The keys an object at `path` may have, for "did you mean" hints. Template names and list indices
 * are free; the rest of the path names the object's type.
 */
export function declaredKeys(path: readonly (string | number)[]): string[] {
  const shape = path.map((
    segment,
    i,
  ) => (typeof segment === "number" || (i === 1 && path[0] === "templates") ? "*" : segment));
  const schema = {
    "": configSchema,
    "templates.*": serviceTemplateSchema,
    "templates.*.traces": traceTemplateSchema,
    "templates.*.traces.latency": latencySchema,
    deployment: deploymentSchema,
    "templates.*.metrics.*": metricTemplateSchema,
    "templates.*.logs.*": logTemplateSchema,
    "services.*": serviceSchema,
    workload: workloadSchema,
    output: outputSchema,
    "output.tls": tlsSchema,
  }[shape.join(".")];
  return schema?.props.map((prop) => String(prop.key)) ?? [];
}
