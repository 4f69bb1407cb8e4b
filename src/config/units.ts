/** Parsers for the seed's string formats. Each returns the value or a message saying what is expected. */

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const RATE = /^\s*(\d+(?:\.\d+)?)\s*\/\s*([a-z]+)\s*$/i;
const RATE_UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  m: 60,
  min: 60,
  minute: 60,
  h: 3600,
  hr: 3600,
  hour: 3600,
};

/** `<count>/<unit>` into requests per second; units s/sec/second, m/min/minute, h/hr/hour. */
export function parseRate(text: string): Parsed<number> {
  const match = RATE.exec(text);
  if (!match || !(match[2]!.toLowerCase() in RATE_UNIT_SECONDS)) {
    return { ok: false, message: `"${text}" is not a rate; write <count>/<s|m|h>, e.g. "100/s" or "6000/m"` };
  }
  const perSecond = Number(match[1]) / RATE_UNIT_SECONDS[match[2]!.toLowerCase()]!;
  if (perSecond <= 0) return { ok: false, message: `rate must be positive (was "${text}")` };
  return { ok: true, value: perSecond };
}

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i;
const DURATION_UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  secs: 1,
  m: 60,
  min: 60,
  mins: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
};

/** `<number><unit>` into seconds; units s/sec/secs, m/min/mins, h/hr/hrs/hour/hours, d/day/days. */
export function parseDuration(text: string): Parsed<number> {
  const match = DURATION.exec(text);
  const unit = match?.[2]?.toLowerCase();
  if (!match || unit === undefined || !(unit in DURATION_UNIT_SECONDS)) {
    return { ok: false, message: `"${text}" is not a duration; write <number><s|m|h|d>, e.g. "30s", "5m" or "1h"` };
  }
  const seconds = Number(match[1]) * DURATION_UNIT_SECONDS[unit]!;
  if (seconds <= 0) return { ok: false, message: `duration must be positive (was "${text}")` };
  return { ok: true, value: seconds };
}

/** A resolved OTLP endpoint: the URL the transport dials and whether it uses TLS. */
export interface Endpoint {
  readonly url: string;
  readonly tls: boolean;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
/** The OTLP ports: 4317 for gRPC, 4318 for HTTP (both protobuf and JSON). */
export const DEFAULT_OTLP_GRPC_PORT = "4317";
export const DEFAULT_OTLP_HTTP_PORT = "4318";

/** Where an endpoint without a port points: the port of the protocol (`output.protocol`, if valid). */
export function defaultOtlpPort(protocol: unknown): string {
  return protocol === "http/protobuf" || protocol === "http/json" ? DEFAULT_OTLP_HTTP_PORT : DEFAULT_OTLP_GRPC_PORT;
}

/**
 * `grpc://host:port` (plain HTTP/2), `http://`, `https://` or a bare `host:port` (plain HTTP/2).
 * `defaultPort` is used when none is written: the protocol's own (4318 for OTLP/HTTP).
 */
export function parseEndpoint(text: string, defaultPort: string = DEFAULT_OTLP_GRPC_PORT): Parsed<Endpoint> {
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  const invalid = {
    ok: false as const,
    message: `"${text}" is not an endpoint; write grpc://host:port, http://host:port, https://host:port or host:port`,
  };
  if (scheme !== undefined && !["grpc", "http", "https"].includes(scheme)) {
    return { ok: false, message: `unsupported scheme "${scheme}://" in "${text}"; use grpc://, http:// or https://` };
  }
  const rest = scheme === undefined ? text : text.slice(scheme.length + 3);
  let url: URL;
  try {
    url = new URL(`${scheme === "https" ? "https" : "http"}://${rest}`);
  } catch {
    return invalid;
  }
  if (url.hostname === "" || url.username !== "" || url.search !== "" || url.hash !== "") return invalid;
  // The seed's gRPC endpoints always name a port; when one is left out, the protocol's own is meant.
  const port = url.port === "" && scheme !== "https" && !/^[^/]*:\d+(\/|$)/.test(rest) ? defaultPort : url.port;
  const origin = `${url.protocol}//${url.hostname}${port === "" ? "" : `:${port}`}`;
  return { ok: true, value: { url: origin + url.pathname.replace(/\/$/, ""), tls: url.protocol === "https:" } };
}

const LATENCY = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s)\s*$/;
const LATENCY_UNIT_US: Record<string, number> = { us: 1, "µs": 1, ms: 1000, s: 1_000_000 };

/** A latency percentile: `40ms`, `1.5s`, `900us`, or a plain number of milliseconds; in microseconds. */
/** Latencies stay under an hour: longer is a typo, and a paced run would wait for it. */
const MAX_LATENCY_US = 3600e6;

export function parseLatency(value: string | number): Parsed<number> {
  if (typeof value === "number") {
    return value > 0 && value * 1000 <= MAX_LATENCY_US
      ? { ok: true, value: value * 1000 }
      : { ok: false, message: `latency must be between 0 and one hour (was ${value} ms)` };
  }
  const match = LATENCY.exec(value);
  if (!match) return { ok: false, message: `"${value}" is not a latency; write e.g. "40ms", "1.5s" or "900us"` };
  const us = Number(match[1]) * LATENCY_UNIT_US[match[2]!]!;
  if (!(us > 0)) return { ok: false, message: `latency must be positive (was "${value}")` };
  return us <= MAX_LATENCY_US ? { ok: true, value: us } : { ok: false, message: `"${value}" is longer than an hour` };
}

/** Seconds as a config would write them: `2m`, `24h`, `1d`, else seconds (`90s`, `7.5s`). */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${Number(seconds.toFixed(1))}s`;
}
