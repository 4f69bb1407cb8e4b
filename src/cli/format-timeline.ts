import type { RateCurve } from "../config/rate-curve.ts";
import type { Settings } from "../config/settings.ts";
import type { Scenario } from "../config/scenarios.ts";
import { formatDuration } from "../config/units.ts";
import { scenarioWindows } from "../engine/scenario-timeline.ts";
import { saturatingMetrics } from "../engine/metrics/plan-metric.ts";

const COLUMNS = 60;
const LEVELS = "▁▂▃▄▅▆▇█";

/**
 * The story of a run before it is sent: the request rate over time as a one-line chart, and each
 * scenario's windows on the same axis with what it changes. Shown by `validate` and `explain`, from the
 * curve of their plan (`RunPlan.curve`): the very one the arrivals follow.
 */
export function formatTimeline(settings: Settings, curve: RateCurve): string {
  const { config } = settings;
  const { durationSeconds } = config.workload;
  const width = durationSeconds / COLUMNS;
  const rates = Array.from(
    { length: COLUMNS },
    (_, c) => (curve.cumulative((c + 1) * width) - curve.cumulative(c * width)) / width,
  );
  const [low, high] = [Math.min(...rates), Math.max(...rates)];
  const chart = rates.map((rate) =>
    LEVELS[high === low ? LEVELS.length - 1 : Math.round(((rate - low) / (high - low)) * (LEVELS.length - 1))]
  ).join("");
  const labelWidth = Math.min(28, Math.max(12, ...config.scenarios.map((s) => s.name.length)));
  const label = (name: string) => `    ${name.padEnd(labelWidth).slice(0, labelWidth)} `;
  const lines = [
    `  timeline      ${formatDuration(durationSeconds)}, ${formatRate(low)} .. ${formatRate(high)}, ~${
      Math.round(curve.expectedRequests)
    } requests`,
    `${label("requests/s")}${chart}`,
    `${label("")}${axis(durationSeconds)}`,
  ];
  for (const scenario of config.scenarios) {
    const row = Array.from({ length: COLUMNS }, () => "·");
    for (const [start, end] of scenarioWindows(scenario, durationSeconds)) {
      for (let c = Math.floor(start / width); c < Math.min(COLUMNS, Math.ceil(end / width)); c++) row[c] = "█";
    }
    lines.push(`${label(scenario.name)}${row.join("")}  ${describeScenario(scenario, settings)}`);
  }
  return lines.join("\n");
}

/** `0` under the first column, the duration under the last, the middle between. */
function axis(durationSeconds: number): string {
  const [start, middle, end] = ["0", formatDuration(durationSeconds / 2), formatDuration(durationSeconds)];
  const half = Math.floor(COLUMNS / 2);
  return `${start.padEnd(half - Math.floor(middle.length / 2))}${middle}`.padEnd(COLUMNS - end.length) + end;
}

/** `at 10m for 5m, every 1h: latency ×4, errors 20% on orders-db`. */
export function describeScenario(s: Scenario, settings: Settings): string {
  const when = `at ${formatDuration(s.atSeconds)} for ${formatDuration(s.durationSeconds)}${
    s.everySeconds ? `, every ${formatDuration(s.everySeconds)}` : ""
  }`;
  const what = [
    ...changes(s.latency, s.errors),
    s.timeout && "hangs (callers time out)",
    s.traffic && `traffic ×${s.traffic.multiply}${s.traffic.entry ? ` at ${s.traffic.entry}` : ""}`,
    s.logs && `${s.logs.severity} logs`,
    s.deploy &&
    ("rollback" in s.deploy
      ? "rollback"
      : `deploy ${s.deploy.version}${
        s.deploy.errors || s.deploy.latency ? ` (${changes(s.deploy.latency, s.deploy.errors).join(", ")})` : ""
      }`),
    s.saturation &&
    `saturation ${percent(s.saturation.level)} (latency up to ×${Math.round(10 / (1 - s.saturation.level)) / 10})`,
  ].filter(Boolean);
  const targets = s.targets.map((t) =>
    `${t.service ?? `template ${t.template}`}${t.operation ? ` ${t.operation}` : ""}`
  );
  const note = s.saturation ? `; ${saturatedGauges(s, settings)}` : "";
  return `${when}: ${what.join(", ")}${targets.length > 0 ? ` on ${targets.join(", ")}` : ""}${note}`;
}

function changes(latency: Scenario["latency"], errors: Scenario["errors"]): string[] {
  return [
    latency?.multiply !== undefined && `latency ×${latency.multiply}`,
    latency?.addUs !== undefined && `latency +${latency.addUs / 1000} ms`,
    latency?.percentiles && "latency replaced",
    errors && `errors ${percent(errors.rate)}${errors.cause ? ` (${errors.cause})` : ""}`,
  ].filter((text): text is string => typeof text === "string");
}

/**
 * Which gauges a saturation fills, per target service: those the metric heuristics model as a resource
 * (CPU, memory, a pool); a service without one still slows down, and the line says so.
 */
function saturatedGauges(s: Scenario, settings: Settings): string {
  const { config, registry } = settings;
  const climbing: string[] = [];
  const latencyOnly: string[] = [];
  for (const service of config.services) {
    const aimed = s.targets.length === 0 ||
      s.targets.some((t) => t.service === service.name || t.template === service.type);
    if (!aimed) continue;
    const gauges = saturatingMetrics(config.templates.get(service.type)!.metrics, registry);
    if (gauges.length > 0) climbing.push(`${service.name} (${gauges.join(", ")})`);
    else latencyOnly.push(service.name);
  }
  return [
    climbing.length > 0 && `gauges climb: ${climbing.join(", ")}`,
    latencyOnly.length > 0 && `latency only (no CPU, memory or pool gauge): ${latencyOnly.join(", ")}`,
  ].filter(Boolean).join("; ");
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}

function formatRate(perSecond: number): string {
  return perSecond >= 10 ? `${Math.round(perSecond)}/s` : `${Math.round(perSecond * 100) / 100}/s`;
}
