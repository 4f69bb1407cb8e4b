import packageJson from "../../package.json" with { type: "json" };
import {
  type Config,
  type MetricTemplate,
  type Severity,
  SEVERITY_NUMBER,
  type UserAttribute,
} from "../config/config.ts";
import type { ServiceNode } from "../config/graph.ts";
import type { LoadedConfig } from "../config/load-config.ts";
import { durationBounds, microsecondsPer } from "./metrics/duration-unit.ts";
import type { Access, CallShape, MetricModel, OperationModel } from "../plugin-host/plugin.ts";
import { guessAccess } from "./access.ts";
import type { Random } from "../plugin-host/random.ts";
import { hashSeed, namedRandom } from "./seed.ts";
import { attribute } from "../telemetry/attribute.ts";
import type { KeyValue, ResourceRecord, ScopeRecord } from "../telemetry/records.ts";
import type { RenderText } from "../config/text-template.ts";
import { type DurationModel, percentileDuration, uniformDuration } from "./latency.ts";
import { compileOperation } from "./operation.ts";
import { logIdentity } from "./log-identity.ts";
import { COMMON_LANGUAGES, instanceResource } from "./resource.ts";

/** A semantic-convention duration histogram a span feeds: its name and the attribute keys it keeps. */
export interface SemconvMetric {
  readonly name: string;
  readonly keys: ReadonlySet<string>;
}

export interface OperationPlan {
  readonly model: OperationModel;
  /** The operation as the template writes it. */
  readonly operation: string;
  /** Whether it reads or writes: the plugin's word, else its verb's; undefined when neither says. */
  readonly access?: Access;
  /** How long a caller waits for it (and a timeout without a stated number lasts). */
  readonly timeoutMs: number;
  /** What it calls: the service's downstream, or what the template's `calls:` lists for it. */
  readonly calls: readonly CallPlan[];
  /**
   * Per log template of the service, then per request thread (one entry when threads are not reported):
   * the `code.*` attributes of the statement writing it in this handler, with the thread's, built once.
   */
  readonly logAttributes: readonly (readonly (readonly KeyValue[])[])[];
  /** Histograms fed by the service's own spans, and by a caller's CLIENT spans into it; absent when off. */
  readonly metric?: SemconvMetric;
  readonly callerMetric?: SemconvMetric;
}

/**
 * One downstream service a span may call, with the callee's operations sorted by what they do, so the
 * request's story (read or write) picks among them without looking anything up.
 */
export interface CallPlan {
  readonly callee: ServicePlan;
  /** Every operation the call may run; the template's own list when `configured`. */
  readonly all: readonly OperationPlan[];
  /** Operations a read may run: reads, and those that neither read nor write. */
  readonly reads: readonly OperationPlan[];
  readonly writes: readonly OperationPlan[];
  /** From the template's `calls:`: the list wins over the request's story. */
  readonly configured: boolean;
}

export interface SpanPlan {
  readonly kind: number;
  readonly call: CallShape;
  readonly operations: readonly OperationPlan[];
  readonly errorRate: number;
  readonly errorPropagation: number;
  readonly duration: DurationModel;
  /** User attributes without placeholders, built once. */
  readonly constantAttributes: readonly KeyValue[];
  /** User attributes with placeholders, filled per span. */
  readonly renderedAttributes: readonly { readonly key: string; readonly render: RenderText }[];
  /** Keys of all user attributes. */
  readonly userKeys: ReadonlySet<string>;
}

export interface LogPlan {
  readonly render: readonly RenderText[];
  readonly severityNumber: number;
  readonly severityText: string;
  /** Error and fatal records describe failures, so they are written for failing spans only. */
  readonly failuresOnly: boolean;
  /** Per pattern: it states the span's duration, so it is written when the span ends, as a completion log is. */
  readonly atEnd: readonly boolean[];
}

