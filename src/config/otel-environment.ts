/**
 * The OTLP exporter environment variables of the OpenTelemetry SDKs (OTEL_EXPORTER_OTLP_*), applied to
 * `output`. Pure: the caller reads the environment (only src/host.ts may) and hands it in.
 *
 * Dreamweaver has one exporter for all signals, so a signal-specific variable
 * (OTEL_EXPORTER_OTLP_TRACES_HEADERS...) is honoured only when every signal ends up with the same value;
 * otherwise it is a usage error naming the variable rather than silently applying to all signals.
 */
import type { Problem } from "../plugin-host/errors.ts";
import { badFlag } from "../plugin-host/messages.ts";
import type { Config, OtlpProtocol, TlsFiles } from "./config.ts";
import { headerNameProblem, headerValueProblem, isHeaderName } from "./headers.ts";
import { defaultOtlpPort, type Endpoint, parseEndpoint } from "./units.ts";

type Output = Config["output"];
export type Environment = Readonly<Record<string, string | undefined>>;

const SIGNALS = ["traces", "metrics", "logs"] as const;
type Signal = (typeof SIGNALS)[number];

const PREFIX = "OTEL_EXPORTER_OTLP_";
const PROTOCOLS: readonly OtlpProtocol[] = ["grpc", "http/protobuf", "http/json"];

/**
 * `output` with the OTLP environment variables applied over the config file's values. Precedence per
 * setting: OTEL_EXPORTER_OTLP_<SIGNAL>_<X> over OTEL_EXPORTER_OTLP_<X> over the config file. A bad
 * variable is added to `problems`, named by the variable, and its setting keeps the file's value;
 * without `problems` the first one throws DreamweaverError("USAGE"). Header values are never quoted.
 */
export function applyOtelEnvironment(env: Environment, output: Output, problems?: Problem[]): Output {
  const found: Problem[] = [];
  const attempt = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof VariableProblem)) throw error;
      found.push({ path: error.variable, message: error.detail });
      return fallback;
    }
  };
  const protocol = attempt(() => resolve(env, "PROTOCOL", output.protocol, parseProtocol, same), output.protocol);
  const compression = attempt(
    () => resolve(env, "COMPRESSION", output.compression, parseCompression, same),
    output.compression,
  );
  const timeoutMs = attempt(() => resolve(env, "TIMEOUT", output.timeoutMs, parseTimeout, same), output.timeoutMs);
  const headers = attempt(() =>
    resolve(
      env,
      "HEADERS",
      output.headers,
      // Environment headers add to the config file's, replacing those of the same name.
      (name, text) => ({ ...output.headers, ...parseHeaders(name, text) }),
      (a, b) => canonical(a) === canonical(b),
    ), output.headers);
  const endpoint = attempt(() => resolveEndpoint(env, output.endpoint, protocol), output.endpoint);
  const temporalityName = `${PREFIX}METRICS_TEMPORALITY_PREFERENCE`;
  const temporalityText = value(env, temporalityName);
  const temporality = temporalityText === undefined
    ? output.temporality
    : attempt(() => parseTemporality(temporalityName, temporalityText), output.temporality);
  const tls = attempt(() => resolveTls(env, output.tls), output.tls);
  if (found.length > 0 && !problems) throw badFlag(found[0]!.path, found[0]!.message);
  problems?.push(...found);
  return { ...output, protocol, compression, timeoutMs, headers, endpoint, temporality, ...(tls && { tls }) };
}

/**
 * `output.tls` with OTEL_EXPORTER_OTLP_CERTIFICATE, _CLIENT_CERTIFICATE, _CLIENT_KEY (PEM file paths,
 * relative to the working directory) and _INSECURE (`true`/`false`) applied field by field.
 */
function resolveTls(env: Environment, tls: TlsFiles | undefined): TlsFiles | undefined {
  const caFile = resolve(env, "CERTIFICATE", tls?.caFile, parsePath, same);
  const certFile = resolve(env, "CLIENT_CERTIFICATE", tls?.certFile, parsePath, same);
  const keyFile = resolve(env, "CLIENT_KEY", tls?.keyFile, parsePath, same);
  const insecure = resolve(env, "INSECURE", tls?.insecure, parseBoolean, same);
  if (caFile === undefined && certFile === undefined && keyFile === undefined && insecure === undefined) return tls;
  return {
    ...(caFile !== undefined && { caFile }),
    ...(certFile !== undefined && { certFile }),
    ...(keyFile !== undefined && { keyFile }),
    ...(insecure !== undefined && { insecure }),
  };
}

function parsePath(name: string, text: string): string {
  return plain(name, text).trim();
}

function parseBoolean(name: string, text: string): boolean {
  const flag = plain(name, text).trim().toLowerCase();
  if (flag === "true" || flag === "false") return flag === "true";
  throw usage(name, `"${text}" is not a boolean; use true or false`);
}

/** A variable's value; the SDKs treat an empty one as unset. */
function value(env: Environment, name: string): string | undefined {
  const text = env[name];
  return text === undefined || text.trim() === "" ? undefined : text;
}

/**
 * One setting for all three signals: each signal's own variable, else the generic one, else `fallback`.
 * The single exporter can only apply one value, so signals that end up different are an error.
 */
