import { callPlugin, type Contribution } from "./driver.ts";
import { pluginFailed, pluginsInvalid } from "./messages.ts";
import type {
  ExporterFactory,
  MetricHeuristic,
  MetricTypeDefinition,
  Placeholder,
  PlaceholderContext,
  PlaceholderGenerate,
  Plugin,
  SpanKindDefinition,
} from "./plugin.ts";
import { didYouMean, listOf } from "./suggest.ts";

// Where callers look for it: the registry hands out contributions, the driver defines and calls them.
export type { Contribution } from "./driver.ts";

/** A placeholder ready to use: argument check and generator, both wrapped to name their plugin. */
export interface ResolvedPlaceholder {
  readonly description: string;
  check(args: readonly string[]): string | undefined;
  readonly generate: PlaceholderGenerate;
}

/** A plugin and whether its contributions are addressed bare (`{ip}`) or namespaced (`{acme/id}`). */
export interface RegisteredPlugin {
  readonly plugin: Plugin;
  readonly builtin: boolean;
}

const PLUGIN_NAME = /^[a-z][a-z0-9-]*$/;
const CONTRIBUTION_NAME = /^[a-z][a-z0-9_-]*$/i;
const CONTRIBUTION_KINDS = ["placeholders", "spanKinds", "metricTypes", "metricHeuristics", "exporters"] as const;
const OTLP_KINDS = new Set([1, 2, 3, 4, 5]);
const CALL_SHAPES = new Set(["request", "message", "direct"]);

/**
 * Every name a config may use, resolved once before the run. Lookups happen while planning, never in
 * the hot loop.
 */
export class Registry {
  readonly placeholders = new Map<string, Contribution<ResolvedPlaceholder>>();
  readonly spanKinds = new Map<string, Contribution<SpanKindDefinition>>();
  readonly metricTypes = new Map<string, Contribution<MetricTypeDefinition>>();
  readonly exporters = new Map<string, Contribution<ExporterFactory>>();
  /** Third-party heuristics first, so a plugin can model a metric a built-in would otherwise take. */
  readonly metricHeuristics: Contribution<MetricHeuristic>[] = [];
  readonly plugins: readonly Plugin[];

  /** Throws PLUGIN_INVALID listing every malformed plugin or clashing name. */
  constructor(registered: readonly RegisteredPlugin[]) {
    const problems: string[] = [];
    const seen = new Map<string, RegisteredPlugin>();
    const plugins: Plugin[] = [];
    for (const entry of registered) {
      const { plugin, builtin } = entry;
      const shapeProblems = pluginProblems(plugin);
      if (shapeProblems.length > 0) {
        problems.push(...shapeProblems);
        continue;
      }
      const first = seen.get(plugin.name);
      // The same module named twice (in `plugins:` and by `--plugin`) is the same plugin: used once.
      if (first?.plugin === plugin) continue;
      if (first) problems.push(nameTaken(plugin.name, first.builtin));
      seen.set(plugin.name, entry);
      plugins.push(plugin);
      const address = (key: string) => (builtin ? key : `${plugin.name}/${key}`);
      const add = <T>(map: Map<string, Contribution<T>>, what: string, key: string, value: T) => {
        const name = address(key);
        const existing = map.get(name);
        if (existing) {
          problems.push(`${what} "${name}" of plugin "${plugin.name}" is already defined by "${existing.plugin}"`);
        } else map.set(name, { name, plugin: plugin.name, value });
      };
      for (const [key, value] of Object.entries(plugin.placeholders ?? {})) {
        add(this.placeholders, "placeholder", key, wrapPlaceholder(plugin.name, address(key), value));
      }
      for (const [key, value] of Object.entries(plugin.spanKinds ?? {})) add(this.spanKinds, "span kind", key, value);
      for (const [key, value] of Object.entries(plugin.metricTypes ?? {})) {
        add(this.metricTypes, "metric type", key, value);
      }
      for (const [key, value] of Object.entries(plugin.exporters ?? {})) add(this.exporters, "exporter", key, value);
      const heuristics = (plugin.metricHeuristics ?? []).map((value, i) => ({
        name: `${plugin.name}#${i}`,
        plugin: plugin.name,
        value: wrapHeuristic(plugin.name, i, value),
      }));
      if (builtin) this.metricHeuristics.push(...heuristics);
      else this.metricHeuristics.unshift(...heuristics);
    }
    if (problems.length > 0) throw pluginsInvalid(problems);
    this.plugins = plugins;
  }

