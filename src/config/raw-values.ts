// Reading the YAML's data before it is trusted: checks run on the raw values, so one pass reports every
// problem even where the shape is wrong.
import type { Parsed } from "./units.ts";
import type { PathSegment } from "./yaml-source.ts";

/** Parses a text value in one of the seed's formats; a bad one is reported at `path`. */
export function checkFormat<T>(
  path: PathSegment[],
  value: unknown,
  parse: (text: string) => Parsed<T>,
  report: (path: readonly PathSegment[], message: string) => void,
): T | undefined {
  if (typeof value !== "string") return undefined; // absent, or the shape check has reported it
  const parsed = parse(value);
  if (parsed.ok) return parsed.value;
  report(path, parsed.message);
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
