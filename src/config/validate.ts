import { dirname, resolve } from "node:path";
import { configError, type Problem } from "../plugin-host/errors.ts";
import { findCycles } from "./graph.ts";
import { headerNameProblem, headerValueProblem } from "./headers.ts";
import { Registry } from "../plugin-host/registry.ts";
import { didYouMean } from "../plugin-host/suggest.ts";
import { compileText } from "./text-template.ts";
import {
  type Config,
  DEFAULTS,
  type LatencyPercentiles,
  type ServiceDefinition,
  type ServiceTemplate,
  type Severity,
  type TlsFiles,
  type UserAttribute,
} from "./config.ts";
import type { RawConfig } from "./schema.ts";
import type { ShapeCheck } from "./check-shape.ts";
import { parseLatencyPercentiles } from "./latency-percentiles.ts";
import { defaultOtlpPort, parseDuration, parseEndpoint } from "./units.ts";
import { asArray, checkFormat, isRecord } from "./raw-values.ts";
import { checkScenarios } from "./validate-scenarios.ts";
import { checkWorkload } from "./validate-workload.ts";
import { formatPath, type PathSegment, type YamlSource } from "./yaml-source.ts";
import type { RenderPieces, RenderText } from "./text-template.ts";

type Report = (path: readonly PathSegment[], message: string, at?: "key" | "value") => void;

/**
 * Checks everything about a parsed config in one pass and returns it resolved, or throws
 * CONFIG_INVALID with every problem found. Shape and semantic checks both run on the raw data, so a
 * config with a typo and a cycle reports both. Without `shape` the text is taken as one that passed the shape
 * check already (a `--workers` worker runs the text its parent checked), and only the rest is checked.
 */
