import { rolledOut } from "../config/check-rollouts.ts";
import type { Config } from "../config/config.ts";
import type { Random } from "../plugin-host/random.ts";
import { type Effect, versionEffect } from "./scenario-effects.ts";
import { namedRandom } from "./seed.ts";

/** A replica replaced by a new instance running `version`, at a moment of a deploy's (or rollback's) window. */
export interface Replacement {
  readonly atSeconds: number;
  readonly version: string;
  /** What the version does differently while it runs (a bad release's errors and latency). */
  readonly effect?: Effect;
}

/**
 * Each replica's replacements, in time order. A deploy replaces a service's replicas one by one, in an
 * order drawn from the seed, the k-th of n at a moment inside the k-th n-th of its window, so the new
 * version's share of the traffic grows from none to all over the window. A rollback replaces each
 * replica by one running what it ran before the latest deploy. (Deploys of one service never overlap:
 * the config check sees to it.)
 */
export function replicaReplacements(
  config: Config,
  seedHash: Uint8Array,
  service: string,
  replicas: number,
  version: string,
): Replacement[][] {
  const templates = new Map(config.services.map((s) => [s.name, s.type]));
  const deploys = config.scenarios
    .filter((scenario) => rolledOut(scenario, templates).includes(service))
    .sort((a, b) => a.atSeconds - b.atSeconds);
  const histories: { version: string; effect?: Effect }[][] = Array.from({ length: replicas }, () => [{ version }]);
  const replacements: Replacement[][] = histories.map(() => []);
  for (const scenario of deploys) {
    const deploy = scenario.deploy!;
    const effect = versionEffect(deploy);
    // From where the rollout is, not what it is called: a scenario's name has no effect on the data.
    const random = namedRandom(seedHash, `rollout/${service}/${scenario.atSeconds}`);
    shuffled(random, replicas).forEach((replica, k) => {
      const atSeconds = scenario.atSeconds + (scenario.durationSeconds * (k + 0.1 + 0.8 * random.float())) / replicas;
      const history = histories[replica]!;
      if ("rollback" in deploy) history.pop();
      else history.push({ version: deploy.version, ...(effect && { effect }) });
      replacements[replica]!.push({ atSeconds, ...history.at(-1)! });
    });
  }
  return replacements;
}

/** 0..n-1 in an order drawn from `random` (Fisher-Yates). */
function shuffled(random: Random, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
