// The one settings stage: the config file, the OTEL_* environment and the command-line flags,
// merged in one pass (flags > environment > file). Every command that reads a config goes through it, so
// `validate` sees exactly what `run` would use, and every problem of every source is reported together.
import { dirname } from "node:path";
import { DreamweaverError, type Problem } from "../plugin-host/errors.ts";
import { settingsInvalid } from "../plugin-host/messages.ts";
import { loadPlugin } from "../plugin-host/load-plugins.ts";
import type { ExporterFactory, Plugin, TlsOptions } from "../plugin-host/plugin.ts";
import { type Contribution, type RegisteredPlugin, Registry } from "../plugin-host/registry.ts";
import { type Config, DEFAULTS, type OtlpProtocol } from "./config.ts";
import { buildGraph, type ServiceGraph } from "./graph.ts";
import { parseDurationFlag, parseHeaderFlag, parseProtocol, parseRateFlag, parseRequests } from "./flag-values.ts";
import { checkLimits, LIMITS } from "./limits.ts";
import type { LoadShape } from "./load-shape.ts";
import { applyOtelEnvironment, type Environment } from "./otel-environment.ts";
import { readTls } from "./read-tls.ts";
import { environmentResource } from "./resource-environment.ts";
import { defaultOtlpPort, type Parsed, parseDuration, parseEndpoint } from "./units.ts";
import { meanRate } from "./validate-workload.ts";
import { YamlSource } from "./yaml-source.ts";

/** The flags every config-reading command accepts, as the user typed them. */
export interface SettingsFlags {
  /** `--plugin`, repeatable: resolved from the working directory. */
  readonly plugins?: readonly string[];
  /** Replaces the config's seed: other requests of the same system. */
  readonly seed?: string;
  /** `500/s`, or a bare number per second. */
  readonly rate?: string;
  /** A duration, or `0`/`inf`: until stopped. */
  readonly duration?: string;
  /** Stop after this many requests. */
  readonly requests?: string;
  readonly endpoint?: string;
  /** `grpc`, `http/protobuf` or `http/json`. */
  readonly protocol?: string;
  /** `--header key=value`, repeatable: added to the file's and the environment's headers. */
  readonly headers?: readonly string[];
  /** Do not verify the receiver's TLS certificate. */
  readonly insecure?: boolean;
  readonly timeout?: string;
  readonly metricsInterval?: string;
  /** `--exporter`, repeatable: `otlp-grpc`, `file:out.jsonl`, a plugin's `acme/kafka`... */
  readonly exporters?: readonly string[];
  readonly fast?: boolean;
  readonly startTime?: string;
  readonly shard?: string;
  /** `--sink`: the CLI starts the built-in receiver and sends there over OTLP/gRPC. */
  readonly sink?: boolean;
}

/** Everything the settings stage reads, handed in by its caller (only the CLI touches the host). */
export interface SettingsSources {
  /** Path of the config YAML; its own `plugins:` are resolved from its folder. */
  readonly file: string;
  /** The built-in plugins: the CLI hands in `plugins/index.ts`. */
  readonly builtins: readonly Plugin[];
  /** Reads a UTF-8 file, throwing a DreamweaverError that names it when it cannot. */
  readonly readText: (path: string, what: string) => Promise<string>;
  /** Where `--plugin` paths are resolved from. */
  readonly cwd: string;
  /** The process environment; OTEL_EXPORTER_OTLP_*, OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME are read. */
  readonly environment?: Environment;
  readonly flags?: SettingsFlags;
  /**
   * The config file's text as read and checked by the caller's own settings (`Settings.configText`): the file is
   * not read again and its shape not checked again, which spares loading the schema checker. A `--workers`
   * worker gets its parent's, so every thread runs the very text that was checked.
   */
  readonly checkedText?: string;
}

/** An `--exporter` choice resolved against the plugins: which factory, with which `:argument`. */
export interface ExporterChoice {
  /** As written, e.g. `file:out.jsonl`. */
  readonly spec: string;
  readonly contribution: Contribution<ExporterFactory>;
  readonly argument?: string;
}

