import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

// What the @opentelemetry/semantic-conventions package (a dev dependency) says about attribute and metric
// names. Its constants carry their deprecation only as JSDoc `@deprecated` tags, so the type declarations
// are read: each `declare const ATTR_X: "x.y";` or `METRIC_X` with the doc comment above it.

/** A name the package defines, and what replaces it when it is deprecated. */
export interface SemconvName {
  readonly kind: "attribute" | "metric";
  readonly deprecated?: string;
}

const FILES = [
  "stable_attributes.d.mts",
  "experimental_attributes.d.mts",
  "stable_metrics.d.mts",
  "experimental_metrics.d.mts",
];

const DECLARATION = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*declare const (ATTR|METRIC)_\w+: "([^"]+)";/g;

let cached: ReadonlyMap<string, SemconvName> | undefined;

/** Every attribute and metric name of the installed package, with its deprecation note. */
export function semconvNames(): ReadonlyMap<string, SemconvName> {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve("@opentelemetry/semantic-conventions"));
  const names = new Map<string, SemconvName>();
  for (const file of FILES) {
    const text = readFileSync(join(dist, file), "utf8");
    for (const [, doc, prefix, name] of text.matchAll(DECLARATION)) {
      const deprecated = /@deprecated\s*([^\n]*)/.exec(doc!)?.[1]?.trim();
      const kind = prefix === "ATTR" ? "attribute" : "metric";
      // Stable files come first; an experimental duplicate never overrides a stable name.
      if (!names.has(name!)) names.set(name!, { kind, ...(deprecated !== undefined && { deprecated }) });
    }
  }
  return cached = names;
}

/** The package's version, for messages. */
export function semconvVersion(): string {
  const require = createRequire(import.meta.url);
  const path = join(dirname(require.resolve("@opentelemetry/semantic-conventions")), "..", "package.json");
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
}

/**
 * Problems with emitted names: each is deprecated, or unknown to the package, unless it is the user's own
 * (`own`: keys and metric names written in the config). One line per name, with where it was seen.
 */
export function semconvProblems(
  emitted: ReadonlyMap<string, string>,
  kind: SemconvName["kind"],
  own: ReadonlySet<string>,
): string[] {
  const names = semconvNames();
  const problems: string[] = [];
  for (const [name, where] of emitted) {
    if (own.has(name)) continue;
    const known = names.get(name);
    if (known === undefined || known.kind !== kind) problems.push(`${kind} ${name} (${where}): not in the conventions`);
    else if (known.deprecated !== undefined) {
      problems.push(`${kind} ${name} (${where}): deprecated: ${known.deprecated}`);
    }
  }
  return problems;
}
