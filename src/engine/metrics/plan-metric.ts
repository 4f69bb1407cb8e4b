import type { MetricTemplate } from "../../config/config.ts";
import type { LoadedConfig } from "../../config/settings.ts";
import type { MetricModel } from "../../plugin-host/plugin.ts";
import type { Random } from "../../plugin-host/random.ts";
import { convention, describeMetric } from "./conventions.ts";
import { durationBounds, microsecondsPer } from "./duration-unit.ts";

/** A configured metric, resolved. */
export interface MetricPlan {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly data: "sum" | "gauge" | "histogram";
  /** A sum that only goes up (+1 per request); false: an UpDownCounter whose value a heuristic models. */
  readonly monotonic: boolean;
  /** Histograms of durations take span durations: microseconds per metric unit. */
  readonly microsecondsPerUnit?: number;
  readonly bounds: readonly number[];
  /** Gauges, UpDownCounters and non-duration histograms take values from a heuristic's model, one per instance. */
  readonly createModel?: (random: Random) => MetricModel;
  /** Its model follows saturation scenarios: a resource that fills up (CPU, memory, a pool). */
  readonly saturates?: boolean;
}

/** A semantic-convention duration histogram that spans feed, split by the attributes it keeps. */
export interface SemconvMetric {
  readonly name: string;
  readonly keys: ReadonlySet<string>;
  readonly unit: string;
  readonly description: string;
  /** Microseconds per unit: a span's duration in µs over this is the recorded value. */
  readonly microsecondsPerUnit: number;
  readonly bounds: readonly number[];
  /** Another era's histogram the same spans feed (the `dup` era emits both). */
  readonly also?: SemconvMetric;
}

export function planMetric(metric: MetricTemplate, registry: LoadedConfig["registry"]): MetricPlan {
  const type = registry.metricTypes.get(metric.type)!.value;
  const { data } = type;
  const monotonic = data === "sum" && type.monotonic !== false;
  // A name the conventions define takes their unit unless the user gave one.
  const unit = metric.unit || convention(metric.name)?.unit || "";
  const perUnit = microsecondsPer(unit);
  const description = describeMetric(metric.name, data === "sum" && !monotonic ? "updowncounter" : data);
  const base = { name: metric.name, unit, description, data, monotonic };
  if (data === "histogram" && metric.name.includes("duration") && perUnit !== undefined) {
    return { ...base, microsecondsPerUnit: perUnit, bounds: durationBounds(unit) };
  }
  if (monotonic) return { ...base, bounds: [] };
  const heuristic = registry.metricHeuristics.find((h) => h.value.matches(metric))!;
  return {
    ...base,
    bounds: data === "histogram" ? SIZE_BOUNDS : [],
    createModel: (random) => heuristic.value.create({ random, name: metric.name, unit }),
    ...(heuristic.value.saturates && { saturates: true }),
  };
}

/** The metrics of a template that a saturation scenario fills up (CPU, memory, connection pools), by name. */
export function saturatingMetrics(metrics: readonly MetricTemplate[], registry: LoadedConfig["registry"]): string[] {
  return metrics.map((metric) => planMetric(metric, registry)).filter((m) => m.saturates).map((m) => m.name);
}

/**
 * The convention histogram `name` of a span kind's operation, as the run emits it: on when `enabled`
 * (`semconv_metrics`), and always when the user configured a duration histogram of that name, which then
 * keeps the convention's attributes and exemplars in the user's unit instead of being one bare stream.
 * A user metric of that name of another kind keeps the user's meaning: no convention stream then.
 */
export function semconvMetric(
  name: string | undefined,
  keys: readonly string[],
  configured: MetricPlan | undefined,
  enabled: boolean,
  /** The unit the span kind gives for its era (older RPC conventions are in `ms`). */
  eraUnit?: string,
): SemconvMetric | undefined {
  if (name === undefined) return undefined;
  if (configured ? configured.microsecondsPerUnit === undefined : !enabled) return undefined;
  const unit = configured?.unit ?? eraUnit ?? convention(name)?.unit ?? "s";
  const microsecondsPerUnit = microsecondsPer(unit) ?? 1_000_000;
  return {
    name,
    keys: new Set(keys),
    unit,
    description: describeMetric(name, "histogram"),
    microsecondsPerUnit,
    bounds: configured?.bounds ?? durationBounds(unit),
  };
}

/** Powers of four from 16 to 4 MiB: enough resolution for sizes and counts over six orders of magnitude. */
const SIZE_BOUNDS = Array.from({ length: 10 }, (_, i) => 16 * 4 ** i);
