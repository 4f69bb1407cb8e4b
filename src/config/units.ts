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
 * `defaultPort` is used when none is written: the protocol's own (4318 for OTLP/HTTP). Messages quote the
 * text with any password and query masked: an endpoint may carry a credential by mistake.
 */
export function parseEndpoint(text: string, defaultPort: string = DEFAULT_OTLP_GRPC_PORT): Parsed<Endpoint> {
  const shown = JSON.stringify(maskEndpoint(text));
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  const invalid = (why = "is not an endpoint") => ({
    ok: false as const,
    message: `${shown} ${why}; write grpc://host:port, http://host:port, https://host:port or host:port`,
  });
  if (scheme !== undefined && !["grpc", "http", "https"].includes(scheme)) {
    return { ok: false, message: `unsupported scheme "${scheme}://" in ${shown}; use grpc://, http:// or https://` };
  }
  const rest = scheme === undefined ? text : text.slice(scheme.length + 3);
  const authority = /^[^/?#]*/.exec(rest)![0];
  if (authority.includes("@")) {
    return { ok: false, message: `${shown} has a user name or password; send credentials in output.headers instead` };
  }
  const writtenPort = /:(\d+)$/.exec(authority)?.[1];
  if (writtenPort !== undefined && !(Number(writtenPort) >= 1 && Number(writtenPort) <= 65535)) {
    return { ok: false, message: `port ${writtenPort} of ${shown} is out of range; use 1 to 65535` };
  }
  let url: URL;
  try {
    url = new URL(`${scheme === "https" ? "https" : "http"}://${rest}`);
  } catch {
    return invalid();
  }
  if (url.search !== "" || url.hash !== "") return invalid("has a query or fragment");
  if (!isHost(url.hostname)) {
    return {
      ok: false,
      message: `${shown} has no valid host; use a name of letters, digits, "-" and "." or an IP address`,
    };
  }
  // The seed's gRPC endpoints always name a port; when one is left out, the protocol's own is meant.
  const port = url.port === "" && scheme !== "https" && writtenPort === undefined ? defaultPort : url.port;
  const origin = `${url.protocol}//${url.hostname}${port === "" ? "" : `:${port}`}`;
  return { ok: true, value: { url: origin + url.pathname.replace(/\/$/, ""), tls: url.protocol === "https:" } };
}

/** A DNS name (underscores allowed, as container names have them), an IPv4 address or a bracketed IPv6 one. */
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

function isHost(hostname: string): boolean {
  return HOST_NAME.test(hostname) || /^\[[0-9a-f:.]+\]$/i.test(hostname);
}

/**
 * The endpoint as written, with the password of `user:password@` replaced by `***`, a lone user name too (it is
 * often a token), and the query.
 */
export function maskEndpoint(text: string): string {
  return text
    .replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?[^/?#@:]*):[^/?#@]*@/i, "$1:***@")
    .replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?)[^/?#@:]+@/i, "$1***@")
    .replace(/\?.*$/s, "?***");
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
