import { isRecord } from "./raw-values.ts";
import { parseScenarios, type Scenario, type ScenarioNames } from "./scenarios.ts";
import type { RawConfig } from "./schema.ts";
import type { PathSegment } from "./yaml-source.ts";

type Report = (path: readonly PathSegment[], message: string) => void;

/**
 * `scenarios:` checked against the services, templates and operations the config defines. Entries the
 * schema rejected (`allowed`) are skipped here (the schema check has reported them); without `allowed`, every
 * entry is taken as one that passed it. Undefined after a problem.
 */
export function checkScenarios(
  data: Partial<Record<keyof RawConfig, unknown>>,
  durationSeconds: number | undefined,
  report: Report,
  allowed: (entry: unknown) => boolean = () => true,
): Scenario[] | undefined {
  if (!Array.isArray(data.scenarios)) return [];
  const wellFormed = data.scenarios.map((entry) => allowed(entry) ? entry : undefined);
  const names = namesOf(data, durationSeconds);
  // Positions stay those of the file: a skipped entry keeps its index.
  const parsed = parseScenarios(
    wellFormed.filter((e) => e !== undefined) as RawConfig["scenarios"],
    names,
    (path, message) => report(remap(path, wellFormed), message),
  );
  return wellFormed.includes(undefined) ? undefined : parsed;
}

function remap(path: readonly PathSegment[], entries: readonly unknown[]): PathSegment[] {
  const kept = entries.flatMap((entry, i) => (entry === undefined ? [] : [i]));
  return path[0] === "scenarios" && typeof path[1] === "number"
    ? ["scenarios", kept[path[1]]!, ...path.slice(2)]
    : [...path];
}

function namesOf(data: Partial<Record<keyof RawConfig, unknown>>, durationSeconds: number | undefined): ScenarioNames {
  const templates = isRecord(data.templates) ? data.templates : {};
  const services = new Map<string, { template: string; operations: string[] }>();
  const called = new Set<string>();
  for (const service of Array.isArray(data.services) ? data.services : []) {
    if (!isRecord(service) || typeof service.name !== "string" || typeof service.type !== "string") continue;
    const traces = isRecord(templates[service.type])
      ? (templates[service.type] as Record<string, unknown>).traces
      : undefined;
    const operations = isRecord(traces) && Array.isArray(traces.operations) ? traces.operations.map(String) : [];
    services.set(service.name, { template: service.type, operations });
    for (const callee of Array.isArray(service.downstream) ? service.downstream : []) called.add(String(callee));
  }
  return {
    services,
    templates: Object.keys(templates),
    entryPoints: [...services.keys()].filter((name) => !called.has(name)),
    ...(durationSeconds !== undefined && { durationSeconds }),
  };
}
