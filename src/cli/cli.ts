import { type CommandDef, defineCommand, runMain } from "citty";
import packageJson from "../../package.json" with { type: "json" };

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
