// `scenarios:`: time windows in which parts of the system behave differently (a slow database, an outage,
// a traffic spike, a burst of errors in the logs), in the shape motel and Lightstep's generator users know: a name, an
// offset from the run's start, a duration, optionally a repeat and a ramp, a priority for overlaps.
import type { RawConfig, Severity } from "./schema.ts";
import { didYouMean } from "../plugin-host/suggest.ts";
import { type LatencyPercentiles, parseLatencyPercentiles } from "./latency-percentiles.ts";
import { parseDuration, parseLatency, parseRate } from "./units.ts";
import type { PathSegment } from "./yaml-source.ts";
import { checkRollouts } from "./check-rollouts.ts";

/** Which calls a scenario changes: a service, or every service of a template; optionally one operation. */
export interface ScenarioTarget {
  readonly service?: string;
  readonly template?: string;
  readonly operation?: string;
}

/** Slower own work: multiplied, then `addUs` added, or drawn from other percentiles. */
export interface LatencyEffect {
  readonly multiply?: number;
  readonly addUs?: number;
  /** Replace the latency model with these percentiles. */
  readonly percentiles?: LatencyPercentiles;
}

/** More failures: at least `rate` of the spans fail. */
export interface ErrorsEffect {
  readonly rate: number;
  /** The root cause: decides error type, status and whether the failure is fast (refused) or slow (timeout). */
  readonly cause?: "timeout" | "refused" | "internal" | "unavailable";
  readonly message?: string;
}

/**
 * A rolling deploy: each replica of the targets is replaced, one by one over the window, by a new instance
 * running `version`, which fails and slows down as its `errors` and `latency` say while it runs. A rollback
 * replaces them again by instances of the version each ran before the latest deploy.
 */
export type Deploy =
  | { readonly version: string; readonly errors?: ErrorsEffect; readonly latency?: LatencyEffect }
  | { readonly rollback: true };

/** What a scenario changes while it lasts; every field is optional. */
export interface ScenarioEffects {
  readonly latency?: LatencyEffect;
  readonly errors?: ErrorsEffect;
  /** The target hangs: its callers give up at their timeout. */
  readonly timeout?: boolean;
  /** A multiplier on the request rate, of every entry point or of one. */
  readonly traffic?: { readonly multiply: number; readonly entry?: string };
  /** A burst of log records on the target. */
  readonly logs?: { readonly body: string; readonly severity: Severity; readonly ratePerSecond: number };
  readonly deploy?: Deploy;
  /**
   * The targets' resources fill up: CPU, memory and connection-pool gauges go `level` of the way to their
   * limits, and latency grows as a queue's does, by 1 / (1 - level) at the peak.
   */
  readonly saturation?: { readonly level: number };
}

export interface Scenario extends ScenarioEffects {
  readonly name: string;
  /** Offset of the (first) window from the run's start. */
  readonly atSeconds: number;
  readonly durationSeconds: number;
  /** The window repeats this often; absent: once. */
  readonly everySeconds?: number;
  /** Effects grow from nothing over this long at the start, and fade over it at the end. */
  readonly rampSeconds: number;
  /** Higher wins where overlapping scenarios set the same field; equal: the later one in the list. */
  readonly priority: number;
  /** Empty: every service. */
  readonly targets: readonly ScenarioTarget[];
}

/** What scenarios may name: the config's services, their templates and operations. */
export interface ScenarioNames {
  readonly services: ReadonlyMap<string, { readonly template: string; readonly operations: readonly string[] }>;
  readonly templates: readonly string[];
  readonly entryPoints: readonly string[];
  readonly durationSeconds?: number;
}

type Report = (path: readonly PathSegment[], message: string) => void;

