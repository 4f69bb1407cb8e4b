import type { ArgsDef } from "citty";
import { resolveSettings, type Settings, type SettingsFlags } from "../config/settings.ts";
import { cwd, environment, readTextFile } from "./host.ts";

/** The flags of every command that reads a config: `run`, `validate`, `explain` and `graph` take the same. */
export const settingsArgs = {
  config: { type: "positional", description: "Path to the config YAML", required: true, valueHint: "config.yaml" },
  plugin: { type: "string", description: "Load a plugin module by path or package name (repeatable)" },
  rate: { type: "string", description: "Override workload.rate, e.g. 500/s" },
  duration: { type: "string", description: "Override workload.duration, e.g. 30s" },
  endpoint: { type: "string", description: "Override output.endpoint" },
  exporter: {
    type: "string",
    description:
      "Exporter: otlp-grpc, otlp-http, file[:path], stdout, none, or a plugin's; repeatable, to send to several " +
      "(default: the one of output.protocol)",
  },
  timeout: { type: "string", description: "Timeout of one export call (default: output.timeout, else 10s)" },
  "metrics-interval": { type: "string", description: "Metric export interval in simulated time (default 10s)" },
} as const satisfies ArgsDef;

type SettingsArgs = { [K in keyof typeof settingsArgs]?: string } & {
  config: string;
  fast?: boolean;
  sink?: boolean;
  "start-time"?: string;
  shard?: string;
};

/**
 * The effective settings of this invocation: the config file, the process environment and the flags,
 * with the built-in plugins and the host's file reading handed to the settings stage.
 */
export async function settingsFromArgs(args: SettingsArgs, rawArgs: readonly string[]): Promise<Settings> {
  const flags: SettingsFlags = {
    plugins: repeatedArg(rawArgs, "plugin"),
    exporters: repeatedArg(rawArgs, "exporter"),
    ...(args.rate !== undefined && { rate: args.rate }),
    ...(args.duration !== undefined && { duration: args.duration }),
    ...(args.endpoint !== undefined && { endpoint: args.endpoint }),
    ...(args.timeout !== undefined && { timeout: args.timeout }),
    ...(args["metrics-interval"] !== undefined && { metricsInterval: args["metrics-interval"] }),
    ...(args["start-time"] !== undefined && { startTime: args["start-time"] }),
    ...(args.shard !== undefined && { shard: args.shard }),
    fast: args.fast === true,
    sink: args.sink === true,
  };
  // Loaded here rather than with the module, so that a command's `--help` does not load every plugin.
  const { builtinPlugins } = await import("../../plugins/index.ts");
  return resolveSettings({
    file: args.config,
    builtins: builtinPlugins,
    readText: readTextFile,
    cwd: cwd(),
    environment: environment(),
    flags,
  });
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