export interface MetricPlan {
  readonly name: string;
  readonly unit: string;
  readonly data: "sum" | "gauge" | "histogram";
  /** Histograms of durations take span durations: microseconds per metric unit. */
  readonly microsecondsPerUnit?: number;
  readonly bounds: readonly number[];
  /** Gauges and non-duration histograms take values from a heuristic's model, one per instance. */
  readonly createModel?: (random: Random) => MetricModel;
}

/** One running copy of a service: its own resource, and its own metric streams. */
export interface InstancePlan {
  /** Position among all instances of the run. */
  readonly index: number;
  readonly service: ServicePlan;
  readonly resource: ResourceRecord;
}

/** One service, everything about it resolved so the hot loop never looks a name up. */
export interface ServicePlan {
  readonly name: string;
  readonly instances: readonly InstancePlan[];
  readonly scope: ScopeRecord;
  /** The scope of its log records: its logger, named as its language's log appender names it. */
  readonly logScope: ScopeRecord;
  /** `thread.id` and `thread.name` pairs of its request threads, when its language's appender reports them. */
  readonly threads: readonly (readonly KeyValue[])[];
  /** Absent: the service is transparent and emits no spans. */
  readonly span?: SpanPlan;
  readonly logs: readonly LogPlan[];
  readonly metrics: readonly MetricPlan[];
  readonly downstream: readonly ServicePlan[];
  /** Calls of a service without spans, and of operations without a `calls:` list. */
  readonly calls: readonly CallPlan[];
  readonly parallel: boolean;
  readonly retries: number;
}

export interface RunPlan {
  readonly seedHash: Uint8Array;
  readonly services: readonly ServicePlan[];
  readonly instances: readonly InstancePlan[];
  readonly entryPoints: readonly ServicePlan[];
  readonly ratePerSecond: number;
  readonly durationSeconds: number;
  readonly totalRequests: number;
  readonly batchSize: number;
  readonly temporality: "cumulative" | "delta";
  readonly maxMessageBytes: number;
}

const SEVERITY_TEXT: Readonly<Record<Severity, string>> = {
  trace: "TRACE",
  debug: "DEBUG",
  info: "INFO",
  warn: "WARN",
  error: "ERROR",
  fatal: "FATAL",
};

type MutableService = Omit<ServicePlan, "instances" | "downstream" | "calls" | "logScope" | "threads"> & {
  logScope: ScopeRecord;
  threads: readonly (readonly KeyValue[])[];
  instances: InstancePlan[];
  downstream: ServicePlan[];
  calls: CallPlan[];
};

const NO_THREADS: readonly (readonly KeyValue[])[] = [[]];
const SCOPE: ScopeRecord = { name: "dreamweaver", version: packageJson.version, attributes: [] };

/** Per-kind timeouts (ms) of operations whose plugin names none: see the README's "Failures". */
const DEFAULT_TIMEOUT_MS: Readonly<Record<number, number>> = { 1: 5000, 2: 10_000, 3: 5000, 4: 5000, 5: 30_000 };

/**
 * Resolves a loaded config into what the engine runs: done once, before the first request. Shard k of
 * n > 1 gets instances of its own (ids, hosts), as separate processes would have, so that metric streams
 * of different shards never collide.
 */
