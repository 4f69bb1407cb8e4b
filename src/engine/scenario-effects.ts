import { type Config, SEVERITY_NUMBER } from "../config/config.ts";
import type { Deploy, Scenario } from "../config/scenarios.ts";
import type { FailureKind } from "../plugin-host/plugin.ts";
import { type DurationModel, percentileDuration } from "./latency.ts";
import { activeScenarios, ramped } from "./scenario-timeline.ts";

/** What the scenarios in effect do to one service's operation, merged as `docs/configuration.md` says. */
export interface Effect {
  /** Replaces the span kind's own-work model (`latency` percentiles). */
  readonly duration?: DurationModel;
  /** Own work is multiplied by this, then `addUs` is added. */
  readonly multiply: number;
  readonly addUs: number;
  /** At least this share of spans fail (`errors.rate`, 1 for `timeout`), for this reason when given. */
  readonly errorRate: number;
  readonly cause?: FailureKind;
  readonly message?: string;
  /** Extra log records to write, each with its chance per span. */
  readonly logs: readonly ScenarioLog[];
}

/** A log record a scenario adds to spans of its target, with its chance per span. */
export interface ScenarioLog {
  readonly body: string;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly chance: number;
}

/** The effects on a request that starts `t` seconds into the run, looked up per service and operation. */
export type RequestEffects = (service: string, operation: string) => Effect | undefined;

/** How a scenario's cause reads as a failure kind: a refused connection is fast, as any unavailable one. */
const KIND: Readonly<Record<NonNullable<NonNullable<Scenario["errors"]>["cause"]>, FailureKind>> = {
  timeout: "timeout",
  refused: "unavailable",
  unavailable: "unavailable",
  internal: "internal",
};

/**
 * Compiles `scenarios` once: which services each aims at (a template names all of its services), and
 * its latency model. `effectsAt(t)` is called per request; with no scenario in effect it returns
 * undefined, so a run without scenarios draws exactly what it did before.
 */
export function compileScenarioEffects(config: Config): (t: number, requestRate: number) => RequestEffects | undefined {
  const scenarios = config.scenarios.filter((s) => s.latency || s.errors || s.timeout || s.logs || s.saturation);
  if (scenarios.length === 0) return () => undefined;
  const templateOf = new Map(config.services.map((s) => [s.name, s.type]));
  const targets = new Map(scenarios.map((scenario) => [scenario, targetTest(scenario, templateOf)]));
  const models = new Map(
    scenarios.flatMap((s) => (s.latency?.percentiles ? [[s, percentileDuration(s.latency.percentiles)]] : [])),
  );
  return (t, requestRate) => {
    const active = activeScenarios(scenarios, t);
    if (active.length === 0) return undefined;
    const cache = new Map<string, Effect | undefined>();
    return (service, operation) => {
      const key = `${service}\u0000${operation}`;
      if (cache.has(key)) return cache.get(key);
      const applying = active.filter(({ scenario }) => targets.get(scenario)!(service, operation));
      const effect = applying.length === 0 ? undefined : merge(applying, models, requestRate);
      cache.set(key, effect);
      return effect;
    };
  };
}

function targetTest(scenario: Scenario, templateOf: ReadonlyMap<string, string>) {
  if (scenario.targets.length === 0) return () => true;
  return (service: string, operation: string) =>
    scenario.targets.some((target) =>
      (target.service === undefined || target.service === service) &&
      (target.template === undefined || target.template === templateOf.get(service)) &&
      (target.operation === undefined || target.operation === operation)
    );
}

/**
 * Lowest priority first, so a later (higher) one wins a field both set; factors multiply and additions
 * add, each scaled by how far its scenario has ramped up.
 */
