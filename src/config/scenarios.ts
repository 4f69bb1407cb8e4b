// `scenarios:`: time windows in which parts of the system behave differently (a slow database, an outage,
// a traffic spike, a burst of errors in the logs), in the shape motel and Lightstep's generator users know: a name, an
// offset from the run's start, a duration, optionally a repeat and a ramp, a priority for overlaps.
import type { RawConfig, Severity } from "./schema.ts";
import { didYouMean } from "../plugin-host/suggest.ts";
import { type LatencyPercentiles, parseLatencyPercentiles } from "./latency-percentiles.ts";
import { parseDuration, parseLatency, parseRate } from "./units.ts";
import type { PathSegment } from "./yaml-source.ts";

/** Which calls a scenario changes: a service, or every service of a template; optionally one operation. */
export interface ScenarioTarget {
  readonly service?: string;
  readonly template?: string;
  readonly operation?: string;
}

/** What a scenario changes while it lasts; every field is optional. */
export interface ScenarioEffects {
  readonly latency?: {
    readonly multiply?: number;
    readonly addUs?: number;
    /** Replace the latency model with these percentiles. */
    readonly percentiles?: LatencyPercentiles;
  };
  readonly errors?: {
    readonly rate: number;
    /** The root cause: decides error type, status and whether the failure is fast (refused) or slow (timeout). */
    readonly cause?: "timeout" | "refused" | "internal" | "unavailable";
    readonly message?: string;
  };
  /** The target hangs: its callers give up at their timeout. */
  readonly timeout?: boolean;
  /** A multiplier on the request rate, of every entry point or of one. */
  readonly traffic?: { readonly multiply: number; readonly entry?: string };
  /** A burst of log records on the target. */
  readonly logs?: { readonly body: string; readonly severity: Severity; readonly ratePerSecond: number };
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
      bad([], "changes nothing: add latency, errors, timeout, traffic or logs");
    }
    if (atSeconds === undefined || durationSeconds === undefined) return;
    scenarios.push({
      name: entry.name,
      atSeconds,
      durationSeconds,
      ...(everySeconds !== undefined && { everySeconds }),
      rampSeconds,
      priority: entry.priority ?? 0,
      targets: targets.filter((t): t is ScenarioTarget => t !== undefined),
      ...effects,
    });
  });
  return ok ? scenarios : undefined;
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
  if (entry.latency) {
    const { multiply, add, ...percentiles } = entry.latency;
    let addUs: number | undefined;
    if (add !== undefined) {
      const parsed = parseLatency(add);
      if (parsed.ok) addUs = parsed.value;
      else bad(["latency", "add"], parsed.message);
    }
    const replaced = Object.keys(percentiles).length > 0
      ? parseLatencyPercentiles(percentiles, ["latency"], (path, message) => bad([...path], message))
      : undefined;
    effects.latency = {
      ...(multiply !== undefined && { multiply }),
      ...(addUs !== undefined && { addUs }),
      ...(replaced?.length && { percentiles: replaced }),
    };
  }
  if (entry.errors) effects.errors = entry.errors;
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
