import type { OperationContext, OperationModel, SemconvEra, SpanKindDefinition } from "../plugin-host/plugin.ts";
import type { Contribution } from "../plugin-host/registry.ts";
import type { ScopeRecord } from "../telemetry/records.ts";
import { compileOperation } from "./operation.ts";
import type { OperationPlan, SemconvMetric } from "./plan.ts";

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

/** What the semantic-convention histograms may be: on or off, and never over a metric the user configured. */
export interface HistogramPolicy {
  readonly enabled: boolean;
  readonly configured: ReadonlySet<string>;
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
  const own = resolve(compileOperation(kind, context), identity, histograms);
  const eras = identity.systemEras.filter((era) => era !== (context.semconv ?? "latest"));
  if (eras.length === 0) return own;
  const variants = new Map(
    eras.map((era) => [era, resolve(compileOperation(kind, { ...context, semconv: era }), identity, histograms)]),
  );
  return { ...own, callerEras: variants };
}

function resolve(model: OperationModel, identity: ServiceIdentity, histograms: HistogramPolicy): OperationPlan {
  // A metric the user configured keeps the seed's meaning; the convention's own would clash with it.
  const semconv = (
    name: string | undefined,
    keys: readonly string[],
    unit = "s",
    also?: SemconvMetric,
  ): SemconvMetric | undefined => {
    if (!histograms.enabled || name === undefined || histograms.configured.has(name)) return also;
    return { name, keys: new Set(keys), unit, ...(also && { also }) };
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
