// The layout as a rule: src/ is in wings whose imports point one way (down), plugins/ sees only the
// public API, and no import circle closes anywhere. Reads the import lines of every file, so a new file
// or a new import is checked without anyone listing it here.
import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");

/** The wings of src/, lowest first: a file may import its own wing and the ones before it. */
const WINGS = [
  "gen",
  "telemetry",
  "plugin-host",
  "runtime",
  "otlp",
  "export",
  "config",
  "engine",
  "run",
  "receiver",
  "cli",
];

/** The public API sits just above export: it re-exports from below and everything above may use it. */
const PUBLIC_API = "src/index.ts";
const PUBLIC_API_RANK = WINGS.indexOf("export") + 0.5;

/** The conformance suites (`dreamweaver/testing`), written as a third party would write them. */
const TESTING = "src/testing/";

/** The files that may name Bun or Deno: the runtime wing and the host. */
const RUNTIME_AWARE = (file: string) => file.startsWith("src/runtime/") || file === "src/cli/host.ts";

/** `Bun.x`, `Deno.x`, `globalThis.Bun`, `{ Deno?: ... }.Deno`, `process.versions.bun`, `bun:` modules. */
const RUNTIME_GLOBAL = /\b(?:Bun|Deno)\s*\??\.|\.(?:Bun|Deno)\b|\bversions\.(?:bun|deno)\b|["']bun:/;

/** Every .ts file under a folder, as a path from the repository root. */
function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".ts"))
    .map((path) => join(folder, path).replaceAll("\\", "/"))
    .filter((path) => !path.startsWith("src/gen/"))
    .sort();
}

// `import ... from "x"`, `import type ... from "x"`, `export ... from "x"`, `import "x"` and
// `import("x")` with a literal; the clause before `from` holds only names, braces, commas and `*`.
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s+(?:[\w$*{},\s]+?\s+from\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm;

/** The relative imports of a file, resolved to paths from the repository root; packages are not our layout. */
function importsOf(file: string, source = readFileSync(join(ROOT, file), "utf8")): string[] {
  const code = codeOf(source);
  const imports: string[] = [];
  for (const match of code.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2]!;
    if (!specifier.startsWith(".")) continue;
    imports.push(relative(ROOT, resolve(ROOT, dirname(file), specifier)).replaceAll("\\", "/"));
  }
  return imports;
}

/** A file's source without its comment lines: prose may mention an import or a runtime it does not use. */
function codeOf(source: string): string {
  return source.split("\n").filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line)).join("\n");
}

/** The rank of a file under src/ (undefined outside src/); a file outside every wing is a finding. */
function rankOf(file: string): number | undefined {
  if (!file.startsWith("src/")) return undefined;
  if (file === PUBLIC_API) return PUBLIC_API_RANK;
  const rank = WINGS.indexOf(file.split("/")[1]!);
  return rank === -1 || !file.slice(4).includes("/") ? -1 : rank;
}

/** What is wrong with one import, or undefined when it follows the layout. */
function layoutProblem(from: string, to: string): string | undefined {
  if (from.startsWith("plugins/")) {
    return to === PUBLIC_API || to.startsWith("plugins/") ? undefined : "plugins import only src/index.ts and plugins/";
  }
  if (from.startsWith(TESTING)) {
    return to === PUBLIC_API || to.startsWith(TESTING) ? undefined : "src/testing/ imports only src/index.ts";
  }
  if (to.startsWith(TESTING)) return "src/testing/ is for tests: nothing in src/ or plugins/ imports it";
  const fromRank = rankOf(from)!;
  if (fromRank === -1) return `${from} is in no wing (${WINGS.join(", ")})`;
  if (to.startsWith("plugins/")) {
    return from.startsWith("src/cli/") ? undefined : "only src/cli/ imports plugins/";
  }
  // The package's own metadata (its version) is data, not a layer.
  if (to === "package.json") return undefined;
  const toRank = rankOf(to);
  if (toRank === undefined) return "src/ imports nothing outside src/ but package.json (and plugins/ from src/cli/)";
  if (toRank > fromRank) return "a lower wing imports a higher one";
  return undefined;
}

/** One import circle of the graph as a path that ends where it starts, or undefined when there is none. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    state.set(file, "active");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "active") return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(file, "done");
    return undefined;
  };
  for (const file of graph.keys()) {
    if (state.has(file)) continue;
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

const files = [...sourceFiles("src"), ...sourceFiles("plugins")];
const edges = files.flatMap((from) => importsOf(from).map((to) => ({ from, to, name: `${from} -> ${to}` })));

test("the import scanner sees every form of import and nothing in comments", () => {
  const source = [
    'import { a, type B } from "./a.ts";',
    'import type {\n  C,\n  D,\n} from "./c.ts";',
    'export { e } from "./e.ts";',
    'export * as f from "./f.ts";',
    'import "./side-effect.ts";',
    'const g = await import("./g.ts");',
    'import x from "node:fs";',
    '// import { no } from "./commented.ts";',
    ' * import("./in-a-doc-comment.ts")',
    'const text = "not an import from \\"./h.ts\\"";',
  ].join("\n");
  expect(importsOf("src/engine/x.ts", source)).toEqual([
    "src/engine/a.ts",
    "src/engine/c.ts",
    "src/engine/e.ts",
    "src/engine/f.ts",
    "src/engine/side-effect.ts",
    "src/engine/g.ts",
  ]);
});

test("every import points to a file that exists", () => {
  const missing = edges.filter((edge) => !existsSync(join(ROOT, edge.to)));
  expect(missing.map((edge) => edge.name)).toEqual([]);
});

test("no import circle", () => {
  const graph = new Map<string, string[]>(files.map((file) => [file, []]));
  for (const { from, to } of edges) graph.get(from)?.push(to);
  const cycle = findCycle(graph);
  expect(cycle === undefined ? "no circle" : `import circle: ${cycle.join(" -> ")}`).toBe("no circle");
});

test("imports point down the wings; plugins/ and src/testing/ use only the public API; only src/cli/ imports plugins/", () => {
  const problems = edges.flatMap(({ from, to, name }) => {
    const problem = layoutProblem(from, to);
    return problem === undefined ? [] : [`${name}: ${problem}`];
  });
  expect(problems).toEqual([]);
});

test("only src/runtime/ and the host know Bun or Deno", () => {
  const aware = files.filter((file) => !RUNTIME_AWARE(file))
    .flatMap((file) => codeOf(readFileSync(join(ROOT, file), "utf8")).split("\n").map((line) => ({ file, line })))
    .filter(({ line }) => RUNTIME_GLOBAL.test(line))
    .map(({ file, line }) => `${file}: ${line.trim()}`);
  expect(aware).toEqual([]);
  expect(RUNTIME_GLOBAL.test("const bun = (globalThis as { Bun?: unknown }).Bun;")).toBe(true);
  expect(RUNTIME_GLOBAL.test("Deno.env.get(name)")).toBe(true);
});

test("src/testing/ sees only the public API, and nothing in src/ sees src/testing/", () => {
  expect(layoutProblem("src/testing/check-plugin.ts", "src/index.ts")).toBeUndefined();
  expect(layoutProblem("src/testing/check-plugin.ts", "src/plugin-host/registry.ts")).toBeDefined();
  expect(layoutProblem("src/cli/cli.ts", "src/testing/index.ts")).toBeDefined();
});