export function planRun({ config, graph, registry }: LoadedConfig, shard = { index: 0, count: 1 }): RunPlan {
  const seedHash = hashSeed(config.seed);
  const plans = new Map<ServiceNode, MutableService>();
  const instances: InstancePlan[] = [];
  for (const node of graph.services) {
    const plan: MutableService = {
      ...planService(node, config, registry),
      instances: [],
      downstream: [],
      calls: [],
      logScope: SCOPE,
      threads: NO_THREADS,
    };
    const definition = config.services.find((s) => s.name === node.name)!;
    const language = node.template.language ??
      namedRandom(seedHash, `language/${node.template.name}`).pick(COMMON_LANGUAGES);
    if (plan.logs.length > 0) {
      const identity = logIdentity(node.name, language, namedRandom(seedHash, `logger/${node.name}`));
      plan.logScope = identity.scope;
      const threads = plan.threads = identity.threads.length > 0 ? identity.threads : NO_THREADS;
      for (const operation of plan.span?.operations ?? []) {
        (operation as { logAttributes: OperationPlan["logAttributes"] }).logAttributes = plan.logs.map(() => {
          const code = identity.code(operation.operation);
          return threads.map((thread) => [...code, ...thread]);
        });
      }
    }
    const version = definition.version ?? node.template.version ??
      `1.${namedRandom(seedHash, `version/${node.name}`).int(0, 12)}.${
        namedRandom(seedHash, `patch/${node.name}`).int(0, 9)
      }`;
    for (let replica = 0; replica < definition.replicas; replica++) {
      const shardName = shard.count > 1 ? `/shard-${shard.index}-of-${shard.count}` : "";
      const random = namedRandom(seedHash, `instance/${node.name}/${replica}${shardName}`);
      const attributes = instanceResource({
        service: node.name,
        language,
        version,
        replica,
        deployment: config.deployment,
        userAttributes: [...node.template.resourceAttributes, ...definition.resourceAttributes],
      }, random);
      const instance = { index: instances.length, service: plan as ServicePlan, resource: { attributes } };
      instances.push(instance);
      plan.instances.push(instance);
    }
    plans.set(node, plan);
  }
  for (const [node, plan] of plans) plan.downstream.push(...node.downstream.map((callee) => plans.get(callee)!));
  for (const [node, plan] of plans) planCalls(plan, node.template.traces?.calls);
  return {
    seedHash,
    services: [...plans.values()],
    instances,
    entryPoints: graph.entryPoints.map((node) => plans.get(node)!),
    ratePerSecond: config.workload.ratePerSecond,
    durationSeconds: config.workload.durationSeconds,
    totalRequests: Math.floor(config.workload.ratePerSecond * config.workload.durationSeconds),
    batchSize: config.output.batchSize,
    temporality: config.output.temporality,
    maxMessageBytes: config.output.maxMessageBytes,
  };
}

function planService(
  node: ServiceNode,
  config: Config,
  registry: LoadedConfig["registry"],
): Omit<MutableService, "instances" | "downstream" | "calls" | "logScope" | "threads"> {
  const { template } = node;
  const definition = config.services.find((s) => s.name === node.name)!;
  const metrics = template.metrics.map((metric) => planMetric(metric, registry));
  const configured = new Set(metrics.map((m) => m.name));
  return {
    name: node.name,
    scope: SCOPE,
    ...(template.traces && node.spanKind && {
      span: planSpans(
        node,
        [...template.attributes, ...definition.attributes],
        config.semconvMetrics,
        configured,
        registry,
      ),
    }),
    logs: template.logs.map((log) => ({
      render: log.render,
      severityNumber: SEVERITY_NUMBER[log.severity],
      severityText: SEVERITY_TEXT[log.severity],
      failuresOnly: SEVERITY_NUMBER[log.severity] >= SEVERITY_NUMBER.error,
      atEnd: log.patterns.map((pattern) => /\{duration(?:_ms)?\}/.test(pattern)),
    })),
    metrics,
    parallel: definition.parallel,
    retries: definition.retries,
  };
}