function resolve<T>(
  env: Environment,
  key: string,
  fallback: T,
  parse: (name: string, text: string) => T,
  equal: (a: T, b: T) => boolean,
): T {
  const genericName = `${PREFIX}${key}`;
  const genericText = value(env, genericName);
  const generic = genericText === undefined ? fallback : parse(genericName, genericText);
  const perSignal = SIGNALS.map((signal) => {
    const name = `${PREFIX}${signal.toUpperCase()}_${key}`;
    const text = value(env, name);
    return { name, value: text === undefined ? generic : parse(name, text), set: text !== undefined };
  });
  const first = perSignal[0]!.value;
  if (perSignal.some((s) => !equal(s.value, first))) {
    // Values can only differ when a signal-specific variable is set, so there is one to name.
    const name = perSignal.find((s) => s.set)!.name;
    throw usage(name, "differs between signals, but dreamweaver sends all signals through one exporter");
  }
  return first;
}

/**
 * The endpoint: OTEL_EXPORTER_OTLP_ENDPOINT is a base URL (OTLP/HTTP appends /v1/<signal>, as the
 * exporter does). A signal-specific endpoint is, over HTTP, the full URL used as-is; the exporter
 * takes one base URL, so it is accepted when it ends in /v1/<signal> and all signals share the base.
 */
function resolveEndpoint(env: Environment, fallback: Endpoint, protocol: OtlpProtocol): Endpoint {
  const port = defaultOtlpPort(protocol);
  const http = protocol !== "grpc";
  const genericName = `${PREFIX}ENDPOINT`;
  const genericText = value(env, genericName);
  const generic = genericText === undefined ? fallback : parseUrl(genericName, genericText, port);
  const bases = SIGNALS.map((signal) => {
    const name = `${PREFIX}${signal.toUpperCase()}_ENDPOINT`;
    const text = value(env, name);
    if (text === undefined) return { name, endpoint: generic, set: false };
    const endpoint = parseUrl(name, text, port);
    if (!http) return { name, endpoint, set: true };
    const suffix = `/v1/${signal}`;
    if (!endpoint.url.endsWith(suffix)) {
      throw usage(name, `must end in ${suffix}: dreamweaver's OTLP/HTTP exporter takes one base URL for all signals`);
    }
    return { name, endpoint: { ...endpoint, url: endpoint.url.slice(0, -suffix.length) }, set: true };
  });
  const first = bases[0]!.endpoint;
  if (bases.some((b) => b.endpoint.url !== first.url || b.endpoint.tls !== first.tls)) {
    const name = bases.find((b) => b.set)?.name ?? genericName;
    throw usage(name, "points elsewhere than the other signals, but dreamweaver sends all signals to one endpoint");
  }
  return first;
}

function parseUrl(name: string, text: string, port: string): Endpoint {
  const parsed = parseEndpoint(plain(name, text).trim(), port);
  if (!parsed.ok) throw usage(name, parsed.message);
  return parsed.value;
}

function parseProtocol(name: string, text: string): OtlpProtocol {
  const protocol = plain(name, text).trim().toLowerCase();
  if ((PROTOCOLS as readonly string[]).includes(protocol)) return protocol as OtlpProtocol;
  throw usage(name, `"${text}" is not a protocol; use grpc, http/protobuf or http/json`);
}

function parseCompression(name: string, text: string): "gzip" | "none" {
  const compression = plain(name, text).trim().toLowerCase();
  if (compression === "gzip" || compression === "none") return compression;
  throw usage(name, `"${text}" is not a compression; use gzip or none`);
}

/** Milliseconds, a positive integer as the specification writes it. */
function parseTimeout(name: string, text: string): number {
  const trimmed = plain(name, text).trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (ms > 0 && Number.isSafeInteger(ms)) return ms;
  throw usage(name, `"${text}" is not a timeout; write a positive number of milliseconds, e.g. 10000`);
}

/**
 * The specification's cumulative, delta and lowmemory. Dreamweaver has one temporality for counters
 * and histograms, the instruments lowmemory makes delta, so lowmemory means delta here.
 */
function parseTemporality(name: string, text: string): "cumulative" | "delta" {
  const preference = plain(name, text).trim().toLowerCase();
  if (preference === "cumulative" || preference === "delta") return preference;
  if (preference === "lowmemory") return "delta";
  throw usage(name, `"${text}" is not a temporality preference; use cumulative, delta or lowmemory`);
}

/**
 * `k=v,k2=v2`: W3C-baggage-like, whitespace around entries ignored, values URL-decoded. Names are
 * lowercased as the config's are. Messages name the entry by position or name, never by value.
 */
export function parseHeaders(name: string, text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const entries = text.split(",");
  entries.forEach((entry, index) => {
    if (entry.trim() === "") return; // a trailing or doubled comma
    const equals = entry.indexOf("=");
    if (equals < 0) throw usage(name, `entry ${index + 1} is not key=value`);
    const key = entry.slice(0, equals).trim().toLowerCase();
    // A name that is no token may be a misplaced secret: it is not quoted either.
    if (!isHeaderName(key)) throw usage(name, `entry ${index + 1} has no valid header name`);
    const nameProblem = headerNameProblem(key);
    if (nameProblem !== undefined) throw usage(name, nameProblem);
    let decoded: string;
    try {
      decoded = decodeURIComponent(entry.slice(equals + 1).trim());
    } catch {
      throw usage(name, `the value of header "${key}" is not valid URL encoding`);
    }
    const problem = headerValueProblem(key, decoded);
    if (problem !== undefined) throw usage(name, problem);
    headers[key] = decoded;
  });
  return headers;
}

/** A value quoted in a message must stay on one line. */
function plain(name: string, text: string): string {
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) throw usage(name, "contains control characters");
  return text;
}

function same<T>(a: T, b: T): boolean {
  return a === b;
}

function canonical(headers: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A variable's problem, caught per setting so that every bad variable is reported. */
class VariableProblem extends Error {
  constructor(readonly variable: string, readonly detail: string) {
    super(`${variable}: ${detail}`);
  }
}

function usage(name: string, message: string): VariableProblem {
  return new VariableProblem(name, message);
}