export function validateConfig(source: YamlSource, registry: Registry, file?: string, shape?: ShapeCheck): Config {
  const problems: Problem[] = [];
  const report: Report = (path, message, at) => problems.push(source.problem(path, message, at));
  shape?.check(source.data, report);
  const data = source.data as Partial<Record<keyof RawConfig, unknown>>;
  const compiled: Compiled = { texts: new Map(), latencies: new Map() };
  checkTemplates(data.templates, registry, report, compiled);
  checkServices(data.services, data.templates, report);
  checkCalls(data.templates, data.services, report);
  asArray(data.services).forEach((service, i) => {
    if (!isRecord(service)) return;
    for (const field of ["attributes", "resource_attributes"]) {
      compileAttributes(service[field], ["services", i, field], registry, report, compiled);
    }
  });
  const workload = checkWorkload(data.workload, report);
  const scenarios = checkScenarios(data, workload?.durationSeconds, report, shape?.scenarioAllowed);
  const output = isRecord(data.output) ? data.output : {};
  const endpoint = checkFormat(
    ["output", "endpoint"],
    output.endpoint,
    (text) => parseEndpoint(text, defaultOtlpPort(output.protocol)),
    report,
  );
  const timeoutSeconds = checkFormat(["output", "timeout"], output.timeout, parseDuration, report);
  checkHeaders(output.headers, report);
  checkTls(output.tls, report);
  if (problems.length > 0) throw configError(sortByPosition(problems), file);

  const raw = source.data as RawConfig;
  const attributes = (record: Record<string, string | number | boolean> | undefined, path: PathSegment[]) =>
    resolveAttributes(record, path, compiled);
  return {
    seed: String(raw.seed),
    templates: new Map(
      Object.entries(raw.templates).map(([name, t]) => [name, resolveTemplate(name, t, compiled)]),
    ),
    services: raw.services.map((s, i): ServiceDefinition => ({
      name: s.name,
      type: s.type,
      downstream: s.downstream ?? [],
      replicas: s.replicas ?? 1,
      parallel: s.parallel ?? false,
      retries: s.retries ?? 0,
      ...(s.version !== undefined && { version: s.version }),
      attributes: attributes(s.attributes, ["services", i, "attributes"]),
      resourceAttributes: attributes(s.resource_attributes, ["services", i, "resource_attributes"]),
    })),
    workload: workload!,
    output: {
      endpoint: endpoint!,
      batchSize: raw.output.batch_size ?? DEFAULTS.batchSize,
      temporality: raw.output.temporality ?? DEFAULTS.temporality,
      maxMessageBytes: raw.output.max_message_bytes ?? DEFAULTS.maxMessageBytes,
      concurrency: raw.output.concurrency ?? DEFAULTS.concurrency,
      protocol: raw.output.protocol ?? DEFAULTS.protocol,
      compression: raw.output.compression ?? DEFAULTS.compression,
      headers: Object.fromEntries(
        Object.entries(raw.output.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      ),
      timeoutMs: timeoutSeconds === undefined ? DEFAULTS.timeoutMs : timeoutSeconds * 1000,
      ...(raw.output.tls && { tls: resolveTls(raw.output.tls, file) }),
    },
    plugins: raw.plugins ?? [],
    deployment: {
      environment: raw.deployment?.environment ?? DEFAULTS.environment,
      kubernetes: raw.deployment?.kubernetes ?? false,
      ...(raw.deployment?.namespace !== undefined && { namespace: raw.deployment.namespace }),
      ...(raw.deployment?.cloud !== undefined && { cloud: raw.deployment.cloud }),
      ...(raw.deployment?.region !== undefined && { region: raw.deployment.region }),
    },
    semconvMetrics: raw.semconv_metrics ?? true,
    scenarios: scenarios!,
  };
}

/** A client certificate needs its key, and the other way round. */
function checkTls(tls: unknown, report: Report): void {
  if (!isRecord(tls)) return; // absent, or the shape check has reported it
  if (typeof tls.cert_file === "string" && tls.key_file === undefined) {
    report(["output", "tls", "cert_file"], "a client certificate needs its key: add key_file");
  } else if (typeof tls.key_file === "string" && tls.cert_file === undefined) {
    report(["output", "tls", "key_file"], "a client key needs its certificate: add cert_file");
  }
}

/** `output.tls` with its paths relative to the config file's folder (to the working directory without a file). */
function resolveTls(tls: NonNullable<RawConfig["output"]["tls"]>, file: string | undefined): TlsFiles {
  const path = (p: string) => (file === undefined ? p : resolve(dirname(file), p));
  return {
    ...(tls.ca_file !== undefined && { caFile: path(tls.ca_file) }),
    ...(tls.cert_file !== undefined && { certFile: path(tls.cert_file) }),
    ...(tls.key_file !== undefined && { keyFile: path(tls.key_file) }),
    ...(tls.insecure !== undefined && { insecure: tls.insecure }),
  };
}

/** What the checks compiled on the way, keyed by config path, so resolution does not compile twice. */
interface Compiled {
  readonly texts: Map<
    string,
    { readonly render: RenderText; readonly pieces: RenderPieces; readonly hasPlaceholders: boolean }
  >;
  readonly latencies: Map<string, LatencyPercentiles>;
}

function checkTemplates(templates: unknown, registry: Registry, report: Report, compiled: Compiled): void {
  if (!isRecord(templates)) return;
  for (const [name, template] of Object.entries(templates)) {
    if (!isRecord(template)) continue;
    for (const field of ["attributes", "resource_attributes"]) {
      compileAttributes(template[field], ["templates", name, field], registry, report, compiled);
    }
    if (isRecord(template.traces) && isRecord(template.traces.latency)) {
      checkLatency(template.traces.latency, ["templates", name, "traces", "latency"], report, compiled);
    }
    const spanKind = isRecord(template.traces) ? template.traces.span_kind : undefined;
    if (typeof spanKind === "string" && !registry.spanKinds.has(spanKind)) {
      report(
        ["templates", name, "traces", "span_kind"],
        Registry.unknown("span kind", spanKind, registry.spanKinds.keys()),
      );
    }
    const metricNames = new Map<string, number>();
    asArray(template.metrics).forEach((metric, i) => {
      if (!isRecord(metric)) return;
      if (typeof metric.type === "string" && !registry.metricTypes.has(metric.type)) {
        report(
          ["templates", name, "metrics", i, "type"],
          Registry.unknown("metric type", metric.type, registry.metricTypes.keys()),
        );
      }
      if (typeof metric.name !== "string") return;
      const first = metricNames.get(metric.name);
      if (first !== undefined) {
        report(
          ["templates", name, "metrics", i, "name"],
          `metric "${metric.name}" is already defined at metrics[${first}]`,
        );
      } else metricNames.set(metric.name, i);
    });
    asArray(template.logs).forEach((log, i) => {
      asArray(isRecord(log) ? log.patterns : undefined).forEach((pattern, j) => {
        if (typeof pattern === "string") {
          compileAt(pattern, ["templates", name, "logs", i, "patterns", j], registry, report, compiled);
        }
      });
    });
  }
}

/** Compiles a text with placeholders, reporting its problems at `path`, and remembers it by path. */
function compileAt(text: string, path: PathSegment[], registry: Registry, report: Report, compiled: Compiled): void {
  const { render, pieces, problems, hasPlaceholders } = compileText(text, registry.placeholders);
  for (const problem of problems) report(path, problem);
  compiled.texts.set(formatPath(path), { render, pieces, hasPlaceholders });
}

function compileAttributes(
  record: unknown,
  path: PathSegment[],
  registry: Registry,
  report: Report,
  compiled: Compiled,
): void {
  if (!isRecord(record)) return;
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === "string") compileAt(value, [...path, key], registry, report, compiled);
  }
}

