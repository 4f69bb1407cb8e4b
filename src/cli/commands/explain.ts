import { defineCommand } from "citty";
import { parseDuration } from "../../config/units.ts";
import { explainRequests, explainVersions } from "../../engine/explain.ts";
import { planRun } from "../../engine/plan.ts";
import { activeScenarios } from "../../engine/scenario-timeline.ts";
import { badFlag } from "../../plugin-host/messages.ts";
import { systemClock } from "../../runtime/clock.ts";
import { formatTimeline } from "../format-timeline.ts";
import { writeOut } from "../host.ts";
import { settingsArgs, settingsFromArgs } from "../settings-args.ts";
import { guarded } from "./guarded.ts";

export const explainCommand = defineCommand({
  meta: { name: "explain", description: "Print a few sample requests as span trees, without sending anything" },
  args: {
    ...settingsArgs,
    // Shadows the settings' `--requests` (stop after N): here, how many to show.
    requests: { type: "string", default: "3", valueHint: "N", description: "How many requests to show" },
    from: { type: "string", default: "0", valueHint: "index", description: "Index of the first request" },
    at: {
      type: "string",
      valueHint: "12m",
      description: "Show the requests at this moment of the run instead, e.g. 12m",
    },
  },
  run: guarded(async ({ args, rawArgs }) => {
    const count = Number(args.requests);
    let from = Number(args.from);
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(from) || from < 0) {
      throw badFlag("--requests", "must be a positive integer, and --from a non-negative one");
    }
    const settings = await settingsFromArgs({ ...args, requests: undefined }, rawArgs);
    const startUs = systemClock.nowUs();
    const plan = planRun(settings, undefined, startUs);
    const lines = [formatTimeline(settings, plan.curve), ""];
    if (args.at !== undefined) {
      const at = parseDuration(args.at);
      if (!at.ok || at.value > plan.durationSeconds) {
        throw badFlag("--at", at.ok ? "after the end of the run" : at.message);
      }
      from = Math.floor(plan.curve.cumulative(at.value));
      const active = activeScenarios(settings.config.scenarios, at.value);
      const scenarios = active.map(({ scenario, phase }) => `${scenario.name} (${phase})`);
      lines.push(`at ${args.at}: ${scenarios.length > 0 ? scenarios.join(", ") : "no scenario in effect"}`);
      lines.push(...explainVersions(plan, at.value).map((line) => `  ${line}`), "");
    }
    const indices = Array.from({ length: count }, (_, i) => from + i).filter((i) => plan.arrivals.has(i));
    writeOut([...lines, explainRequests(plan, indices, startUs)].join("\n"));
  }),
});