function planSpans(
  node: ServiceNode,
  userAttributes: readonly UserAttribute[],
  semconvMetrics: boolean,
  configured: ReadonlySet<string>,
  registry: LoadedConfig["registry"],
): SpanPlan {
  const traces = node.template.traces!;
  const kind = registry.spanKinds.get(traces.spanKind)!;
  // A service's own attribute replaces its template's of the same key.
  const user = [...new Map(userAttributes.map((a) => [a.key, a])).values()];
  // A metric the user configured keeps the seed's meaning; the convention's own would clash with it.
  const semconv = (name: string | undefined, keys: readonly string[]) =>
    semconvMetrics && name !== undefined && !configured.has(name) ? { name, keys: new Set(keys) } : undefined;
  return {
    kind: kind.value.otlpKind,
    call: kind.value.call,
    operations: traces.operations.map((operation): OperationPlan => {
      const model = compileOperation(kind, { operation, service: node.name, template: node.template.name });
      const keys = model.metricAttributes ?? [];
      const metric = semconv(model.metric, keys);
      const callerMetric = semconv(model.callerMetric, keys);
      const access = model.access ?? guessAccess(operation);
      return {
        model,
        operation,
        ...(access && { access }),
        timeoutMs: model.timeoutMs ?? DEFAULT_TIMEOUT_MS[kind.value.otlpKind] ?? 5000,
        calls: [],
        logAttributes: [],
        ...(metric && { metric }),
        ...(callerMetric && { callerMetric }),
      };
    }),
    errorRate: traces.errorRate,
    errorPropagation: traces.errorPropagation,
    duration: traces.latency ? percentileDuration(traces.latency) : uniformDuration(traces.baseDurationMs * 1000),
    constantAttributes: user.filter((a) => !a.render).map((a) => attribute(a.key, a.value)),
    renderedAttributes: user.flatMap((a) => (a.render ? [{ key: a.key, render: a.render }] : [])),
    userKeys: new Set(user.map((a) => a.key)),
  };
}

/**
 * The calls of a service and of each of its operations. An operation the template's `calls:` lists calls
 * the downstream services the list names, and those whose operations it names, with just those operations.
 */
function planCalls(plan: MutableService, configured: ReadonlyMap<string, readonly string[]> | undefined): void {
  plan.calls = plan.downstream.map((callee) => callPlan(callee, callee.span?.operations ?? [], false));
  for (const operation of plan.span?.operations ?? []) {
    const listed = configured?.get(operation.operation);
    (operation as { calls: readonly CallPlan[] }).calls = listed === undefined ? plan.calls : plan.downstream.flatMap(
      (callee) => {
        if (listed.includes(callee.name)) return [callPlan(callee, callee.span?.operations ?? [], false)];
        if (!callee.span) return reaches(callee, listed) ? [callPlan(callee, [], true)] : [];
        const named = callee.span.operations.filter((o) => listed.includes(o.operation));
        return named.length > 0 ? [callPlan(callee, named, true)] : [];
      },
    );
  }
}

/** Whether a transparent service forwards to a service or operation the list names. */
function reaches(service: ServicePlan, listed: readonly string[]): boolean {
  return service.downstream.some((next) =>
    listed.includes(next.name) ||
    (next.span ? next.span.operations.some((o) => listed.includes(o.operation)) : reaches(next, listed))
  );
}

function callPlan(callee: ServicePlan, operations: readonly OperationPlan[], configured: boolean): CallPlan {
  return {
    callee,
    all: operations,
    reads: operations.filter((o) => o.access !== "write"),
    writes: operations.filter((o) => o.access === "write"),
    configured,
  };
}

function planMetric(metric: MetricTemplate, registry: LoadedConfig["registry"]): MetricPlan {
  const data = registry.metricTypes.get(metric.type)!.value.data;
  const perUnit = microsecondsPer(metric.unit);
  const base = { name: metric.name, unit: metric.unit, data };
  if (data === "histogram" && metric.name.includes("duration") && perUnit !== undefined) {
    return { ...base, microsecondsPerUnit: perUnit, bounds: durationBounds(metric.unit) };
  }
  if (data === "sum") return { ...base, bounds: [] };
  const heuristic = registry.metricHeuristics.find((h) => h.value.matches(metric))!;
  return {
    ...base,
    bounds: data === "histogram" ? SIZE_BOUNDS : [],
    createModel: (random) => heuristic.value.create({ random, name: metric.name, unit: metric.unit }),
  };
}

/** Powers of four from 16 to 4 MiB: enough resolution for sizes and counts over six orders of magnitude. */
const SIZE_BOUNDS = Array.from({ length: 10 }, (_, i) => 16 * 4 ** i);
