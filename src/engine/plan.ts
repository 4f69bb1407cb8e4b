import packageJson from "../../package.json" with { type: "json" };
import { type Config, type Severity, SEVERITY_NUMBER, type UserAttribute } from "../config/config.ts";
import type { ServiceNode } from "../config/graph.ts";
import type { LoadedConfig } from "../config/settings.ts";
import { type MetricPlan, planMetric } from "./metrics/plan-metric.ts";
import { hashSeed, namedRandom } from "./seed.ts";
import { constantAttribute, preEncoded } from "../otlp/constant-attribute.ts";
import type { KeyValue, ScopeRecord } from "../telemetry/records.ts";
import { logNormalDuration, percentileDuration } from "./latency.ts";
import { planOperation, type ServiceIdentity } from "./operation-plan.ts";
import { createArrivalSchedule, limitSchedule } from "./arrivals.ts";
import { workloadCurve } from "./workload-curve.ts";
import { compileEntryWeights, compileSaturation, compileScenarioEffects } from "./scenario-effects.ts";
import { logIdentity } from "./log-identity.ts";
import { COMMON_LANGUAGES, hostName, type InstanceIdentity, instanceResource } from "./resource.ts";
import { type Replacement, replicaReplacements } from "./rollout.ts";
import type { Random } from "../plugin-host/random.ts";
import { runIdentity } from "./run-identity.ts";

export type { MetricPlan, SemconvMetric } from "./metrics/plan-metric.ts";
export type { CallPlan, InstancePlan, LogPlan, OperationPlan, RunPlan, ServicePlan, SpanPlan } from "./plan-types.ts";
import type { CallPlan, InstancePlan, OperationPlan, RunPlan, ServicePlan, SpanPlan } from "./plan-types.ts";

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

/**
 * Resolves a loaded config into what the engine runs: done once, before the first request. Shard k of
 * n > 1 gets instances of its own (ids, hosts), as separate processes would have, so that metric streams
 * of different shards never collide.
 */
export function planRun(
  { config, graph, registry }: LoadedConfig,
  shard = { index: 0, count: 1 },
  /** The run's start: a shape peaking at a time of day depends on it. */
  startUs = 0,
): RunPlan {
  const seedHash = hashSeed(config.seed);
  const ids = runIdentity(seedHash, startUs);
  const plans = new Map<ServiceNode, MutableService>();
  const instances: InstancePlan[] = [];
  // semconv hook: languages first, so each operation knows its service's language and its callers'.
  const languages = new Map(graph.services.map((node) => [
    node,
    node.template.language ?? namedRandom(seedHash, `language/${node.template.name}`).pick(COMMON_LANGUAGES),
  ]));
  const callers = callersOf(graph);
  const allLanguages = [...new Set(languages.values())];
  const allEras = [...new Set(graph.services.map((node) => node.template.semconv))];
  for (const node of graph.services) {
    const language = languages.get(node)!;
    const identity: ServiceIdentity = {
      language,
      edge: isEdge(node, graph, callers),
      callerLanguages: [...new Set((callers.get(node) ?? []).map((caller) => languages.get(caller)!))],
      // A CLIENT span may come from beyond a transparent caller: any language or era of the system.
      systemLanguages: allLanguages,
      systemEras: allEras,
    };
    const plan: MutableService = {
      ...planService(node, config, registry, identity),
      instances: [],
      downstream: [],
      calls: [],
      logScope: SCOPE,
      threads: NO_THREADS,
    };
    const definition = config.services.find((s) => s.name === node.name)!;
    if (plan.logs.length > 0) {
      const identity = logIdentity(node.name, language, namedRandom(seedHash, `logger/${node.name}`));
      plan.logScope = identity.scope;
      // Constant for every record of a thread and statement: encoded once.
      const threads = plan.threads = identity.threads.length > 0
        ? identity.threads.map((thread) => thread.map(preEncoded))
        : NO_THREADS;
      for (const operation of plan.span?.operations ?? []) {
        (operation as { logAttributes: OperationPlan["logAttributes"] }).logAttributes = plan.logs.map(() => {
          const code = identity.code(operation.operation).map(preEncoded);
          return threads.map((thread) => [...code, ...thread]);
        });
      }
    }
    const version = definition.version ?? node.template.version ??
      `1.${namedRandom(seedHash, `version/${node.name}`).int(0, 12)}.${
        namedRandom(seedHash, `patch/${node.name}`).int(0, 9)
      }`;
    const replacements = replicaReplacements(config, seedHash, node.name, definition.replicas, version);
    for (let replica = 0; replica < definition.replicas; replica++) {
      const shardName = shard.count > 1 ? `/shard-${shard.index}-of-${shard.count}` : "";
      // Each replica's instances: the one serving as the run starts, then those deploys replace it with.
      const name = (k: number) => `${node.name}/${replica}${k > 0 ? `/${k}` : ""}${shardName}`;
      const identity: Omit<InstanceIdentity, "instanceId"> = {
        service: node.name,
        language,
        version,
        replica,
        deployment: config.deployment,
        userAttributes: [
          ...(config.resourceAttributes ?? []),
          ...node.template.resourceAttributes,
          ...definition.resourceAttributes,
        ],
      };
      const own = (k: number) => ({
        instanceId: ids.instanceId(name(k)),
        random: namedRandom(seedHash, `instance/${name(k)}`),
      });
      const lineage = replicaLineage(plan as ServicePlan, identity, replacements[replica]!, own, instances.length);
      instances.push(...lineage);
      plan.instances.push(lineage[0]!);
    }
    plans.set(node, plan);
  }
  for (const [node, plan] of plans) plan.downstream.push(...node.downstream.map((callee) => plans.get(callee)!));
  for (const [node, plan] of plans) planCalls(plan, node.template.traces?.calls);
  const curve = workloadCurve(config, graph.entryPoints.length, startUs);
  const effects = compileScenarioEffects(config);
  const schedule = limitSchedule(
    createArrivalSchedule(seedHash, config.workload.arrivals ?? "poisson", curve),
    config.workload.maxRequests,
  );
  return {
    seedHash,
    identity: ids,
    services: [...plans.values()],
    instances,
    entryPoints: graph.entryPoints.map((node) => plans.get(node)!),
    ratePerSecond: config.workload.ratePerSecond,
    durationSeconds: config.workload.durationSeconds,
    get totalRequests() {
      return schedule.count;
    },
    arrivals: schedule,
    batchSize: config.output.batchSize,
    temporality: config.output.temporality,
    maxMessageBytes: config.output.maxMessageBytes,
    curve,
    startUs,
    effectsAt: (t) => effects(t, curve.rateAt(t)),
    entryWeights: compileEntryWeights(config, graph.entryPoints.map((node) => node.name)),
    saturationAt: compileSaturation(config),
  };
}

