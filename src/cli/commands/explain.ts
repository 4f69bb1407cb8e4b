import { defineCommand } from "citty";
import { planRun } from "../../engine/plan.ts";
import { DreamweaverError } from "../../plugin-host/errors.ts";
import { explainRequests } from "../../engine/explain.ts";
import { systemClock } from "../../runtime/clock.ts";
import { writeOut } from "../host.ts";
import { settingsArgs, settingsFromArgs } from "../settings-args.ts";
import { guarded } from "./guarded.ts";

export const explainCommand = defineCommand({
  meta: { name: "explain", description: "Print a few sample requests as span trees, without sending anything" },
  args: {
    ...settingsArgs,
    requests: { type: "string", default: "3", description: "How many requests to show" },
    from: { type: "string", default: "0", description: "Index of the first request" },
  },
  run: guarded(async ({ args, rawArgs }) => {
    const count = Number(args.requests);
    const from = Number(args.from);
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(from) || from < 0) {
      throw new DreamweaverError("USAGE", "--requests must be a positive integer and --from a non-negative one");
    }
    const plan = planRun(await settingsFromArgs(args, rawArgs));
    const indices = Array.from({ length: Math.min(count, plan.totalRequests) }, (_, i) => from + i);
    writeOut(explainRequests(plan, indices, systemClock.nowUs()));
  }),
});