/** Resolves `scenarios:` (shape already checked by the schema); undefined after reporting a problem. */
export function parseScenarios(
  raw: RawConfig["scenarios"],
  names: ScenarioNames,
  report: Report,
): Scenario[] | undefined {
  const scenarios: Scenario[] = [];
  let ok = true;
  const seen = new Map<string, number>();
  /** Each parsed scenario with its index in the file. */
  const placed: { index: number; scenario: Scenario }[] = [];
  (raw ?? []).forEach((entry, i) => {
    const at = (...path: PathSegment[]) => ["scenarios", i, ...path];
    const bad = (path: PathSegment[], message: string) => {
      ok = false;
      report(at(...path), message);
    };
    if (seen.has(entry.name)) {
      bad(["name"], `duplicate scenario name "${entry.name}" (first at scenarios[${seen.get(entry.name)}])`);
    }
    seen.set(entry.name, i);
    const duration = (key: string, text: string | undefined, zero = false): number | undefined => {
      if (text === undefined) return undefined;
      const parsed = parseDuration(text);
      if (!parsed.ok) return void bad([key], parsed.message);
      if (parsed.value <= 0 && !zero) return void bad([key], "must be longer than zero");
      return parsed.value;
    };
    const atSeconds = entry.at.trim().startsWith("-")
      ? void bad(["at"], `a window cannot start before the run ("${entry.at}"); write an offset such as 5m`)
      : duration("at", entry.at.replace(/^\s*\+/, ""), true);
    const durationSeconds = duration("duration", entry.duration);
    const everySeconds = duration("every", entry.every);
    const rampSeconds = duration("ramp", entry.ramp, true) ?? 0;
    if (atSeconds !== undefined && names.durationSeconds !== undefined && atSeconds >= names.durationSeconds) {
      bad(["at"], `starts at ${entry.at}, after the run ends (workload.duration is ${names.durationSeconds} s)`);
    }
    if (durationSeconds !== undefined && everySeconds !== undefined && durationSeconds > everySeconds) {
      bad(["every"], "a repeating window must not last longer than the time between its starts");
    }
    if (durationSeconds !== undefined && rampSeconds * 2 > durationSeconds) {
      bad(["ramp"], "ramping up and down takes longer than the window; shorten ramp or lengthen duration");
    }
    const targets = (Array.isArray(entry.target) ? entry.target : entry.target === undefined ? [] : [entry.target])
      .map((target, j) => {
        const path = Array.isArray(entry.target) ? ["target", j] : ["target"];
        const isName = typeof target === "string";
        return checkTarget(
          isName ? { service: target } : target,
          names,
          (message, key) => bad(isName || key === undefined ? path : [...path, key], message),
        );
      });
    const effects = parseEffects(entry, names, (path, message) => bad(path, message));
    if (Object.keys(effects).length === 0) {
      bad([], "changes nothing: add latency, errors, timeout, traffic, logs, deploy or saturation");
    }
    checkWholeServices(entry, (path, message) => bad(path, message));
    if (atSeconds === undefined || durationSeconds === undefined) return;
    const scenario: Scenario = {
      name: entry.name,
      atSeconds,
      durationSeconds,
      ...(everySeconds !== undefined && { everySeconds }),
      rampSeconds,
      priority: entry.priority ?? 0,
      targets: targets.filter((t): t is ScenarioTarget => t !== undefined),
      ...effects,
    };
    scenarios.push(scenario);
    placed.push({ index: i, scenario });
  });
  const templates = new Map([...names.services].map(([name, service]) => [name, service.template]));
  checkRollouts(placed, templates, (path, message) => {
    ok = false;
    report(path, message);
  });
  return ok ? scenarios : undefined;
}

/**
 * A deploy replaces whole instances and a saturation fills a whole service's resources: they aim at
 * services or templates, never one operation; a deploy needs a target, happens once and does not ramp.
 */
function checkWholeServices(entry: RawScenario, bad: (path: PathSegment[], message: string) => void): void {
  const kind = entry.deploy ? "deploy" : entry.saturation ? "saturation" : undefined;
  if (kind === undefined) return;
  const targets = Array.isArray(entry.target) ? entry.target : entry.target === undefined ? [] : [entry.target];
  targets.forEach((target, j) => {
    if (typeof target === "string" || target.operation === undefined) return;
    const path = Array.isArray(entry.target) ? ["target", j, "operation"] : ["target", "operation"];
    bad(path, `a ${kind} changes whole services: name services or templates, not an operation`);
  });
  if (!entry.deploy) return;
  const others = (["latency", "errors", "timeout", "traffic", "logs", "saturation"] as const).filter((key) =>
    entry[key] !== undefined
  );
  if (others.length > 0) {
    bad(
      [others[0]!],
      "a deploy's errors and latency go under deploy: (they follow the new version); other effects need a " +
        "scenario of their own",
    );
  }
  if (targets.length === 0) bad(["deploy"], "a deploy needs a target: the services whose replicas it replaces");
  if (entry.every !== undefined) bad(["every"], "a deploy happens once; every does not apply");
  if (entry.ramp !== undefined) {
    bad(["ramp"], "a deploy replaces replicas one by one over its duration; ramp does not apply");
  }
}

