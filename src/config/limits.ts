// Bounds on the work a config may ask for, checked before anything is generated, so a mistake (or a
// hostile file) becomes one located error instead of exhausted memory, a run that never ends or
// timestamps outside what OTLP can carry. Each is documented in docs/configuration.md.
import type { Config } from "./config.ts";
import { rolledOut } from "./check-rollouts.ts";
import { type ServiceGraph, spansPerRequest } from "./graph.ts";

export const LIMITS = {
  /** Spans one request may make, across every entry point. */
  spansPerRequest: 100_000,
  /** Service instances (replicas summed, deploys' replacements included): each has its resource and metric streams. */
  instances: 10_000,
  /** The longest run: a year of simulated time. */
  durationSeconds: 366 * 86400,
  /** Timestamps are unsigned 64-bit nanoseconds; backends read them as signed, so stay below 2^63 ns. */
  latestTimeUs: 2 ** 63 / 1000,
} as const;

/** A limit exceeded, at a config path, with the figure computed. */
export interface LimitProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Every limit `config` (with its graph) exceeds; `startUs` is the first request's time when known. */
export function checkLimits(config: Config, graph: ServiceGraph, startUs?: number): LimitProblem[] {
  const problems: LimitProblem[] = [];
  for (const entry of graph.entryPoints) {
    const spans = spansPerRequest(entry);
    if (spans > LIMITS.spansPerRequest) {
      const index = config.services.findIndex((service) => service.name === entry.name);
      problems.push({
        path: ["services", index],
        message: `a request entering at "${entry.name}" would have ${group(spans)} spans; the limit is ` +
          `${group(LIMITS.spansPerRequest)} (calls fan out at every level: call fewer services, or fewer times)`,
      });
    }
  }
  // Each deploy (or rollback) replaces every replica of its services by a new instance.
  const templates = new Map(config.services.map((service) => [service.name, service.type]));
  const rollouts = config.scenarios.flatMap((scenario) => rolledOut(scenario, templates));
  const instances = config.services.reduce(
    (sum, service) => sum + service.replicas * (1 + rollouts.filter((name) => name === service.name).length),
    0,
  );
  if (instances > LIMITS.instances) {
    problems.push({
      path: ["services"],
      message: `${group(instances)} service instances (replicas summed, deploys' new ones included); the limit is ${
        group(LIMITS.instances)
      }`,
    });
  }
  const { durationSeconds, ratePerSecond } = config.workload;
  if (durationSeconds > LIMITS.durationSeconds) {
    problems.push({
      path: ["workload", "duration"],
      message: "longer than a year of simulated time; the limit is 366d",
    });
  }
  const expected = ratePerSecond * durationSeconds;
  if (expected < 1) {
    problems.push({
      path: ["workload"],
      message: `${formatRate(ratePerSecond)} for ${durationSeconds} s yields no request (${expected.toPrecision(2)} ` +
        "expected); raise the rate or lengthen the duration",
    });
  }
  if (startUs !== undefined && startUs < 0) {
    problems.push({ path: ["--start-time"], message: "before 1970: OTLP timestamps count from the Unix epoch" });
  } else if (startUs !== undefined && startUs + durationSeconds * 1e6 >= LIMITS.latestTimeUs) {
    problems.push({ path: ["--start-time"], message: "the run would end after 2262, past what OTLP timestamps carry" });
  }
  return problems;
}

function group(value: number): string {
  return value.toLocaleString("en-US");
}

function formatRate(perSecond: number): string {
  return `${Number(perSecond.toPrecision(3))}/s`;
}
