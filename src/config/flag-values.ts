// The values of command-line flags that read differently from the config fields they override, written
// the way users of telemetrygen and the OpenTelemetry SDKs type them.
import type { OtlpProtocol } from "./config.ts";
import { type Parsed, parseDuration, parseRate } from "./units.ts";

/** `--rate 500` is 500 per second, as telemetrygen reads it; otherwise a rate as the config writes it. */
export function parseRateFlag(text: string): Parsed<number> {
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text)) return parseRate(text);
  const perSecond = Number(text);
  return perSecond > 0
    ? { ok: true, value: perSecond }
    : { ok: false, message: `rate must be positive (was "${text}")` };
}

/** `--duration`: a duration, or `0`/`inf` for a run that goes on until it is stopped (`"endless"`). */
export function parseDurationFlag(text: string): Parsed<number | "endless"> {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === "0" || trimmed === "inf" || trimmed === "infinity") return { ok: true, value: "endless" };
  return parseDuration(text);
}

/** `--requests N`: a positive whole number. */
export function parseRequests(text: string): Parsed<number> {
  const count = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (count >= 1 && Number.isSafeInteger(count)) return { ok: true, value: count };
  return { ok: false, message: `"${text}" is not a number of requests; write a whole number from 1, e.g. 1000` };
}

export const PROTOCOLS: readonly OtlpProtocol[] = ["grpc", "http/protobuf", "http/json"];

export function parseProtocol(text: string): Parsed<OtlpProtocol> {
  const protocol = text.trim().toLowerCase();
  if ((PROTOCOLS as readonly string[]).includes(protocol)) return { ok: true, value: protocol as OtlpProtocol };
  return { ok: false, message: `"${text}" is not a protocol; use grpc, http/protobuf or http/json` };
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;

/**
 * `--header key=value`, one header per flag: the value as written (telemetrygen's `key="value"` quotes
 * are taken off). Names are lowercased as the config's are. Messages never quote the value: it may be a
 * credential.
 */
export function parseHeaderFlag(text: string): Parsed<[string, string]> {
  const equals = text.indexOf("=");
  const name = text.slice(0, Math.max(0, equals)).trim().toLowerCase();
  if (equals < 0 || !HEADER_NAME.test(name)) {
    return { ok: false, message: "write key=value with a header name as the key, e.g. --header api-key=s3cret" };
  }
  const raw = text.slice(equals + 1);
  const value = /^"[^"]*"$/.test(raw) ? raw.slice(1, -1) : raw;
  if (/[\r\n\0]/.test(value)) {
    return { ok: false, message: `the value of header "${name}" contains a line break or NUL` };
  }
  return { ok: true, value: [name, value] };
}