/** Percentiles are kept in microseconds, by the path of their `latency` block. */
function checkLatency(latency: Record<string, unknown>, path: PathSegment[], report: Report, compiled: Compiled): void {
  compiled.latencies.set(formatPath(path), parseLatencyPercentiles(latency, path, report));
}

function checkServices(services: unknown, templates: unknown, report: Report): void {
  const list = asArray(services);
  const templateNames = isRecord(templates) ? Object.keys(templates) : [];
  const firstIndex = new Map<string, number>();
  list.forEach((service, i) => {
    if (!isRecord(service) || typeof service.name !== "string") return;
    const first = firstIndex.get(service.name);
    if (first === undefined) firstIndex.set(service.name, i);
    else {report(
        ["services", i, "name"],
        `duplicate service name "${service.name}" (first defined at services[${first}])`,
      );}
  });
  const serviceNames = [...firstIndex.keys()];
  const edges = new Map<string, string[]>();
  const edgeIndex = new Map<string, [number, number]>();
  list.forEach((service, i) => {
    if (!isRecord(service)) return;
    if (typeof service.type === "string" && isRecord(templates) && !(service.type in templates)) {
      report(
        ["services", i, "type"],
        `unknown template "${service.type}".${
          didYouMean(service.type, templateNames) || ` Templates: ${templateNames.join(", ")}.`
        }`,
      );
    }
    const name = typeof service.name === "string" ? service.name : undefined;
    asArray(service.downstream).forEach((callee, j) => {
      if (typeof callee !== "string") return;
      if (!firstIndex.has(callee)) {
        report(
          ["services", i, "downstream", j],
          `unknown service "${callee}".${didYouMean(callee, serviceNames) || ` Services: ${serviceNames.join(", ")}.`}`,
        );
      } else if (name !== undefined && firstIndex.get(name) === i) {
        edges.set(name, [...(edges.get(name) ?? []), callee]);
        if (!edgeIndex.has(`${name}\u0000${callee}`)) edgeIndex.set(`${name}\u0000${callee}`, [i, j]);
      }
    });
  });
  for (const cycle of findCycles(edges)) {
    const [i, j] = edgeIndex.get(`${cycle.at(-2)}\u0000${cycle.at(-1)}`)!;
    report(
      ["services", i, "downstream", j],
      `circular dependency: ${cycle.join(" -> ")}; the service graph must be acyclic`,
    );
  }
  const called = new Set([...edges.values()].flat());
  if (serviceNames.length > 0 && serviceNames.every((name) => called.has(name))) {
    report(["services"], "no entry point: every service is called by another; at least one must have no callers");
  }
}

/** Header names and values a transport would refuse at the first export are reported here instead. */
function checkHeaders(headers: unknown, report: Report): void {
  if (!isRecord(headers)) return; // absent, or the shape check has reported it
  for (const [name, value] of Object.entries(headers)) {
    const path = ["output", "headers", name];
    const nameProblem = headerNameProblem(name);
    const valueProblem = typeof value === "string" ? headerValueProblem(name, value) : undefined;
    if (nameProblem) report(path, nameProblem, "key");
    else if (valueProblem) report(path, valueProblem);
  }
}

