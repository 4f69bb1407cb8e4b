import { MetricsAggregator } from "../engine/metrics/aggregator.ts";
import type { RunPlan } from "../engine/plan.ts";
import { simulateRequest, type TelemetryOut } from "../engine/simulate.ts";
import { BatchBuilder } from "./batch-builder.ts";

/** Paced runs at or above this many requests per second warm up first; slower ones have time to spare. */
export const WARM_UP_RATE = 1000;
const WARM_UP_MS = 250;
const WARM_UP_REQUESTS = 5000;

/**
 * Runs a paced run's hot path for a moment before its schedule starts, on a throwaway plan of its own, and
 * discards what it made. A paced run starts on the clock: its first requests would otherwise run on code
 * the runtime has not compiled yet and fall tens of milliseconds behind at high rates. Nothing of the real
 * run is touched: `plan` is another plan of the same settings, and nothing is sent or counted.
 */
export function warmUp(plan: RunPlan, metricsIntervalUs: number): void {
  const builder = new BatchBuilder(plan.instances, plan.maxMessageBytes);
  const aggregator = new MetricsAggregator(plan, plan.startUs, metricsIntervalUs);
  const out: TelemetryOut = {
    span(instance, span, metric) {
      builder.span(instance, span);
      if (metric) aggregator.span(instance, span, metric);
    },
    log: (instance, log) => builder.log(instance, log),
    handled: (instance, startUs, endUs, span) => aggregator.handled(instance, startUs, endUs, span),
  };
  const until = performance.now() + WARM_UP_MS;
  for (let i = 0; i < WARM_UP_REQUESTS && plan.arrivals.has(i) && performance.now() < until; i++) {
    simulateRequest(plan, i, Math.round(plan.startUs + plan.arrivals.offsetUs(i)), out);
    if (i % plan.batchSize === plan.batchSize - 1) builder.take();
  }
}
