import type { Clock } from "../runtime/clock.ts";
import type { RunStats } from "../export/run-stats.ts";

export interface ProgressOptions {
  readonly clock: Clock;
  /** On a terminal the line updates in place every second; otherwise a plain line every 5 s. */
  readonly interactive: boolean;
  /** Paced: the run follows the wall clock, so the time left is the schedule's. Else it is extrapolated. */
  readonly paced: boolean;
  /**
   * Each instance exports its data points once per metrics interval, so per second they come in bursts:
   * their rate is taken over at least this long (the interval, in wall-clock time when paced).
   */
  readonly dataPointWindowUs: number;
  readonly writeLine: (text: string) => void;
  readonly writeStatus: (text: string) => void;
  /** What is happening in the story at the latest request (the scenarios in effect); empty: nothing to say. */
  readonly moment?: (stats: RunStats) => string;
}

interface Sample {
  readonly atUs: number;
  readonly spans: number;
  readonly dataPoints: number;
  readonly logRecords: number;
}

/** Starts the progress display; the returned function stops it (and ends an in-place line). */
export function startProgress(stats: RunStats, options: ProgressOptions): () => void {
  const startedUs = options.clock.nowUs();
  let last: Sample = { atUs: startedUs, spans: 0, dataPoints: 0, logRecords: 0 };
  const dataPoints = new WindowedRate(options.dataPointWindowUs, startedUs);
  const tick = () => {
    const now = sample(stats, options.clock.nowUs());
    const line = progressLine(stats, options, {
      elapsedSeconds: (now.atUs - startedUs) / 1e6,
      nowUs: now.atUs,
      spans: rate(now, last, "spans"),
      dataPoints: dataPoints.add(now.atUs, now.dataPoints),
      logRecords: rate(now, last, "logRecords"),
    });
    last = now;
    if (options.interactive) options.writeStatus(line);
    else options.writeLine(line);
  };
  const timer = setInterval(tick, options.interactive ? 1000 : 5000);
  return () => {
    clearInterval(timer);
    if (options.interactive) options.writeStatus("");
  };
}

interface Rates {
  readonly elapsedSeconds: number;
  /** The clock's time now: how long the spans still running have left (paced runs only). */
  readonly nowUs?: number;
  readonly spans: number;
  readonly dataPoints: number;
  readonly logRecords: number;
}

/**
 * `12s  120/600 requests  20%  ETA 48s  spans 412/s  data points 37/s  logs 95/s  exports 9 ok, 0 failed, 0 dropped`; a run
 * until Ctrl-C shows its count alone.
 */
export function progressLine(stats: RunStats, options: Pick<ProgressOptions, "paced" | "moment">, rates: Rates) {
  const group = (value: number) => Math.round(value).toLocaleString("en-US");
  const total = stats.totalRequests;
  const done = stats.requests;
  const requests = total === undefined
    ? [`requests ${group(done)}`]
    : [`${group(done)}/${group(total)} requests`, `${Math.floor((100 * done) / Math.max(1, total))}%`];
  // Paced, after the last request: its spans still running (a timeout lasts its timeout) are waited for.
  const finishing = stats.finishingUntilUs !== undefined && rates.nowUs !== undefined
    ? Math.max(0, (stats.finishingUntilUs - rates.nowUs) / 1e6)
    : undefined;
  const left = finishing ?? (total === undefined ? undefined : secondsLeft(stats, options.paced, rates.elapsedSeconds));
  return [
    formatSeconds(rates.elapsedSeconds),
    ...requests,
    ...(finishing === undefined ? [] : ["waiting for the spans still running to end (Ctrl-C sends them now)"]),
    ...(left === undefined ? [] : [`ETA ${formatSeconds(left)}`]),
    `spans ${group(rates.spans)}/s`,
    `data points ${group(rates.dataPoints)}/s`,
    `logs ${group(rates.logRecords)}/s`,
    exportCalls(stats),
    ...(options.moment ? [options.moment(stats)].filter(Boolean) : []),
  ].join("  ");
}

/** Paced: until the last request is due. Unpaced: at the pace so far; unknown before the first request. */
function secondsLeft(stats: RunStats, paced: boolean, elapsedSeconds: number): number | undefined {
  const total = stats.totalRequests!;
  // Paced, the latest request's time is now (to within a tick of the scheduler).
  if (paced && stats.endUs !== undefined) {
    return Math.max(0, (stats.endUs - Math.max(stats.simulatedUs, stats.startUs)) / 1e6);
  }
  if (stats.requests === 0) return undefined;
  return (elapsedSeconds * Math.max(0, total - stats.requests)) / stats.requests;
}

/** `45s`, `3m05s`, `2h01m`. */
function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, "0")}m`;
}

function sample(stats: RunStats, atUs: number): Sample {
  return { atUs, spans: stats.spans, dataPoints: stats.dataPoints, logRecords: stats.logRecords };
}

function rate(now: Sample, before: Sample, key: "spans" | "dataPoints" | "logRecords"): number {
  return (now[key] - before[key]) / Math.max(1e-6, (now.atUs - before.atUs) / 1e6);
}

/**
 * The rate of a growing count over at least the last `windowUs`: from the latest sample taken that long
 * ago or longer (or the first), to now. Counts that grow in bursts (a metrics export per interval) read
 * steady instead of a burst one second and zero the next.
 */
export class WindowedRate {
  readonly #samples: { atUs: number; count: number }[];

  constructor(private readonly windowUs: number, startUs: number) {
    this.#samples = [{ atUs: startUs, count: 0 }];
  }

  /** Adds the count at `atUs` (increasing); returns the rate per second. */
  add(atUs: number, count: number): number {
    const samples = this.#samples;
    samples.push({ atUs, count });
    while (samples.length > 2 && samples[1]!.atUs <= atUs - this.windowUs) samples.shift();
    const from = samples.length > 1 ? samples[0]! : { atUs, count };
    return (count - from.count) / Math.max(1e-6, (atUs - from.atUs) / 1e6);
  }
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