function merge(
  active: ReturnType<typeof activeScenarios>,
  models: ReadonlyMap<Scenario, DurationModel>,
  requestRate: number,
): Effect {
  let duration: DurationModel | undefined;
  let multiply = 1;
  let addUs = 0;
  let errorRate = 0;
  let cause: FailureKind | undefined;
  let message: string | undefined;
  const logs: ScenarioLog[] = [];
  for (const { scenario, intensity } of active) {
    const { latency, errors, timeout } = scenario;
    if (latency?.multiply !== undefined) multiply *= ramped(latency.multiply, intensity);
    if (latency?.addUs !== undefined) addUs += latency.addUs * intensity;
    duration = models.get(scenario) ?? duration;
    if (errors) {
      errorRate = errors.rate * intensity;
      cause = errors.cause === undefined ? undefined : KIND[errors.cause];
      message = errors.message;
    }
    if (timeout) [errorRate, cause, message] = [intensity, "timeout", undefined];
    // A resource that fills up makes requests queue for it: as a queue's wait, by 1 / (1 - how full).
    if (scenario.saturation) multiply /= 1 - scenario.saturation.level * intensity;
    // A burst of `rate` records per second over the requests that reach the target, about one per request.
    if (scenario.logs) {
      const chance = Math.min(1, (scenario.logs.ratePerSecond * intensity) / Math.max(requestRate, 1e-9));
      const { body, severity } = scenario.logs;
      logs.push({ body, severityNumber: SEVERITY_NUMBER[severity], severityText: severity.toUpperCase(), chance });
    }
  }
  return {
    ...(duration && { duration }),
    multiply,
    addUs,
    errorRate,
    ...(cause && { cause }),
    ...(message !== undefined && { message }),
    logs,
  };
}

/**
 * The weights of the entry points for a request at `t`, when a traffic scenario aims at one of them
 * (its share grows by its multiplier); undefined otherwise: entry points are equally likely.
 */
export function compileEntryWeights(
  config: Config,
  entryPoints: readonly string[],
): (t: number) => number[] | undefined {
  const aimed = config.scenarios.filter((s) => s.traffic?.entry !== undefined);
  if (aimed.length === 0) return () => undefined;
  return (t) => {
    const active = activeScenarios(aimed, t);
    if (active.length === 0) return undefined;
    const weights = entryPoints.map(() => 1);
    for (const { scenario, intensity } of active) {
      const index = entryPoints.indexOf(scenario.traffic!.entry!);
      weights[index]! *= ramped(scenario.traffic!.multiply, intensity);
    }
    return weights;
  };
}

/**
 * What a deploy's version does differently while it runs (its `errors` and `latency`), for the
 * instances running it; undefined for a version that behaves as the old one.
 */
export function versionEffect(deploy: Deploy): Effect | undefined {
  if ("rollback" in deploy || (!deploy.errors && !deploy.latency)) return undefined;
  const { errors, latency } = deploy;
  return {
    ...(latency?.percentiles && { duration: percentileDuration(latency.percentiles) }),
    multiply: latency?.multiply ?? 1,
    addUs: latency?.addUs ?? 0,
    errorRate: errors?.rate ?? 0,
    ...(errors?.cause && { cause: KIND[errors.cause] }),
    ...(errors?.message !== undefined && { message: errors.message }),
    logs: [],
  };
}

/**
 * The effects on a span of the scenarios in effect and of the version its instance runs: latencies
 * compose (factors multiply, additions add), and a scenario's errors win over the version's.
 */
export function withVersion(scenario: Effect | undefined, version: Effect | undefined): Effect | undefined {
  if (version === undefined) return scenario;
  if (scenario === undefined) return version;
  const errors = scenario.errorRate > 0 ? scenario : version;
  const duration = scenario.duration ?? version.duration;
  return {
    ...(duration && { duration }),
    multiply: scenario.multiply * version.multiply,
    addUs: scenario.addUs + version.addUs,
    errorRate: errors.errorRate,
    ...(errors.cause && { cause: errors.cause }),
    ...(errors.message !== undefined && { message: errors.message }),
    logs: scenario.logs,
  };
}

/**
 * How full the saturation scenarios in effect at `t` make a service's resources (0: not at all): each
 * fills its share of what room is left, so two at 50% make 75%, and their latency factors multiply.
 */
export function compileSaturation(config: Config): (t: number, service: string) => number {
  const scenarios = config.scenarios.filter((s) => s.saturation);
  if (scenarios.length === 0) return () => 0;
  const templateOf = new Map(config.services.map((s) => [s.name, s.type]));
  const targets = new Map(scenarios.map((scenario) => [scenario, targetTest(scenario, templateOf)]));
  return (t, service) => {
    let room = 1;
    for (const { scenario, intensity } of activeScenarios(scenarios, t)) {
      if (targets.get(scenario)!(service, "")) room *= 1 - scenario.saturation!.level * intensity;
    }
    return 1 - room;
  };
}
