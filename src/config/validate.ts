import { type } from "arktype";
import { configError, type Problem } from "../errors.ts";
import { findCycles } from "../graph.ts";
import { Registry } from "../registry.ts";
import { didYouMean } from "../suggest.ts";
import { compileText } from "../text-template.ts";
import {
  type Config,
  DEFAULTS,
  type LogTemplate,
  type ServiceDefinition,
  type ServiceTemplate,
  type Severity,
} from "./config.ts";
import { configSchema, declaredKeys, type RawConfig } from "./schema.ts";
import { parseDuration, parseEndpoint, parseRate } from "./units.ts";
import type { PathSegment, YamlSource } from "./yaml-source.ts";

type Report = (path: readonly PathSegment[], message: string, at?: "key" | "value") => void;

/**
 * Checks everything about a parsed config in one pass and returns it resolved, or throws
 * CONFIG_INVALID with every problem found. Shape and semantic checks both run on the raw data, so a
 * config with a typo and a cycle reports both.
 */
export function validateConfig(source: YamlSource, registry: Registry, file?: string): Config {
  const problems: Problem[] = [];
  const report: Report = (path, message, at) => problems.push(source.problem(path, message, at));
  checkShape(source.data, report);
  const data = source.data as Partial<Record<keyof RawConfig, unknown>>;
  const logRenderers = checkTemplates(data.templates, registry, report);
  checkServices(data.services, data.templates, report);
  const ratePerSecond = checkFormat(
    ["workload", "rate"],
    (data.workload as Record<string, unknown>)?.rate,
    parseRate,
    report,
  );
  const durationSeconds = checkFormat(
    ["workload", "duration"],
    (data.workload as Record<string, unknown>)?.duration,
    parseDuration,
    report,
  );
  const endpoint = checkFormat(
    ["output", "endpoint"],
    (data.output as Record<string, unknown>)?.endpoint,
    parseEndpoint,
    report,
  );
  if (problems.length > 0) throw configError(sortByPosition(problems), file);

  const raw = source.data as RawConfig;
  return {
    seed: String(raw.seed),
    templates: new Map(
      Object.entries(raw.templates).map(([name, t]) => [name, resolveTemplate(name, t, logRenderers)]),
    ),
    services: raw.services.map((s): ServiceDefinition => ({
      name: s.name,
      type: s.type,
      downstream: s.downstream ?? [],
    })),
    workload: { ratePerSecond: ratePerSecond!, durationSeconds: durationSeconds! },
    output: { endpoint: endpoint!, batchSize: raw.output.batch_size ?? DEFAULTS.batchSize },
    plugins: raw.plugins ?? [],
  };
}

function checkShape(data: unknown, report: Report): void {
  if (!isRecord(data)) return report([], `must be a mapping (was ${describe(data)})`);
  const result = configSchema(data);
  if (!(result instanceof type.errors)) return;
  const unknownKeyHints = new Set<string>();
  const missing: { path: PathSegment[]; message: string }[] = [];
  for (const error of result) {
    const path = [...error.path] as PathSegment[];
    if (error.code === "predicate" && error.expected === "removed") {
      // arktype sees a list where a mapping belongs as an object with keys "0", "1", ...
      const parent = valueAt(data, path.slice(0, -1));
      if (Array.isArray(parent)) {
        if (path.at(-1) === "0") report(path.slice(0, -1), "must be a mapping (was a list)");
        continue;
      }
      const key = String(path.at(-1));
      const known = declaredKeys(path.slice(0, -1));
      const hint = didYouMean(key, known);
      if (hint) unknownKeyHints.add([...path.slice(0, -1), hintedKey(hint)].join("\u0000"));
      report(
        path,
        `unknown key "${key}".${hint || (known.length > 0 ? ` Known keys: ${known.join(", ")}.` : "")}`,
        "key",
      );
    } else if (error.code === "required") missing.push({ path, message: error.problem });
    else report(path, error.problem);
  }
  // A misspelt key is one mistake: its "did you mean" already names the missing key.
  for (const { path, message } of missing) {
    if (!unknownKeyHints.has(path.join("\u0000"))) report(path, message);
  }
}

function hintedKey(hint: string): string {
  return /"([^"]+)"/.exec(hint)?.[1] ?? "";
}

function checkTemplates(templates: unknown, registry: Registry, report: Report): Map<string, LogTemplate["render"][]> {
  const renderers = new Map<string, LogTemplate["render"][]>();
  if (!isRecord(templates)) return renderers;
  for (const [name, template] of Object.entries(templates)) {
    if (!isRecord(template)) continue;
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
    renderers.set(
      name,
      asArray(template.logs).map((log, i) =>
        asArray(isRecord(log) ? log.patterns : undefined).map((pattern, j) => {
          if (typeof pattern !== "string") return () => "";
          const { render, problems } = compileText(pattern, registry.placeholders);
          for (const problem of problems) report(["templates", name, "logs", i, "patterns", j], problem);
          return render;
        })
      ),
    );
  }
  return renderers;
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

function checkFormat<T>(
  path: PathSegment[],
  value: unknown,
  parse: (text: string) => { ok: true; value: T } | { ok: false; message: string },
  report: Report,
): T | undefined {
  if (typeof value !== "string") return undefined; // the shape check has reported it
  const parsed = parse(value);
  if (parsed.ok) return parsed.value;
  report(path, parsed.message);
  return undefined;
}

function resolveTemplate(
  name: string,
  raw: RawConfig["templates"][string],
  logRenderers: Map<string, LogTemplate["render"][]>,
): ServiceTemplate {
  const renderers = logRenderers.get(name) ?? [];
  return {
    name,
    ...(raw.traces && {
      traces: {
        spanKind: raw.traces.span_kind,
        operations: raw.traces.operations,
        errorRate: raw.traces.error_rate ?? DEFAULTS.errorRate,
        baseDurationMs: raw.traces.base_duration_ms ?? DEFAULTS.baseDurationMs,
      },
    }),
    metrics: (raw.metrics ?? []).map((m) => ({ name: m.name, type: m.type, unit: m.unit ?? DEFAULTS.unit })),
    logs: (raw.logs ?? []).map((log, i) => ({
      patterns: log.patterns,
      render: renderers[i]!,
      severity: (log.severity ?? DEFAULTS.severity) as Severity,
    })),
  };
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

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  return path.reduce<unknown>((value, segment) => (value as Record<PathSegment, unknown> | undefined)?.[segment], data);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  return value === null ? "empty" : `a ${typeof value}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
