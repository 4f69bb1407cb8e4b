// The custom headers of `output.headers` and OTEL_EXPORTER_OTLP_HEADERS, checked while settings are
// resolved: a header a transport refuses would otherwise fail the first export call (or, over HTTP/2,
// reset the stream), and only `run` would find it. Values may be secrets, so no message quotes one.

/** An HTTP field name (RFC 9110 token); sent lowercase, as HTTP/2 and gRPC metadata require. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;

/**
 * Printable ASCII and spaces: what gRPC metadata carries, and what every HTTP stack accepts (fetch refuses
 * characters above U+00FF; Node's HTTP/2 refuses control characters).
 */
const HEADER_VALUE = /^[\x20-\x7e]*$/;

/** Connection-specific fields that HTTP/2 forbids (RFC 9113, 8.2.2), and the length the transport sets. */
const TRANSPORT_HEADERS: ReadonlySet<string> = new Set([
  "connection",
  "content-length",
  "keep-alive",
  "proxy-connection",
  "te",
  "transfer-encoding",
  "upgrade",
]);

/** Whether `name` is an HTTP field name (a token). */
export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

/** What is wrong with a header's name, or undefined. */
export function headerNameProblem(name: string): string | undefined {
  if (!isHeaderName(name)) return `${JSON.stringify(name)} is not a header name; use letters, digits and -`;
  const lower = name.toLowerCase();
  if (TRANSPORT_HEADERS.has(lower)) return `"${lower}" is set by the transport, not by a config; leave it out`;
  return undefined;
}

/** What is wrong with a header's value, without quoting it, or undefined. */
export function headerValueProblem(name: string, value: string): string | undefined {
  if (HEADER_VALUE.test(value)) return undefined;
  return `the value of header "${name.toLowerCase()}" must be printable ASCII ` +
    "(no line breaks, control or non-ASCII characters)";
}
