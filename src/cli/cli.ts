import { type CommandDef, defineCommand } from "citty";
import packageJson from "../../package.json" with { type: "json" };
import { runCommandLine } from "./command-line.ts";

/** `dreamweaver config.yaml` means `dreamweaver run config.yaml`, as in the original. */
const DEFAULT_COMMAND = "run";

// Each command module is imported when that command runs or shows its help, so `--version` loads none
// of them, and a command loads only what it uses.
const subCommands = {
  run: () => import("./commands/run.ts").then((m) => m.runCommand),
  sink: () => import("./commands/sink.ts").then((m) => m.sinkCommand),
  validate: () => import("./commands/validate.ts").then((m) => m.validateCommand),
  graph: () => import("./commands/graph.ts").then((m) => m.graphCommand),
  explain: () => import("./commands/explain.ts").then((m) => m.explainCommand),
  init: () => import("./commands/init.ts").then((m) => m.initCommand),
  schema: () => import("./commands/schema.ts").then((m) => m.schemaCommand),
  completion: () =>
    import("./commands/completion.ts").then((m) => m.createCompletionCommand(() => cli, DEFAULT_COMMAND)),
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