  /** `unknown span kind "srever". Did you mean "server"? Known: "client", … or "server".` */
  static unknown(what: string, name: string, known: Iterable<string>, show = (n: string) => `"${n}"`): string {
    const names = [...known].sort();
    const list = names.map(show);
    const all = list.length <= 1 ? list.join("") : `${list.slice(0, -1).join(", ")} or ${list.at(-1)}`;
    return `unknown ${what} ${show(name)}.${didYouMean(name, names, show)} Known: ${all}.`;
  }
}

function nameTaken(name: string, byBuiltin: boolean): string {
  return byBuiltin
    ? `plugin "${name}" has the name of a built-in plugin; give it a name of its own`
    : `two different plugins are named "${name}"; a plugin's name must be unique`;
}

/**
 * What loading would reject in `plugin`, one line each (its name, its contributions' names and shapes);
 * empty when it loads.
 */
export function pluginProblems(plugin: unknown): string[] {
  if (typeof plugin !== "object" || plugin === null) return ["a plugin must be an object made with definePlugin()"];
  const { name } = plugin as { name?: unknown };
  if (typeof name !== "string" || !PLUGIN_NAME.test(name)) {
    return [`plugin name ${JSON.stringify(name)} must be lowercase kebab-case, e.g. "acme"`];
  }
  const problems: string[] = [];
  for (const key of Object.keys(plugin)) {
    if (key !== "name" && !(CONTRIBUTION_KINDS as readonly string[]).includes(key)) {
      problems.push(`plugin "${name}": unknown contribution "${key}". Known: ${listOf(CONTRIBUTION_KINDS)}.`);
    }
  }
  for (const kind of CONTRIBUTION_KINDS) {
    const entries = (plugin as Record<string, unknown>)[kind];
    if (entries === undefined) continue;
    if (typeof entries !== "object" || entries === null) {
      problems.push(`plugin "${name}": ${kind} must be an object`);
      continue;
    }
    for (const [key, value] of Object.entries(entries)) {
      const where = `plugin "${name}": ${kind}.${key}`;
      if (!Array.isArray(entries) && !CONTRIBUTION_NAME.test(key)) {
        problems.push(`${where}: names are letters, digits, "_" and "-"`);
      }
      const problem = checkContribution(kind, value);
      if (problem) problems.push(`${where} ${problem}`);
    }
  }
  return problems;
}

function checkContribution(kind: (typeof CONTRIBUTION_KINDS)[number], value: unknown): string | undefined {
  const field = (key: string) => (value as Record<string, unknown> | null)?.[key];
  switch (kind) {
    case "metricHeuristics":
      return typeof field("matches") === "function" && typeof field("create") === "function"
        ? undefined
        : "needs matches() and create()";
    case "exporters":
      return typeof value === "function" ? undefined : "must be a factory function (options) => exporter";
    case "placeholders":
      return typeof value === "function" || typeof field("generate") === "function"
        ? undefined
        : "must be a function or an object with generate()";
    case "spanKinds":
      if (!OTLP_KINDS.has(field("otlpKind") as number)) return "needs otlpKind 1..5 (OtlpSpanKind)";
      return CALL_SHAPES.has(field("call") as string) ? undefined : `needs call ${listOf(CALL_SHAPES)}`;
    case "metricTypes":
      return ["sum", "gauge", "histogram"].includes(field("data") as string)
        ? undefined
        : `needs data "sum", "gauge" or "histogram"`;
  }
}

function wrapHeuristic(plugin: string, index: number, heuristic: MetricHeuristic): MetricHeuristic {
  const what = `metricHeuristics[${index}]`;
  return {
    ...heuristic,
    matches: (metric) => callPlugin(plugin, `${what}.matches("${metric.name}")`, () => heuristic.matches(metric)),
    create: (context) => {
      const model = callPlugin(plugin, `${what}.create("${context.name}")`, () => heuristic.create(context));
      const sampling = `${what} sample of "${context.name}"`;
      return { sample: (sample) => callPlugin(plugin, sampling, () => model.sample(sample)) };
    },
  };
}

function wrapPlaceholder(plugin: string, name: string, placeholder: Placeholder): ResolvedPlaceholder {
  const definition = typeof placeholder === "function" ? { generate: placeholder } : placeholder;
  const checking = `placeholder "{${name}}" argument check`;
  const generating = `placeholder "{${name}}" generate`;
  return {
    description: definition.description ?? "",
    check: (args) =>
      callPlugin(plugin, checking, () => {
        if (definition.check) return definition.check(args);
        return args.length === 0 ? undefined : "takes no arguments";
      }),
    // Once per placeholder in every log record: a try/catch of its own, without callPlugin's closure.
    generate: (context: PlaceholderContext) => {
      try {
        return String(definition.generate(context));
      } catch (error) {
        throw pluginFailed(plugin, generating, error);
      }
    },
  };
}
