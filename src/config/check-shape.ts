// The config's shape against its schema (arktype): unknown and missing keys, wrong types and values. Kept apart
// from the other checks because arktype is much the slowest module to load (0.3-0.5 s a thread): a `--workers`
// worker runs the text its parent has checked, and never loads it.
import "./arktype-config.ts";
import { type } from "arktype";
import { didYouMean } from "../plugin-host/suggest.ts";
import { isRecord } from "./raw-values.ts";
import { configSchema, declaredKeys, expectsMapping, scenarioSchema } from "./schema.ts";
import type { PathSegment } from "./yaml-source.ts";

type Report = (path: readonly PathSegment[], message: string, at?: "key" | "value") => void;

/** The schema's checks, as `validateConfig` runs them. */
export interface ShapeCheck {
  /** Reports every place where `data` does not have the config's shape. */
  check(data: unknown, report: Report): void;
  /** Whether a `scenarios:` entry has a scenario's shape: only those are checked against the services. */
  scenarioAllowed(entry: unknown): boolean;
}

export const shapeCheck: ShapeCheck = {
  check: checkShape,
  scenarioAllowed: (entry) => scenarioSchema.allows(entry),
};

function checkShape(data: unknown, report: Report): void {
  if (!isRecord(data)) return report([], `must be a mapping (was ${describe(data)})`);
  reportEmptyLists(data, [], report);
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
    // arktype puts the path in front of some problems (unions of two literals); the report adds its own.
    else report(path, oneLineProblem(error.code, error.problem, error.expected, error.actual, error.propString));
  }
  // A misspelt key is one mistake: its "did you mean" already names the missing key.
  for (const { path, message } of missing) {
    if (!unknownKeyHints.has(path.join("\u0000"))) report(path, message);
  }
}

/**
 * An empty list where a mapping belongs: arktype takes it for an empty object (a non-empty one it reports,
 * see checkShape), and `templates: []` would then pass.
 */
function reportEmptyLists(value: unknown, path: PathSegment[], report: Report): void {
  if (Array.isArray(value)) {
    if (value.length === 0 && path.length > 0 && expectsMapping(path)) report(path, "must be a mapping (was a list)");
    else value.forEach((item, i) => reportEmptyLists(item, [...path, i], report));
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) reportEmptyLists(item, [...path, key], report);
  }
}

/**
 * arktype's problem as one line: it puts the path in front of some (unions of two literals), which the
 * report adds itself, and lists several unmet conditions on lines of their own ("must be...\n  ◦ an
 * integer\n  ◦ positive"), which become "must be an integer and positive (was -1.5)".
 */
function oneLineProblem(code: string, problem: string, expected: string, actual: string, where: string): string {
  if (code !== "intersection" || !expected.includes("\n")) return problem.replace(`${where} must`, "must");
  const conditions = expected.split("\n").map((line) => line.replace(/^\s*◦\s*/, "")).filter((line) => line !== "");
  return `must be ${conditions.join(" and ")} (was ${actual})`;
}

function hintedKey(hint: string): string {
  return /"([^"]+)"/.exec(hint)?.[1] ?? "";
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  return path.reduce<unknown>((value, segment) => (value as Record<PathSegment, unknown> | undefined)?.[segment], data);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  return value === null ? "empty" : `a ${typeof value}`;
}
