// What a dashboard would show of each service over time, without a backend: per time bucket of the
// spans' own timestamps, its request rate, error rate and latency percentiles, from its SERVER and
// CONSUMER spans (the requests it served), or, for a service that has none (a database seen through
// its client spans), from its CLIENT spans. `sink --buckets 1m`.

/** One bucket of one service. */
export interface ServiceBucket {
  /** Bucket start, RFC 3339 (UTC). */
  readonly start: string;
  readonly requests: number;
  readonly errors: number;
  readonly errorRate: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

export interface BucketReport {
  readonly bucketSeconds: number;
  readonly services: readonly { readonly service: string; readonly buckets: readonly ServiceBucket[] }[];
}

/** Latency bins grow by 2% from 1 µs to about 24 h: percentiles within 1%, memory fixed per bucket. */
const BIN_GROWTH = Math.log(1.02);
const BINS = Math.ceil(Math.log(86_400e9 / 1e3) / BIN_GROWTH) + 1;
const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

interface Tally {
  requests: number;
  errors: number;
  bins: Uint32Array;
}

/** A service's buckets of served requests, and of client calls in case it serves none. */
interface ServiceTallies {
  readonly served: Map<number, Tally>;
  readonly client: Map<number, Tally>;
}

export class TimeBuckets {
  readonly #widthNs: number;
  readonly #services = new Map<string, ServiceTallies>();

  constructor(readonly bucketSeconds: number) {
    this.#widthNs = bucketSeconds * 1e9;
  }

  add(service: string, kind: number, startNs: number, durationNs: number, error: boolean): void {
    const served = kind === SERVER || kind === CONSUMER;
    if (!served && kind !== CLIENT) return;
    let tallies = this.#services.get(service);
    if (!tallies) this.#services.set(service, tallies = { served: new Map(), client: new Map() });
    const buckets = served ? tallies.served : tallies.client;
    const index = Math.floor(startNs / this.#widthNs);
    let tally = buckets.get(index);
    if (!tally) buckets.set(index, tally = { requests: 0, errors: 0, bins: new Uint32Array(BINS) });
    tally.requests++;
    if (error) tally.errors++;
    tally.bins[binOf(durationNs)]!++;
  }

  report(): BucketReport {
    const sorted = [...this.#services].sort(([a], [b]) => (a < b ? -1 : 1));
    const services = sorted.map(([service, { served, client }]) => ({
      service,
      buckets: [...(served.size > 0 ? served : client)].sort(([a], [b]) => a - b).map(([index, tally]) => ({
        start: new Date((index * this.#widthNs) / 1e6).toISOString(),
        requests: tally.requests,
        errors: tally.errors,
        errorRate: Math.round((tally.errors / tally.requests) * 1e4) / 1e4,
        p50Ms: percentileMs(tally, 0.5),
        p95Ms: percentileMs(tally, 0.95),
        p99Ms: percentileMs(tally, 0.99),
      })),
    }));
    return { bucketSeconds: this.bucketSeconds, services };
  }
}

function binOf(durationNs: number): number {
  if (!(durationNs > 1e3)) return 0;
  return Math.min(BINS - 1, Math.floor(Math.log(durationNs / 1e3) / BIN_GROWTH) + 1);
}

/** The bin's geometric middle, in milliseconds, three significant digits. */
function percentileMs(tally: Tally, quantile: number): number {
  const rank = Math.ceil(quantile * tally.requests);
  let seen = 0;
  for (let bin = 0; bin < BINS; bin++) {
    seen += tally.bins[bin]!;
    if (seen >= rank) {
      const ns = bin === 0 ? 1e3 : 1e3 * Math.exp((bin - 0.5) * BIN_GROWTH);
      return Number((ns / 1e6).toPrecision(3));
    }
  }
  return 0;
}
