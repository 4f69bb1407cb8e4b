import type { ArgsDef } from "citty";
import { resolveSettings, type Settings, type SettingsFlags } from "../config/settings.ts";
import { PROTOCOLS } from "../config/flag-values.ts";
import { cwd, environment, readTextFile, writeErr } from "./host.ts";

/** The flags of every command that reads a config: `run`, `validate`, `explain` and `graph` take the same. */
export const settingsArgs = {
  config: { type: "positional", description: "Path to the config YAML", required: true, valueHint: "config.yaml" },
  plugin: {
    type: "string",
    valueHint: "module",
    description: "Load a plugin module by path or package name (repeatable)",
  },
  seed: { type: "string", valueHint: "text", description: "Override the seed: other requests from the same system" },
  rate: {
    type: "string",
    valueHint: "500/s",
    description: "Override workload.rate: <count>/<s|sec|m|min|h>, or a bare number per second",
  },
  duration: { type: "string", valueHint: "30s", description: "Override workload.duration; 0 or inf: until Ctrl-C" },
  requests: { type: "string", valueHint: "N", description: "Stop after N requests (or at the end, if sooner)" },
  endpoint: {
    type: "string",
    valueHint: "host:4317",
    description: "Override output.endpoint: grpc://, http://, https:// or host:port",
  },
  protocol: { type: "enum", options: [...PROTOCOLS], valueHint: "protocol", description: "Override output.protocol" },
  header: { type: "string", valueHint: "key=value", description: "Send this header with every export (repeatable)" },
  insecure: { type: "boolean", description: "Over https://, do not verify the receiver's certificate" },
  exporter: {
    type: "string",
    valueHint: "name",
    description: "Where to send: otlp-grpc, otlp-http, file[:path], stdout, none or a plugin's exporter " +
      "(repeatable; default: the one of output.protocol)",
  },
  timeout: {
    type: "string",
    valueHint: "10s",
    description: "Timeout of one export call (default: output.timeout, else 10s)",
  },
  "metrics-interval": {
    type: "string",
    valueHint: "10s",
    description: "Metric export interval in simulated time (default 10s)",
  },
} as const satisfies ArgsDef;

type SettingsArgs = { [K in Exclude<keyof typeof settingsArgs, "insecure">]?: string } & {
  config: string;
  insecure?: boolean;
  fast?: boolean;
  sink?: boolean;
  "start-time"?: string;
  shard?: string;
};

/**
 * The effective settings of this invocation: the config file, the process environment and the flags,
 * with the built-in plugins and the host's file reading handed to the settings stage. Its notes (an
 * environment variable ignored...) go to stderr, unless `notes` is false (a worker: its parent showed them).
 * `checkedText`: the config's text as the parent checked it (a worker), see `SettingsSources.checkedText`.
 */
export async function settingsFromArgs(
  args: SettingsArgs,
  rawArgs: readonly string[],
  { notes = true, checkedText }: { notes?: boolean; checkedText?: string } = {},
): Promise<Settings> {
  const flags: SettingsFlags = {
    plugins: repeatedArg(rawArgs, "plugin"),
    exporters: repeatedArg(rawArgs, "exporter"),
    headers: repeatedArg(rawArgs, "header"),
    ...(args.seed !== undefined && { seed: args.seed }),
    ...(args.rate !== undefined && { rate: args.rate }),
    ...(args.duration !== undefined && { duration: args.duration }),
    ...(args.requests !== undefined && { requests: args.requests }),
    ...(args.endpoint !== undefined && { endpoint: args.endpoint }),
    ...(args.protocol !== undefined && { protocol: args.protocol }),
    ...(args.insecure === true && { insecure: true }),
    ...(args.timeout !== undefined && { timeout: args.timeout }),
    ...(args["metrics-interval"] !== undefined && { metricsInterval: args["metrics-interval"] }),
    ...(args["start-time"] !== undefined && { startTime: args["start-time"] }),
    ...(args.shard !== undefined && { shard: args.shard }),
    fast: args.fast === true,
    sink: args.sink === true,
  };
  // Loaded here rather than with the module, so that a command's `--help` does not load every plugin.
  const { builtinPlugins } = await import("../../plugins/index.ts");
  const settings = await resolveSettings({
    file: args.config,
    builtins: builtinPlugins,
    readText: readTextFile,
    cwd: cwd(),
    environment: environment(),
    flags,
    ...(checkedText !== undefined && { checkedText }),
  });
  if (notes) { for (const note of settings.notes) writeErr(`note: ${note}`); }
  return settings;
}

/**
 * Every value of a repeatable string flag, `--name v` or `--name=v`, in order. citty parses with
 * node:util parseArgs without `multiple`, which keeps only the last one, so read them from the raw args.
 */
export function repeatedArg(rawArgs: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === "--") break;
    if (arg === `--${name}` && i + 1 < rawArgs.length) values.push(rawArgs[++i]!);
    else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3));
  }
  return values;
}
