import type { Settings } from "../config/settings.ts";
import { planRun, type RunPlan } from "../engine/plan.ts";
import { closeExporters } from "../plugin-host/driver.ts";
import { closeFailures } from "../plugin-host/messages.ts";
import { createExporters } from "../run/create-exporters.ts";
import { checkingExporterHost } from "./host.ts";

/** Exporters that were never used close at once; this bounds one that does not. */
const CLOSE_MS = 5000;

/**
 * What `run` does before it sends anything, done by `validate` without sending: the plan compiled (every
 * span kind's `operation()`, every metric model) and the exporters created with their options, then closed
 * at once, with a host that only checks files. So a config `validate` passes fails in `run` only for what
 * happens on the way: an unreachable receiver, a full disk, a plugin failing mid-run. Returns the plan.
 */
export async function checkRunnable(settings: Settings, nowUs: number): Promise<RunPlan> {
  const plan = planRun(settings, settings.run.shard, settings.run.startTimeUs ?? nowUs);
  const { members } = createExporters(settings, { host: checkingExporterHost, closeMs: CLOSE_MS });
  const errors = await closeExporters(members);
  if (errors.length > 0) throw closeFailures(errors);
  return plan;
}