/** How a run goes, beyond what the config describes. */
export interface RunSettings {
  /** Unpaced: a virtual clock, as fast as the receiver accepts. */
  readonly fast: boolean;
  /** `--fast` only: the first request's time; absent: the run ends now. */
  readonly startTimeUs?: number;
  readonly metricsIntervalUs: number;
  /** Shard k of n generates exactly the requests i = k (mod n). */
  readonly shard: { readonly index: number; readonly count: number };
  /** At least one; several fan out every export call. */
  readonly exporters: readonly ExporterChoice[];
  /** `output.tls` with its PEM files read; absent: the system's certificates. */
  readonly tls?: TlsOptions;
  /** The built-in receiver is the endpoint (`--sink`): the CLI sets it once it listens. */
  readonly sink: boolean;
}

/** A config checked and resolved, with the plugins it uses and its service graph: what the engine plans from. */
export interface LoadedConfig {
  readonly file: string;
  /** The config file's text, as read. */
  readonly configText: string;
  readonly config: Config;
  readonly registry: Registry;
  readonly graph: ServiceGraph;
}

/** The effective settings of one invocation: the config as resolved, its plugins and graph, and the run. */
export interface Settings extends LoadedConfig {
  readonly run: RunSettings;
  /** What the user should know but that stops nothing, e.g. an environment variable that is ignored. */
  readonly notes: readonly string[];
}

/** Default `--metrics-interval`, in simulated time. */
const METRICS_INTERVAL_US = 10e6;

/**
 * Reads the config file, loads its plugins and merges the environment and flags over it. Throws one
 * CONFIG_INVALID DreamweaverError listing every problem of every source, each named by where it is: a
 * config path with its line, an environment variable or a flag.
 */
export async function resolveSettings(sources: SettingsSources): Promise<Settings> {
  const { file, flags = {} } = sources;
  const configText = sources.checkedText ?? await sources.readText(file, "config file");
  const parsed = YamlSource.parse(configText);
  const problems: Problem[] = [...parsed.problems];
  const registry = parsed.source && await loadRegistry(sources, parsed.source, problems);
  let config: Config | undefined;
  if (parsed.source && registry) {
    // The shape check loads arktype, much the slowest module to load; imported here, where it is needed,
    // so that a command's `--help` (which imports this module) does not wait for it.
    const { validateConfig } = await import("./validate.ts");
    const shape = sources.checkedText === undefined ? (await import("./check-shape.ts")).shapeCheck : undefined;
    try {
      config = validateConfig(parsed.source, registry, file, shape);
    } catch (error) {
      if (!(error instanceof DreamweaverError) || error.code !== "CONFIG_INVALID") throw error;
      problems.push(...error.problems);
    }
  }
  // The environment and the flags are checked even when the file is broken, so one run reports all.
  const fileOutput = config?.output ?? DEFAULT_OUTPUT;
  const envOutput = applyOtelEnvironment(sources.environment ?? {}, fileOutput, problems);
  const output = { ...envOutput, ...outputFlags(flags, envOutput, problems) };
  const resource = environmentResource(sources.environment ?? {}, problems);
  const workload = workloadFlags(flags, config?.workload, problems);
  const run = runFlags(flags, problems);
  const exporters = registry && resolveExporters(flags, registry, output.protocol, problems);
  const tls = output.tls && !flags.sink ? await readTls(output.tls, sources.readText, problems) : undefined;

  if (problems.length > 0 || !config || !registry || !exporters) throw settingsInvalid(problems, file);
  const resolved: Config = {
    ...config,
    ...(flags.seed !== undefined && { seed: flags.seed }),
    workload,
    output,
    ...(resource.attributes.length > 0 && { resourceAttributes: resource.attributes }),
  };
  const graph = buildGraph(resolved.services, resolved.templates, (kind) => registry.spanKinds.get(kind)!.value);
  for (const { path, message } of checkLimits(resolved, graph, run.startTimeUs)) {
    const flagged = typeof path[0] === "string" && path[0].startsWith("--");
    problems.push(flagged ? { path: String(path[0]), message } : parsed.source!.problem(path, message));
  }
  if (problems.length > 0) throw settingsInvalid(problems, file);
  return {
    file,
    configText,
    config: resolved,
    registry,
    graph,
    run: { ...run, exporters, ...(tls && { tls }), sink: flags.sink === true },
    notes: resource.notes,
  };
}

