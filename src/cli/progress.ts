import type { Clock } from "../runtime/clock.ts";
import type { RunStats } from "../export/run-stats.ts";

export interface ProgressOptions {
  readonly clock: Clock;
  /** On a terminal the line updates in place every second; otherwise a plain line every 5 s. */
  readonly interactive: boolean;
  readonly writeLine: (text: string) => void;
  readonly writeStatus: (text: string) => void;
  /** What is happening in the story at the latest request (the scenarios in effect); empty: nothing to say. */
  readonly moment?: (stats: RunStats) => string;
}

/** Starts the progress display; the returned function stops it (and ends an in-place line). */
export function startProgress(stats: RunStats, options: ProgressOptions): () => void {
  const startedUs = options.clock.nowUs();
  let last = { atUs: startedUs, spans: 0, dataPoints: 0, logRecords: 0 };
  const tick = () => {
    const nowUs = options.clock.nowUs();
    const seconds = Math.max(1e-6, (nowUs - last.atUs) / 1e6);
    const perSecond = (now: number, before: number) => Math.round((now - before) / seconds).toLocaleString("en-US");
    const line = [
      `${((nowUs - startedUs) / 1e6).toFixed(0)}s`,
      `requests ${stats.requests.toLocaleString("en-US")}`,
      `spans ${perSecond(stats.spans, last.spans)}/s`,
      `data points ${perSecond(stats.dataPoints, last.dataPoints)}/s`,
      `logs ${perSecond(stats.logRecords, last.logRecords)}/s`,
      exportCalls(stats),
      ...(options.moment ? [options.moment(stats)].filter(Boolean) : []),
    ].join("  ");
    last = { atUs: nowUs, spans: stats.spans, dataPoints: stats.dataPoints, logRecords: stats.logRecords };
    if (options.interactive) options.writeStatus(line);
    else options.writeLine(line);
  };
  const timer = setInterval(tick, options.interactive ? 1000 : 5000);
  return () => {
    clearInterval(timer);
    if (options.interactive) options.writeStatus("");
  };
}

/**
 * The export calls as they end: delivered, failed and dropped always, so that a reader sees losses appear
 * (or stay at 0); unconfirmed ones and retries once there are any.
 */
function exportCalls({ calls, retries }: RunStats): string {
  const n = (value: number) => value.toLocaleString("en-US");
  return [
    `exports ${n(calls.delivered)} ok`,
    `${n(calls.lost)} failed`,
    ...(calls.unconfirmed > 0 ? [`${n(calls.unconfirmed)} unconfirmed`] : []),
    `${n(calls.dropped)} dropped`,
    ...(retries > 0 ? [`${n(retries)} retries`] : []),
  ].join(", ");
}
