import { formatDuration } from "./units.ts";
import type { PathSegment } from "./yaml-source.ts";

/** What the checks read of a parsed scenario (a `Scenario`, which they cannot import: it imports them). */
interface Rollout {
  readonly name: string;
  readonly atSeconds: number;
  readonly durationSeconds: number;
  readonly targets: readonly { readonly service?: string; readonly template?: string }[];
  /** Absent: not a deploy; with `rollback`: a rollback. */
  readonly deploy?: object;
}

/** A scenario as parsed, with its index in the file. */
interface Placed {
  readonly index: number;
  readonly scenario: Rollout;
}

/**
 * Deploys of one service follow each other: a rollout that overlaps another on the same service, or a
 * rollback with no deploy before it to undo, is a located error. So each replica's versions form one
 * history in time order, which the plan replays.
 */
export function checkRollouts(
  placed: readonly Placed[],
  templates: ReadonlyMap<string, string>,
  report: (path: readonly PathSegment[], message: string) => void,
): void {
  const byService = new Map<string, Placed[]>();
  for (const entry of placed) {
    for (const service of rolledOut(entry.scenario, templates)) {
      byService.set(service, [...(byService.get(service) ?? []), entry]);
    }
  }
  for (const [service, entries] of byService) {
    let live = 0;
    let before: Rollout | undefined;
    for (const { index, scenario } of entries.toSorted((a, b) => a.scenario.atSeconds - b.scenario.atSeconds)) {
      if (before && before.atSeconds + before.durationSeconds > scenario.atSeconds) {
        const window = `${formatDuration(before.atSeconds)} to ${
          formatDuration(before.atSeconds + before.durationSeconds)
        }`;
        report(
          ["scenarios", index, "at"],
          `overlaps "${before.name}" (${window}) on ${service}: one rollout at a time per service`,
        );
      }
      before = scenario;
      if (!("rollback" in scenario.deploy!)) live++;
      else if (live > 0) live--;
      else {
        report(
          ["scenarios", index, "deploy", "rollback"],
          `nothing to roll back on ${service}: no deploy of it before ${formatDuration(scenario.atSeconds)}`,
        );
      }
    }
  }
}

/**
 * The services a deploy (or rollback) replaces the replicas of: those it names, and those of the
 * templates it names; `templates` maps each service to its template.
 */
export function rolledOut(scenario: Rollout, templates: ReadonlyMap<string, string>): string[] {
  if (!scenario.deploy) return [];
  const services = new Set<string>();
  for (const target of scenario.targets) {
    if (target.service !== undefined) services.add(target.service);
    else for (const [service, template] of templates) if (template === target.template) services.add(service);
  }
  return [...services];
}
