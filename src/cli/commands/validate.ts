import { defineCommand } from "citty";
import { describeConfig, formatDescription } from "../../config/describe-config.ts";
import { writeOut } from "../host.ts";
import { loadConfig } from "../../config/load-config.ts";
import { configArgs, guarded, pluginArgs } from "./guarded.ts";

export const validateCommand = defineCommand({
  meta: { name: "validate", description: "Check a config and print what Dreamweaver understood" },
  args: { ...configArgs, json: { type: "boolean", description: "Print the description as JSON" } },
  run: guarded(async ({ args, rawArgs }) => {
    const description = describeConfig(await loadConfig(args.config, { plugins: pluginArgs(rawArgs) }));
    writeOut(args.json ? JSON.stringify(description, null, 2) : formatDescription(description));
  }),
});
