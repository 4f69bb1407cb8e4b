import { type ArgsDef, type CommandDef, type CommandMeta, type Resolvable, runCommand } from "citty";
import { DreamweaverError } from "../plugin-host/errors.ts";
import { badCommandLine, EXIT_STATUS } from "../plugin-host/messages.ts";
import { closest } from "../plugin-host/suggest.ts";
import { renderHelp } from "./help.ts";
import { setExitCode, stdoutColour, writeErr, writeOut } from "./host.ts";
import { checkArgs } from "./strict-args.ts";

/** A command of the tree, resolved: what help, completion and the strict check read. */
export interface ResolvedCommand {
  readonly name: string;
  readonly description: string;
  readonly args: ArgsDef;
  readonly def: CommandDef<ArgsDef>;
}

const HELP = ["--help", "-h"];
const VERSION = ["--version", "-v"];

/**
 * Runs `root`'s subcommand named by `rawArgs` strictly, instead of citty's runMain: help goes to stdout
 * (coloured only on a terminal without NO_COLOR), every argument is checked before the command runs, and
 * every mistake on the command line, citty's own included, is one line on stderr with exit status 2.
 * A first argument that is neither a command nor close to one means `defaultCommand` (a config path).
 */
export async function runCommandLine(root: CommandDef, rawArgs: readonly string[], defaultCommand: string) {
  const meta = await resolve<CommandMeta>(root.meta ?? {});
  const rootName = meta.name ?? "dreamweaver";
  try {
    const commands = await subCommands(root);
    const first = rawArgs[0];
    if (first === undefined || HELP.includes(first)) {
      const help = renderHelp(await rootHelp(rootName, meta, commands), first !== undefined && stdoutColour());
      if (first !== undefined) return writeOut(help);
      // Nothing to do is a usage mistake: the help goes where errors go.
      writeErr(help);
      return setExitCode(EXIT_STATUS.USAGE);
    }
    if (VERSION.includes(first) && rawArgs.length === 1) return writeOut(meta.version ?? "");
    const named = first in commands;
    if (!named && !first.startsWith("-") && !/[./\\]/.test(first)) {
      const near = closest(first, Object.keys(commands));
      if (near !== undefined) throw badCommandLine(rootName, `unknown command "${first}". Did you mean "${near}"?`);
    }
    const name = named ? first : defaultCommand;
    const command = await resolveCommand(name, commands[name]!);
    const rest = named ? rawArgs.slice(1) : [...rawArgs];
    const path = `${rootName} ${name}`;
    if (beforeDoubleDash(rest).some((arg) => HELP.includes(arg))) {
      return writeOut(renderHelp({ path, ...command }, stdoutColour()));
    }
    checkArgs(rest, command.args, path);
    try {
      await runCommand(command.def, { rawArgs: rest });
    } catch (error) {
      // citty's own argument errors (its checks run after ours, so rarely): a usage error like ours.
      if (error instanceof Error && error.name === "CLIError") throw badCommandLine(path, plain(error.message));
      throw error;
    }
  } catch (error) {
    if (!(error instanceof DreamweaverError)) throw error;
    for (const line of error.lines()) writeErr(line);
    setExitCode(EXIT_STATUS[error.code]);
  }
}

/** Every subcommand of `root`, resolved (help lists them, completion reads their flags). */
export async function resolveCommands(root: CommandDef): Promise<ResolvedCommand[]> {
  const commands = await subCommands(root);
  return Promise.all(Object.entries(commands).map(([name, def]) => resolveCommand(name, def)));
}

async function rootHelp(name: string, meta: CommandMeta, commands: Record<string, Resolvable<CommandDef>>) {
  const resolved = await Promise.all(Object.entries(commands).map(([n, def]) => resolveCommand(n, def)));
  return {
    path: name,
    description: `${meta.description ?? ""}\n\n${name} <config.yaml> [options] is short for ${name} run.`,
    args: {},
    commands: resolved.map((command) => [command.name, command.description] as const),
  };
}

async function resolveCommand(name: string, def: Resolvable<CommandDef>): Promise<ResolvedCommand> {
  const command = await resolve(def) as CommandDef<ArgsDef>;
  const meta = await resolve<CommandMeta>(command.meta ?? {});
  return { name, description: meta.description ?? "", args: await resolve(command.args ?? {}), def: command };
}

async function subCommands(root: CommandDef): Promise<Record<string, Resolvable<CommandDef>>> {
  return await resolve(root.subCommands ?? {});
}

/** citty's values may be given directly, as a promise or as a function returning either (lazy loading). */
async function resolve<T>(value: Resolvable<T>): Promise<T> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;
}

function beforeDoubleDash(args: readonly string[]): readonly string[] {
  const end = args.indexOf("--");
  return end < 0 ? args : args.slice(0, end);
}

/** citty colours parts of its messages. */
function plain(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}