/**
 * A replica's instances in time order, chained by `replacedBy`, numbered from `index`: the one that
 * serves as the run starts, then one per deploy or rollback, as a rolling update makes a new pod (off
 * Kubernetes, a new process on the same host). `own(k)` is the k-th one's instance id and generator.
 */
function replicaLineage(
  service: ServicePlan,
  identity: Omit<InstanceIdentity, "instanceId">,
  replacements: readonly Replacement[],
  own: (k: number) => { instanceId: string; random: Random },
  index: number,
): InstancePlan[] {
  const first = own(0);
  const attributes = instanceResource({ ...identity, instanceId: first.instanceId }, first.random);
  const lineage: InstancePlan[] = [{ index, service, resource: { attributes } }];
  replacements.forEach(({ atSeconds, version, effect }, k) => {
    const before = lineage[k]!;
    const host = identity.deployment.kubernetes ? undefined : hostName(before);
    const { instanceId, random } = own(k + 1);
    const attributes = instanceResource({ ...identity, instanceId, version, ...(host && { host }) }, random);
    const next: InstancePlan = {
      index: index + k + 1,
      service,
      resource: { attributes },
      fromSeconds: atSeconds,
      ...(effect && { effect }),
    };
    (before as { replacedBy?: InstancePlan }).replacedBy = next;
    lineage.push(next);
  });
  return lineage;
}

function callersOf(graph: LoadedConfig["graph"]): Map<ServiceNode, ServiceNode[]> {
  const callers = new Map<ServiceNode, ServiceNode[]>();
  for (const { from, to } of graph.edges) callers.set(to, [...(callers.get(to) ?? []), from]);
  return callers;
}

/** Called from outside: an entry point, or called by a transparent service that is itself at the edge. */
function isEdge(node: ServiceNode, graph: LoadedConfig["graph"], callers: Map<ServiceNode, ServiceNode[]>): boolean {
  if (graph.entryPoints.includes(node)) return true;
  return (callers.get(node) ?? []).some((caller) => !caller.template.traces && isEdge(caller, graph, callers));
}

function planService(
  node: ServiceNode,
  config: Config,
  registry: LoadedConfig["registry"],
  identity: ServiceIdentity,
): Omit<MutableService, "instances" | "downstream" | "calls" | "logScope" | "threads"> {
  const { template } = node;
  const definition = config.services.find((s) => s.name === node.name)!;
  const metrics = template.metrics.map((metric) => planMetric(metric, registry));
  const configured = new Map(metrics.map((m) => [m.name, m]));
  return {
    name: node.name,
    language: identity.language,
    semconv: template.semconv,
    exceptions: template.exceptions,
    scope: SCOPE,
    ...(template.traces && node.spanKind && {
      span: planSpans(
        node,
        [...template.attributes, ...definition.attributes],
        config.semconvMetrics,
        configured,
        registry,
        identity,
      ),
    }),
    logs: template.logs.map((log) => ({
      pieces: log.pieces,
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
  configured: ReadonlyMap<string, MetricPlan>,
  registry: LoadedConfig["registry"],
  identity: ServiceIdentity,
): SpanPlan {
  const traces = node.template.traces!;
  const kind = registry.spanKinds.get(traces.spanKind)!;
  // A service's own attribute replaces its template's of the same key.
  const user = [...new Map(userAttributes.map((a) => [a.key, a])).values()];
  return {
    kind: kind.value.otlpKind,
    call: kind.value.call,
    // semconv hook: names, attributes, convention histograms and scopes, per the service's era and language.
    operations: traces.operations.map((operation) =>
      planOperation(
        kind,
        {
          operation,
          service: node.name,
          template: node.template.name,
          language: identity.language,
          semconv: node.template.semconv,
          edge: identity.edge,
          callerLanguages: identity.callerLanguages,
          ...(traces.rpc && { rpc: traces.rpc }),
        },
        identity,
        { enabled: semconvMetrics, configured },
      )
    ),
    errorRate: traces.errorRate,
    errorPropagation: traces.errorPropagation,
    duration: traces.latency ? percentileDuration(traces.latency) : logNormalDuration(traces.baseDurationMs * 1000),
    constantAttributes: user.filter((a) => !a.render).map((a) => constantAttribute(a.key, a.value)),
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
