import type { ArgsDef, CommandContext } from "citty";
import { DreamweaverError } from "../../plugin-host/errors.ts";
import { EXIT_STATUS } from "../../plugin-host/messages.ts";
import { setExitCode, writeErr } from "../host.ts";

/**
 * Runs a command body; a DreamweaverError (a user-facing failure) prints its lines with no stack and
 * sets the exit status. Anything else is a bug and propagates with its stack.
 */
export function guarded<T extends ArgsDef>(run: (context: CommandContext<T>) => Promise<void>) {
  return async (context: CommandContext<T>) => {
    try {
      await run(context);
    } catch (error) {
      if (!(error instanceof DreamweaverError)) throw error;
      for (const line of error.lines()) writeErr(line);
      if (error.problems.length > 1) writeErr(`dreamweaver: ${error.message}`);
      setExitCode(EXIT_STATUS[error.code]);
    }
  };
}

/** Every `--plugin` given: the flag is repeatable. */
export function pluginArgs(rawArgs: readonly string[]): string[] {
  return repeatedArg(rawArgs, "plugin");
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

export const configArgs = {
  config: { type: "positional", description: "Path to the config YAML", required: true, valueHint: "config.yaml" },
  plugin: { type: "string", description: "Load a plugin module by path or package name (repeatable)" },
} as const satisfies ArgsDef;
