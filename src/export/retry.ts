import type { ExportError } from "../plugin-host/plugin.ts";

/**
 * When to send a failed export again. The exporter decides whether a failure is retryable (it knows the
 * protocol: OTLP/gRPC retries UNAVAILABLE, CANCELLED, ...); this decides how long to wait and when to stop.
 */
export interface RetryPolicy {
  /** Backoff before the first retry; it doubles on every further one up to `maxDelayMs`. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** An export gives up once retrying would take it past this long since its first attempt. */
  readonly maxElapsedMs: number;
  /** Attempts at most, the first included. */
  readonly maxAttempts: number;
}

/** The OTLP exporters' usual backoff: 100 ms doubling up to 5 s, for 30 s at most per export. */
export const RETRY_POLICY: RetryPolicy = {
  initialDelayMs: 100,
  maxDelayMs: 5000,
  maxElapsedMs: 30_000,
  maxAttempts: Infinity,
};

/**
 * While no export has ever succeeded the receiver is most likely not there at all: give up after a
 * second, so that a wrong endpoint fails the run quickly with one line instead of after 30 s.
 */
export const FIRST_CONTACT_POLICY: RetryPolicy = {
  initialDelayMs: 100,
  maxDelayMs: 400,
  maxElapsedMs: 1000,
  maxAttempts: 3,
};

/**
 * How long to wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed with `error`
 * `elapsedMs` after the first attempt started, or undefined when the export should not be retried.
 * `random` is in [0, 1).
 */
export function retryDelayMs(
  error: unknown,
  attempt: number,
  elapsedMs: number,
  policy: RetryPolicy,
  random: number,
): number | undefined {
  const { retryable, retryAfterMs } = (error ?? {}) as ExportError;
  if (retryable !== true || attempt >= policy.maxAttempts) return undefined;
  // Equal jitter: half the backoff fixed, half random, so that exporters failing together spread out
  // without any retry coming back at once.
  const backoff = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  const jittered = backoff / 2 + (backoff / 2) * random;
  // A delay the receiver asked for (gRPC RetryInfo) is what it needs to recover: honour it as given.
  const delay = retryAfterMs !== undefined && retryAfterMs >= 0 ? retryAfterMs : jittered;
  return elapsedMs + delay <= policy.maxElapsedMs ? delay : undefined;
}

/** Resolves after `ms`, or at once when `signal` aborts (shutdown ends the wait, and so the retries). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
