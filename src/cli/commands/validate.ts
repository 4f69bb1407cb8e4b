import { defineCommand } from "citty";
import { describeSettings, formatDescription } from "../../config/describe-config.ts";
import { systemClock } from "../../runtime/clock.ts";
import { checkRunnable } from "../check-runnable.ts";
import { formatTimeline } from "../format-timeline.ts";
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
    const settings = await settingsFromArgs(args, rawArgs);
    const plan = await checkRunnable(settings, systemClock.nowUs());
    const description = describeSettings(settings);
    if (args.json) writeOut(JSON.stringify(description, null, 2));
    else writeOut(`${formatDescription(description)}\n${formatTimeline(settings, plan.curve)}`);
  }),
});
