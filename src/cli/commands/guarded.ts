import type { ArgsDef, CommandContext } from "citty";
import { DreamweaverError } from "../../plugin-host/errors.ts";
import { setExitCode, writeErr } from "../host.ts";

/** Mistakes in what the user gave us exit 2; a receiver that cannot be reached or a plugin that fails, 1. */
const EXIT_STATUS: Record<DreamweaverError["code"], number> = {
  CONFIG_INVALID: 2,
  CONFIG_UNREADABLE: 2,
  PLUGIN_INVALID: 2,
  USAGE: 2,
  PLUGIN_FAILED: 1,
  EXPORT_FAILED: 1,
};

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
