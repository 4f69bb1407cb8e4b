import { type ArgsDef, type CommandContext, type CommandDef, defineCommand, runMain } from "citty";
import packageJson from "../package.json" with { type: "json" };
import { describeConfig, formatDescription } from "./describe-config.ts";
import { DreamweaverError } from "./errors.ts";
import { formatGraph, GRAPH_FORMATS } from "./graph-format.ts";
import { setExitCode, writeErr, writeOut } from "./host.ts";
import { loadConfig } from "./load-config.ts";

const configArg = {
  config: { type: "positional", description: "Path to the config YAML", required: true, valueHint: "config.yaml" },
  plugin: { type: "string", description: "Load a plugin module by path or package name (repeatable)" },
} as const satisfies ArgsDef;

/** `--plugin a --plugin b` arrives as an array, a single one as a string. */
function pluginArgs(value: unknown): string[] {
  return value === undefined ? [] : ([] as unknown[]).concat(value).map(String);
}

/**
 * Runs a command body; a DreamweaverError (a user mistake) prints its lines and sets exit status 2,
 * with no stack. Anything else is a bug and propagates with its stack.
 */
function guarded<T extends ArgsDef>(run: (context: CommandContext<T>) => Promise<void>) {
  return async (context: CommandContext<T>) => {
    try {
      await run(context);
    } catch (error) {
      if (!(error instanceof DreamweaverError)) throw error;
      for (const line of error.lines()) writeErr(line);
      if (error.problems.length > 1) writeErr(`dreamweaver: ${error.message}`);
      setExitCode(2);
    }
  };
}

const validate = defineCommand({
  meta: { name: "validate", description: "Check a config and print what Dreamweaver understood" },
  args: { ...configArg, json: { type: "boolean", description: "Print the description as JSON" } },
  run: guarded(async ({ args }) => {
    const description = describeConfig(await loadConfig(args.config, { plugins: pluginArgs(args.plugin) }));
    writeOut(args.json ? JSON.stringify(description, null, 2) : formatDescription(description));
  }),
});

const graph = defineCommand({
  meta: { name: "graph", description: "Print the service topology as Mermaid or Graphviz DOT" },
  args: {
    ...configArg,
    format: { type: "enum", options: [...GRAPH_FORMATS], default: "mermaid", description: "Output format" },
  },
  run: guarded(async ({ args }) => {
    const format = args.format;
    if (!(GRAPH_FORMATS as readonly string[]).includes(format)) {
      throw new DreamweaverError("USAGE", `--format must be ${GRAPH_FORMATS.join(" or ")} (was "${format}")`);
    }
    const { graph } = await loadConfig(args.config, { plugins: pluginArgs(args.plugin) });
    writeOut(formatGraph(graph, format as (typeof GRAPH_FORMATS)[number]));
  }),
});

/** The `dreamweaver` command and its subcommands. */
export const cli: CommandDef = defineCommand({
  meta: { name: "dreamweaver", version: packageJson.version, description: packageJson.description },
  subCommands: { validate, graph },
});

/** Entry point shared by `bun src/main.ts`, Deno and the compiled binary. */
export async function main(rawArgs: string[]): Promise<void> {
  await runMain(cli, { rawArgs });
}