function checkTarget(target: ScenarioTarget, names: ScenarioNames, bad: (message: string, key?: string) => void) {
  if ((target.service === undefined) === (target.template === undefined)) {
    return void bad("name either a service or a template");
  }
  if (target.service !== undefined && !names.services.has(target.service)) {
    const known = [...names.services.keys()];
    return void bad(
      `unknown service "${target.service}".${didYouMean(target.service, known) || ` Services: ${known.join(", ")}.`}`,
      "service",
    );
  }
  if (target.template !== undefined && !names.templates.includes(target.template)) {
    return void bad(
      `unknown template "${target.template}".${
        didYouMean(target.template, names.templates) || ` Templates: ${names.templates.join(", ")}.`
      }`,
      "template",
    );
  }
  if (target.operation !== undefined) {
    const operations = target.service !== undefined
      ? names.services.get(target.service)!.operations
      : [...names.services.values()].filter((s) => s.template === target.template).flatMap((s) => s.operations);
    if (!operations.includes(target.operation)) {
      return void bad(
        `unknown operation "${target.operation}".${
          didYouMean(target.operation, operations) || ` Operations: ${operations.join(", ")}.`
        }`,
        "operation",
      );
    }
  }
  return target;
}

type RawScenario = NonNullable<RawConfig["scenarios"]>[number];

function parseEffects(entry: RawScenario, names: ScenarioNames, bad: (path: PathSegment[], message: string) => void) {
  const effects: { -readonly [K in keyof ScenarioEffects]: ScenarioEffects[K] } = {};
  if (entry.latency) effects.latency = parseLatencyEffect(entry.latency, (path, message) => bad(path, message));
  if (entry.errors) effects.errors = entry.errors;
  const deploy = entry.deploy && parseDeploy(entry.deploy, (path, message) => bad(["deploy", ...path], message));
  if (deploy) effects.deploy = deploy;
  if (entry.saturation) effects.saturation = entry.saturation;
  if (entry.timeout) effects.timeout = true;
  if (entry.traffic) {
    const { entry: point } = entry.traffic;
    if (point !== undefined && !names.entryPoints.includes(point)) {
      bad(
        ["traffic", "entry"],
        `"${point}" is not an entry point.${didYouMean(point, names.entryPoints) || ""} Entry points: ${
          names.entryPoints.join(", ")
        }.`,
      );
    }
    effects.traffic = entry.traffic;
  }
  if (entry.logs) {
    const rate = entry.logs.rate === undefined ? { ok: true as const, value: 1 } : parseRate(entry.logs.rate);
    if (!rate.ok) bad(["logs", "rate"], rate.message);
    effects.logs = {
      body: entry.logs.body,
      severity: entry.logs.severity ?? "error",
      ratePerSecond: rate.ok ? rate.value : 1,
    };
  }
  return effects;
}

type RawLatency = NonNullable<RawScenario["latency"]>;

function parseLatencyEffect(raw: RawLatency, bad: (path: PathSegment[], message: string) => void): LatencyEffect {
  const { multiply, add, ...percentiles } = raw;
  let addUs: number | undefined;
  if (add !== undefined) {
    const parsed = parseLatency(add);
    if (parsed.ok) addUs = parsed.value;
    else bad(["latency", "add"], parsed.message);
  }
  const replaced = Object.keys(percentiles).length > 0
    ? parseLatencyPercentiles(percentiles, ["latency"], (path, message) => bad([...path], message))
    : undefined;
  return {
    ...(multiply !== undefined && { multiply }),
    ...(addUs !== undefined && { addUs }),
    ...(replaced?.length && { percentiles: replaced }),
  };
}

/** `deploy:` rolls out a version (which may fail and be slow), or rolls back: one or the other. */
function parseDeploy(
  raw: NonNullable<RawScenario["deploy"]>,
  bad: (path: PathSegment[], message: string) => void,
): Deploy | undefined {
  const { version, rollback, errors, latency } = raw;
  if (rollback) {
    if (version !== undefined) bad(["version"], "a rollback brings back the version each replica ran before");
    for (const key of ["errors", "latency"] as const) {
      if (raw[key] !== undefined) {
        bad([key], "a rollback brings the old version back as it was; errors and latency belong to a deploy");
      }
    }
    return { rollback: true };
  }
  if (version === undefined) return void bad([], "give the version it rolls out, or rollback: true");
  return {
    version,
    ...(errors && { errors }),
    ...(latency && { latency: parseLatencyEffect(latency, bad) }),
  };
}
