import {
  definePlugin,
  type MetricHeuristic,
  type MetricModel,
  type MetricSample,
  type Random,
} from "../../src/index.ts";

// Gauges and non-duration histograms modelled from the metric's name, so dashboards read like production:
// slow daily-ish waves, a little noise, and values that follow the load where the real metric would.

const MINUTE_US = 60_000_000;

/** A slow wave with noise: base ± amplitude over `period`, phase and period fixed per stream. */
function wave(random: Random, base: number, amplitude: number, noise: number) {
  const periodUs = (10 + 20 * random.float()) * MINUTE_US;
  const phase = 2 * Math.PI * random.float();
  return (timeUs: number) =>
    base + amplitude * Math.sin((2 * Math.PI * timeUs) / periodUs + phase) + noise * (2 * random.float() - 1);
}

/** Mean requests in flight over the interval (Little's law on what the service actually handled). */
function inFlight(sample: MetricSample): number {
  return sample.busyUs / sample.intervalUs;
}

function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.float())) * Math.cos(2 * Math.PI * random.float());
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** `value` pushed toward `limit` as far as a saturation scenario fills the resource. */
function saturated(value: number, limit: number, sample: MetricSample): number {
  return value + (limit - value) * (sample.saturation ?? 0);
}

function byName(pattern: RegExp, create: MetricHeuristic["create"], description: string): MetricHeuristic {
  return { description, matches: ({ name }) => pattern.test(name), create };
}

const activeRequests = byName(
  /active_requests|in_flight|inflight|concurrent|active/i,
  ({ random }): MetricModel => ({ sample: (s) => Math.max(0, inFlight(s) * (1 + 0.03 * (2 * random.float() - 1))) }),
  "requests in flight: the interval's summed request time over its length",
);

const utilization: MetricHeuristic = {
  description: "a utilization between 0 and 1 that rises with load (and toward 1 when saturated)",
  matches: ({ name, unit }) => unit === "1" || /utili[sz]ation|ratio|cpu/i.test(name),
  create: ({ random }) => {
    const idle = wave(random, 0.15 + 0.25 * random.float(), 0.08, 0.02);
    return { sample: (s) => clamp(saturated(idle(s.timeUs) + 0.05 * Math.log1p(inFlight(s)), 1, s), 0, 1) };
  },
  saturates: true,
};

const memory: MetricHeuristic = {
  description:
    "bytes in use: a slowly drifting baseline with garbage-collection sawtooth (toward its limit when saturated)",
  matches: ({ name, unit }) => unit === "By" || /memory|heap|rss/i.test(name),
  create: ({ random }) => {
    const baseline = (256 + 768 * random.float()) * 2 ** 20;
    const gcPeriodUs = (1 + 4 * random.float()) * MINUTE_US;
    const drift = wave(random, 1, 0.05, 0.005);
    // The container's limit: what it runs with at most, the sawtooth's top with room to spare.
    const limit = 2 * baseline;
    return {
      sample: (s) => {
        const used = baseline * drift(s.timeUs) * (1 + 0.2 * ((s.timeUs % gcPeriodUs) / gcPeriodUs));
        return Math.round(saturated(used, limit, s));
      },
    };
  },
  saturates: true,
};

const connections: MetricHeuristic = {
  ...byName(
    /connection|pool/i,
    ({ random }) => {
      const size = 10 + 10 * random.int(0, 4);
      const idle = 2 + random.int(0, 3);
      return {
        sample: (s) => Math.min(size, Math.round(saturated(idle + 1.5 * inFlight(s) + random.float(), size, s))),
      };
    },
    "pooled connections: idle ones plus those serving requests, up to the pool size (which saturation fills)",
  ),
  saturates: true,
};

const queue = byName(
  /queue|depth|lag|backlog|pending/i,
  ({ random }) => {
    let depth = random.int(0, 5);
    return {
      sample: (s) => {
        depth = Math.max(0, depth + random.int(-3, 3) + Math.round(inFlight(s) * 0.1 * random.float()));
        return depth;
      },
    };
  },
  "a queue depth: a random walk that never goes below zero",
);

const sizes = byName(
  /size|bytes|length/i,
  ({ random }) => {
    const median = 256 * 2 ** random.int(0, 4);
    return { sample: () => Math.round(median * Math.exp(0.8 * normal(random))) };
  },
  "payload sizes: log-normal around a per-stream median",
);

const fallback: MetricHeuristic = {
  description: "anything else: a smooth positive wave around 50",
  matches: () => true,
  create: ({ random }) => {
    const value = wave(random, 40 + 20 * random.float(), 10, 2);
    return { sample: (s) => Math.max(0, value(s.timeUs)) };
  },
};

export default definePlugin({
  name: "metric-heuristics",
  metricHeuristics: [activeRequests, utilization, memory, connections, queue, sizes, fallback],
});
