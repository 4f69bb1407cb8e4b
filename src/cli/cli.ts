import { type CommandDef, defineCommand } from "citty";
import packageJson from "../../package.json" with { type: "json" };
import { runCommandLine } from "./command-line.ts";
import { createCompletionCommand } from "./commands/completion.ts";
import { explainCommand } from "./commands/explain.ts";
import { graphCommand } from "./commands/graph.ts";
import { runCommand } from "./commands/run.ts";
import { sinkCommand } from "./commands/sink.ts";
import { validateCommand } from "./commands/validate.ts";

/** `dreamweaver config.yaml` means `dreamweaver run config.yaml`, as in the original. */
const DEFAULT_COMMAND = "run";

const subCommands = {
  run: runCommand,
  sink: sinkCommand,
  validate: validateCommand,
  graph: graphCommand,
  explain: explainCommand,
  completion: createCompletionCommand(() => cli, DEFAULT_COMMAND),
};

/** The `dreamweaver` command and its subcommands. */
export const cli: CommandDef = defineCommand({
  meta: { name: "dreamweaver", version: packageJson.version, description: packageJson.description },
  subCommands,
});

/** Entry point shared by `bun src/cli/main.ts`, Deno and the compiled binary. */
export async function main(rawArgs: string[]): Promise<void> {
  await runCommandLine(cli, rawArgs, DEFAULT_COMMAND);
}