/** The settings with the built-in receiver at `url` as the endpoint, over OTLP/gRPC and without TLS. */
export function withReceiver(settings: Settings, url: string): Settings {
  const endpoint = { url, tls: false };
  const { tls: _files, ...output } = settings.config.output;
  const { tls: _read, ...run } = settings.run;
  return { ...settings, config: { ...settings.config, output: { ...output, endpoint, protocol: "grpc" } }, run };
}

async function loadRegistry(
  sources: SettingsSources,
  source: YamlSource,
  problems: Problem[],
): Promise<Registry | undefined> {
  const registered: RegisteredPlugin[] = sources.builtins.map((plugin) => ({ plugin, builtin: true }));
  const before = problems.length;
  for (const spec of sources.flags?.plugins ?? []) {
    const loaded = await loadPlugin(spec, sources.cwd);
    if ("problem" in loaded) problems.push({ path: "--plugin", message: loaded.problem });
    else registered.push({ plugin: loaded.plugin, builtin: false });
  }
  const configPlugins = (source.data as { plugins?: unknown }).plugins;
  if (Array.isArray(configPlugins)) {
    for (const [i, spec] of configPlugins.entries()) {
      if (typeof spec !== "string") continue; // validation reports it
      const loaded = await loadPlugin(spec, dirname(sources.file));
      if ("problem" in loaded) problems.push(source.problem(["plugins", i], loaded.problem));
      else registered.push({ plugin: loaded.plugin, builtin: false });
    }
  }
  if (problems.length > before) return undefined;
  try {
    return new Registry(registered);
  } catch (error) {
    if (!(error instanceof DreamweaverError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

const DEFAULT_OUTPUT: Config["output"] = {
  endpoint: { url: "http://localhost:4317", tls: false },
  batchSize: DEFAULTS.batchSize,
  temporality: DEFAULTS.temporality,
  maxMessageBytes: DEFAULTS.maxMessageBytes,
  concurrency: DEFAULTS.concurrency,
  protocol: DEFAULTS.protocol,
  compression: DEFAULTS.compression,
  headers: {},
  timeoutMs: DEFAULTS.timeoutMs,
};

/** The output flags over the file and the environment (`output`); headers add to theirs. */
function outputFlags(flags: SettingsFlags, output: Config["output"], problems: Problem[]) {
  if (flags.sink && flags.endpoint !== undefined) {
    problems.push({ path: "--endpoint", message: "--sink sends to the built-in receiver; leave out one of the two" });
  }
  const protocol = flag(problems, "--protocol", flags.protocol, parseProtocol) ?? output.protocol;
  const endpoint = flag(problems, "--endpoint", flags.endpoint, (t) => parseEndpoint(t, defaultOtlpPort(protocol)));
  const timeoutSeconds = flag(problems, "--timeout", flags.timeout, parseDuration);
  const headers = (flags.headers ?? []).map((text) => flag(problems, "--header", text, parseHeaderFlag));
  const added = Object.fromEntries(headers.filter((header) => header !== undefined));
  return {
    protocol,
    ...(endpoint && { endpoint }),
    ...(timeoutSeconds !== undefined && { timeoutMs: timeoutSeconds * 1000 }),
    ...(headers.length > 0 && { headers: { ...output.headers, ...added } }),
    ...(flags.insecure && { tls: { ...output.tls, insecure: true } }),
  };
}

function workloadFlags(flags: SettingsFlags, workload: Config["workload"] | undefined, problems: Problem[]) {
  const maxRequests = flag(problems, "--requests", flags.requests, parseRequests);
  // Without --rate and --duration the file's workload stands, its mean rate already worked out.
  if (workload && flags.rate === undefined && flags.duration === undefined) {
    return { ...workload, ...(maxRequests !== undefined && { maxRequests }) };
  }
  const rate = flag(problems, "--rate", flags.rate, parseRateFlag);
  const duration = flag(problems, "--duration", flags.duration, parseDurationFlag);
  // Until stopped: as long as a run may be, which no one waits for.
  const durationSeconds = duration === "endless" ? LIMITS.durationSeconds : duration ?? workload?.durationSeconds ?? 1;
  // `--rate` is a constant rate: it replaces a shape too.
  const shape: LoadShape = rate !== undefined
    ? { kind: "constant", rate }
    : workload?.shape ?? { kind: "constant", rate: 1 };
  if (duration === "endless" && flags.fast) {
    problems.push({ path: "--duration", message: "a run until Ctrl-C is paced; leave out --fast, or give a duration" });
  }
  return {
    ...workload,
    shape,
    durationSeconds,
    ratePerSecond: meanRate(shape, durationSeconds),
    ...(duration === "endless" && { endless: true }),
    ...(maxRequests !== undefined && { maxRequests }),
  };
}

function runFlags(flags: SettingsFlags, problems: Problem[]) {
  const fast = flags.fast === true;
  const startTimeUs = flag(problems, "--start-time", flags.startTime, (text) => parseStartTime(text, fast));
  const shard = flag(problems, "--shard", flags.shard, parseShard) ?? { index: 0, count: 1 };
  const interval = flag(problems, "--metrics-interval", flags.metricsInterval, parseDuration);
  return {
    fast,
    ...(startTimeUs !== undefined && { startTimeUs }),
    shard,
    metricsIntervalUs: interval === undefined ? METRICS_INTERVAL_US : interval * 1e6,
  };
}

/** The exporter of `output.protocol` unless `--exporter` names others; `--sink` always speaks gRPC. */
function resolveExporters(
  flags: SettingsFlags,
  registry: Registry,
  protocol: OtlpProtocol,
  problems: Problem[],
): ExporterChoice[] | undefined {
  const specs = flags.exporters?.length
    ? flags.exporters
    : [flags.sink || protocol === "grpc" ? "otlp-grpc" : "otlp-http"];
  const choices: ExporterChoice[] = [];
  for (const spec of specs) {
    const colon = spec.indexOf(":");
    const name = colon < 0 ? spec : spec.slice(0, colon);
    const contribution = registry.exporters.get(name);
    if (!contribution) {
      problems.push({ path: "--exporter", message: Registry.unknown("exporter", name, registry.exporters.keys()) });
      continue;
    }
    choices.push({ spec, contribution, ...(colon >= 0 && { argument: spec.slice(colon + 1) }) });
  }
  return choices.length === specs.length ? choices : undefined;
}

/** Parses a flag's text when given; a bad one becomes a problem named by the flag. */
function flag<T>(problems: Problem[], name: string, text: string | undefined, parse: (text: string) => Parsed<T>) {
  if (text === undefined) return undefined;
  const result = parse(text);
  if (result.ok) return result.value;
  problems.push({ path: name, message: result.message });
  return undefined;
}

const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

function parseStartTime(text: string, fast: boolean): Parsed<number> {
  if (!fast) return { ok: false, message: "needs --fast: a paced run follows the wall clock" };
  const ms = RFC_3339.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) return { ok: false, message: `"${text}" is not an RFC 3339 time, e.g. 2026-01-01T00:00:00Z` };
  return { ok: true, value: ms * 1000 };
}

function parseShard(text: string): Parsed<{ index: number; count: number }> {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (count >= 1 && index >= 0 && index < count) return { ok: true, value: { index, count } };
  return { ok: false, message: `"${text}" is not k/n with 0 <= k < n, e.g. 0/4` };
}
