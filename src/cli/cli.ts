import { type CommandDef, defineCommand, runMain } from "citty";
import packageJson from "../../package.json" with { type: "json" };
import { explainCommand } from "./commands/explain.ts";
import { graphCommand } from "./commands/graph.ts";
import { runCommand } from "./commands/run.ts";
import { sinkCommand } from "./commands/sink.ts";
import { validateCommand } from "./commands/validate.ts";

const subCommands = {
  run: runCommand,
  sink: sinkCommand,
  validate: validateCommand,
  graph: graphCommand,
  explain: explainCommand,
};

/** The `dreamweaver` command and its subcommands. */
export const cli: CommandDef = defineCommand({
  meta: { name: "dreamweaver", version: packageJson.version, description: packageJson.description },
  subCommands,
});

/** Entry point shared by `bun src/cli/main.ts`, Deno and the compiled binary. */
export async function main(rawArgs: string[]): Promise<void> {
  await runMain(cli, { rawArgs: withDefaultCommand(rawArgs) });
}

/** `dreamweaver config.yaml` means `dreamweaver run config.yaml`, as in the original. */
function withDefaultCommand(rawArgs: string[]): string[] {
  const first = rawArgs[0];
  if (first === undefined || first.startsWith("-") || first in subCommands) return rawArgs;
  return ["run", ...rawArgs];
}
