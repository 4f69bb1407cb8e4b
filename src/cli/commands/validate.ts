import { defineCommand } from "citty";
import { describeSettings, formatDescription } from "../../config/describe-config.ts";
import { writeOut } from "../host.ts";
import { settingsArgs, settingsFromArgs } from "../settings-args.ts";
import { guarded } from "./guarded.ts";

export const validateCommand = defineCommand({
  meta: {
    name: "validate",
    description: "Check a config with the environment and flags, and print the effective settings (secrets masked)",
  },
  args: { ...settingsArgs, json: { type: "boolean", description: "Print the description as JSON" } },
  run: guarded(async ({ args, rawArgs }) => {
    const description = describeSettings(await settingsFromArgs(args, rawArgs));
    writeOut(args.json ? JSON.stringify(description, null, 2) : formatDescription(description));
  }),
});
