import type { OperationContext, OperationModel, SemconvEra, SpanKindDefinition } from "../plugin-host/plugin.ts";
import type { Contribution } from "../plugin-host/registry.ts";
import type { ScopeRecord } from "../telemetry/records.ts";
import { guessAccess } from "./access.ts";
import { compileOperation } from "./operation.ts";
import type { OperationPlan } from "./plan-types.ts";
import { type MetricPlan, type SemconvMetric, semconvMetric } from "./metrics/plan-metric.ts";

/** Per-kind timeouts (ms) of operations whose plugin names none: see the README's "Failures". */
const DEFAULT_TIMEOUT_MS: Readonly<Record<number, number>> = { 1: 5000, 2: 10_000, 3: 5000, 4: 5000, 5: 30_000 };

/** Where a service sits, as its operations' conventions need it: its language, edge and callers. */
export interface ServiceIdentity {
  readonly language: string;
  readonly edge: boolean;
  /** Languages of its direct callers, whose HTTP clients its server spans see. */
  readonly callerLanguages: readonly string[];
  /** Every language and conventions era in the system: a CLIENT or PRODUCER span into it follows its caller's. */
  readonly systemLanguages: readonly string[];
  readonly systemEras: readonly SemconvEra[];
}

/** Whether the semantic-convention histograms are on, and the user's metrics that may claim their names. */
export interface HistogramPolicy {
  readonly enabled: boolean;
  readonly configured: ReadonlyMap<string, MetricPlan>;
}

/**
 * Compiles one operation with its span kind and resolves its convention histograms and scopes. When some
 * callers follow another era than the service, the operation is compiled once more per such era, for
 * their side of the call.
 */
export function planOperation(
  kind: Contribution<SpanKindDefinition>,
  context: OperationContext,
  identity: ServiceIdentity,
  histograms: HistogramPolicy,
): OperationPlan {
  const model = compileOperation(kind, context);
  const own: OperationPlan = { ...basics(kind, context.operation, model), ...resolve(model, identity, histograms) };
  const eras = identity.systemEras.filter((era) => era !== (context.semconv ?? "latest"));
  if (eras.length === 0) return own;
  const variants = new Map(
    eras.map((era) => {
      const variant = compileOperation(kind, { ...context, semconv: era });
      return [era, { ...basics(kind, context.operation, variant), ...resolve(variant, identity, histograms) }];
    }),
  );
  return { ...own, callerEras: variants };
}

/** What an operation does whatever its era: read or write, how long its callers wait, whom it calls (later). */
function basics(kind: Contribution<SpanKindDefinition>, operation: string, model: OperationModel) {
  const access = model.access ?? guessAccess(operation);
  return {
    operation,
    ...(access && { access }),
    timeoutMs: model.timeoutMs ?? DEFAULT_TIMEOUT_MS[kind.value.otlpKind] ?? 5000,
    calls: [],
    logAttributes: [],
  };
}

function resolve(model: OperationModel, identity: ServiceIdentity, histograms: HistogramPolicy) {
  const semconv = (
    name: string | undefined,
    keys: readonly string[],
    unit?: string,
    also?: SemconvMetric,
  ): SemconvMetric | undefined => {
    const configured = name === undefined ? undefined : histograms.configured.get(name);
    const metric = semconvMetric(name, keys, configured, histograms.enabled, unit);
    return metric ? { ...metric, ...(also && { also }) } : also;
  };
  const keys = model.metricAttributes ?? [];
  const older = model.alsoMetrics;
  const olderKeys = older?.metricAttributes ?? keys;
  const metric = semconv(model.metric, keys, model.metricUnit, semconv(older?.metric, olderKeys, older?.metricUnit));
  const callerMetric = semconv(
    model.callerMetric,
    keys,
    model.metricUnit,
    semconv(older?.callerMetric, olderKeys, older?.metricUnit),
  );
  const scope = scopeRecord(model.scope);
  const callerScopes = model.callerScope && new Map(
    identity.systemLanguages.flatMap((language) => {
      const callerScope = scopeRecord(model.callerScope!(language));
      return callerScope ? [[language, callerScope] as const] : [];
    }),
  );
  return {
    model,
    ...(metric && { metric }),
    ...(callerMetric && { callerMetric }),
    ...(scope && { scope }),
    ...(callerScopes && { callerScopes }),
  };
}

function scopeRecord(scope: { name: string; version: string } | undefined): ScopeRecord | undefined {
  return scope && { name: scope.name, version: scope.version, attributes: [] };
}