/**
 * `traces.calls`: each key one of the template's operations, each entry a service or an operation of
 * some template, so a typo is caught before the run rather than silently calling nothing.
 */
function checkCalls(templates: unknown, services: unknown, report: Report): void {
  if (!isRecord(templates)) return;
  const serviceNames = asArray(services).flatMap((s) => (isRecord(s) && typeof s.name === "string" ? [s.name] : []));
  const allOperations = Object.values(templates).flatMap((t) =>
    isRecord(t) && isRecord(t.traces) ? asArray(t.traces.operations).filter((o) => typeof o === "string") : []
  ) as string[];
  const targets = [...serviceNames, ...allOperations];
  for (const [name, template] of Object.entries(templates)) {
    if (!isRecord(template) || !isRecord(template.traces) || !isRecord(template.traces.calls)) continue;
    const operations = asArray(template.traces.operations).filter((o) => typeof o === "string") as string[];
    for (const [operation, list] of Object.entries(template.traces.calls)) {
      const path = ["templates", name, "traces", "calls", operation];
      if (!operations.includes(operation)) {
        report(
          path,
          `"${operation}" is not an operation of this template.${
            didYouMean(operation, operations) || ` Operations: ${operations.join(", ")}.`
          }`,
          "key",
        );
      }
      asArray(list).forEach((target, i) => {
        if (typeof target !== "string" || targets.includes(target)) return;
        report(
          [...path, i],
          `unknown call "${target}": name a downstream service or one of its operations.${didYouMean(target, targets)}`,
        );
      });
    }
  }
}

function resolveTemplate(name: string, raw: RawConfig["templates"][string], compiled: Compiled): ServiceTemplate {
  const path = ["templates", name];
  const latency = compiled.latencies.get(formatPath([...path, "traces", "latency"]));
  return {
    name,
    ...(raw.language !== undefined && { language: raw.language }),
    ...(raw.version !== undefined && { version: raw.version }),
    semconv: raw.semconv ?? DEFAULTS.semconv,
    exceptions: raw.exceptions ?? DEFAULTS.exceptions,
    attributes: resolveAttributes(raw.attributes, [...path, "attributes"], compiled),
    resourceAttributes: resolveAttributes(raw.resource_attributes, [...path, "resource_attributes"], compiled),
    ...(raw.traces && {
      traces: {
        spanKind: raw.traces.span_kind,
        operations: raw.traces.operations,
        errorRate: raw.traces.error_rate ?? DEFAULTS.errorRate,
        baseDurationMs: raw.traces.base_duration_ms ?? DEFAULTS.baseDurationMs,
        ...(latency && { latency }),
        errorPropagation: raw.traces.error_propagation ?? DEFAULTS.errorPropagation,
        ...(raw.traces.rpc && { rpc: raw.traces.rpc }),
        ...(raw.traces.calls && { calls: new Map(Object.entries(raw.traces.calls)) }),
      },
    }),
    metrics: (raw.metrics ?? []).map((m) => ({ name: m.name, type: m.type, unit: m.unit ?? DEFAULTS.unit })),
    logs: (raw.logs ?? []).map((log, i) => ({
      patterns: log.patterns,
      pieces: log.patterns.map((_, j) => compiled.texts.get(formatPath([...path, "logs", i, "patterns", j]))!.pieces),
      severity: (log.severity ?? DEFAULTS.severity) as Severity,
    })),
  };
}

function resolveAttributes(
  record: Record<string, string | number | boolean> | undefined,
  path: PathSegment[],
  compiled: Compiled,
): UserAttribute[] {
  return Object.entries(record ?? {}).map(([key, value]) => {
    const text = typeof value === "string" ? compiled.texts.get(formatPath([...path, key])) : undefined;
    // A text without placeholders stays a constant, so its attribute is built once, not per span.
    return text?.hasPlaceholders ? { key, value, render: text.render } : { key, value };
  });
}

function sortByPosition(problems: Problem[]): Problem[] {
  return problems
    .map((problem, order) => ({ problem, order }))
    .sort((a, b) =>
      (a.problem.line ?? 0) - (b.problem.line ?? 0) || (a.problem.column ?? 0) - (b.problem.column ?? 0) ||
      a.order - b.order
    )
    .map(({ problem }) => problem);
}
