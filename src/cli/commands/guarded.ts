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
