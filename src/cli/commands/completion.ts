import { type CommandDef, defineCommand } from "citty";
import { badCommandLine } from "../../plugin-host/messages.ts";
import { resolveCommands } from "../command-line.ts";
import { completionScript, type Shell, SHELLS } from "../completion.ts";
import { writeOut } from "../host.ts";
import { guarded } from "./guarded.ts";

/**
 * `dreamweaver completion bash|zsh|fish`: the completion script of the command tree `root()` returns
 * (a function, since the tree includes this command), whose default command is `defaultCommand`.
 */
export function createCompletionCommand(root: () => CommandDef, defaultCommand: string) {
  return defineCommand({
    meta: { name: "completion", description: "Print a shell completion script for bash, zsh or fish" },
    args: {
      shell: { type: "positional", description: "bash, zsh or fish", required: true, valueHint: "bash|zsh|fish" },
    },
    run: guarded(async ({ args }) => {
      const shell = args.shell as Shell;
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw badCommandLine("dreamweaver completion", `unknown shell "${shell}"; use bash, zsh or fish`);
      }
      writeOut(completionScript(shell, "dreamweaver", await resolveCommands(root()), defaultCommand));
    }),
  });
}
