import type { RateCurve } from "../config/rate-curve.ts";
import type { Settings } from "../config/settings.ts";
import type { Scenario } from "../config/scenarios.ts";
import { formatDuration } from "../config/units.ts";
import { scenarioWindows } from "../engine/scenario-timeline.ts";

const COLUMNS = 60;
const LEVELS = "▁▂▃▄▅▆▇█";

/**
 * The story of a run before it is sent: the request rate over time as a one-line chart, and each
 * scenario's windows on the same axis with what it changes. Shown by `validate` and `explain`, from the
 * curve of their plan (`RunPlan.curve`): the very one the arrivals follow.
 */
export function formatTimeline({ config }: Settings, curve: RateCurve): string {
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
    lines.push(`${label(scenario.name)}${row.join("")}  ${describeScenario(scenario)}`);
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
export function describeScenario(s: Scenario): string {
  const when = `at ${formatDuration(s.atSeconds)} for ${formatDuration(s.durationSeconds)}${
    s.everySeconds ? `, every ${formatDuration(s.everySeconds)}` : ""
  }`;
  const what = [
    s.latency?.multiply !== undefined && `latency ×${s.latency.multiply}`,
    s.latency?.addUs !== undefined && `latency +${s.latency.addUs / 1000} ms`,
    s.latency?.percentiles && "latency replaced",
    s.errors && `errors ${Math.round(s.errors.rate * 1000) / 10}%${s.errors.cause ? ` (${s.errors.cause})` : ""}`,
    s.timeout && "hangs (callers time out)",
    s.traffic && `traffic ×${s.traffic.multiply}${s.traffic.entry ? ` at ${s.traffic.entry}` : ""}`,
    s.logs && `${s.logs.severity} logs`,
  ].filter(Boolean);
  const targets = s.targets.map((t) =>
    `${t.service ?? `template ${t.template}`}${t.operation ? ` ${t.operation}` : ""}`
  );
  return `${when}: ${what.join(", ")}${targets.length > 0 ? ` on ${targets.join(", ")}` : ""}`;
}

function formatRate(perSecond: number): string {
  return perSecond >= 10 ? `${Math.round(perSecond)}/s` : `${Math.round(perSecond * 100) / 100}/s`;
}
