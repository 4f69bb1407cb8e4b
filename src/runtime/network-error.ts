// Why a network call failed before any answer, in the same words on every runtime. Their fetch errors
// differ: Bun puts a system error code on the error itself, Node puts it on the cause of a "fetch failed",
// and Deno gives only messages, such as "tcp connect error: Connection refused (os error 111)".

/** Plain words for the usual system errors, by the code Node and Bun give them. */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ConnectionRefused: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "connect timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  Malformed_HTTP_Response: "the answer is not HTTP/1.1: is this an OTLP/gRPC port? (OTLP/HTTP is usually 4318)",
  ERR_HTTP2_ERROR: "the receiver does not speak HTTP/2: is this an OTLP/HTTP port? (OTLP/gRPC is usually 4317)",
};

/** The failures where nothing answered at the address: no receiver there, a wrong host, or no route to it. */
const NOTHING_ANSWERED: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ConnectionRefused",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

const TRUST = "name the CA that signed it in output.tls.ca_file (or OTEL_EXPORTER_OTLP_CERTIFICATE)";

/**
 * TLS failures in plain words, by the code Node and Bun give them. Bun's own message for some of them is a
 * sentence about its fetch options, so the words come from the code, never from the message.
 */
const TLS_ERRORS: Readonly<Record<string, string>> = {
  ERR_TLS_CERT_ALTNAME_INVALID: "the receiver's certificate is not issued for this host name",
  DEPTH_ZERO_SELF_SIGNED_CERT: `the receiver's certificate is self-signed; ${TRUST}`,
  SELF_SIGNED_CERT_IN_CHAIN: `the receiver's certificate chain ends in an untrusted self-signed CA; ${TRUST}`,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: `the receiver's certificate is signed by an unknown CA; ${TRUST}`,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: `the receiver's certificate is signed by an unknown CA; ${TRUST}`,
  UNABLE_TO_GET_ISSUER_CERT: `the receiver's certificate is signed by an unknown CA; ${TRUST}`,
  CERT_HAS_EXPIRED: "the receiver's certificate has expired",
  CERT_NOT_YET_VALID: "the receiver's certificate is not valid yet",
  CERT_SIGNATURE_FAILURE: "the receiver's certificate has an invalid signature",
  // rustls (Deno) refuses a self-signed certificate made as a CA, as `openssl req -x509` makes them.
  CaUsedAsEndEntity: `the receiver's certificate is a CA's, which Deno does not accept from a server; give the ` +
    "receiver a certificate its CA issued",
  EPROTO: "the handshake failed: does the receiver speak TLS on this port? (http:// and grpc:// are plain)",
  ERR_SSL_WRONG_VERSION_NUMBER:
    "the handshake failed: does the receiver speak TLS on this port? (http:// and grpc:// are plain)",
};

/** Deno's messages for the same errors, and the code Node would give. */
const DENO_MESSAGES: readonly (readonly [RegExp, string])[] = [
  [/\bconnection refused\b/i, "ECONNREFUSED"],
  [/\bconnection reset\b/i, "ECONNRESET"],
  [/\bdns error\b/i, "ENOTFOUND"],
  [/\bconnection timed out\b/i, "ETIMEDOUT"],
  [/\bNotValidForName\b|not valid for name/i, "ERR_TLS_CERT_ALTNAME_INVALID"],
  [/\bUnknownIssuer\b/i, "UNABLE_TO_VERIFY_LEAF_SIGNATURE"],
  [/invalid peer certificate: Expired\b/i, "CERT_HAS_EXPIRED"],
  [/\bCaUsedAsEndEntity\b/, "CaUsedAsEndEntity"],
  [/\bcorrupt message\b|\bInvalidContentType\b/i, "EPROTO"],
];

/** Error chains are short (an error and its cause or two); the bound keeps a cyclic chain from looping. */
const CHAIN_DEPTH = 3;

/**
 * One short phrase for why a `fetch` (or another network call) failed before an HTTP answer:
 * "connection refused (ECONNREFUSED)", "TLS: the receiver's certificate has expired (CERT_HAS_EXPIRED)",
 * "timed out after 10s" when an `AbortSignal.timeout` of `timeoutMs` fired, otherwise the most specific
 * message the runtime gave.
 *
 * @example
 * try {
 *   await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
 * } catch (error) {
 *   throw new Error(`${url}: ${describeNetworkError(error, timeoutMs)}`, { cause: error });
 * }
 */
export function describeNetworkError(error: unknown, timeoutMs?: number): string {
  if (error instanceof Error && error.name === "TimeoutError") {
    return timeoutMs === undefined ? "timed out" : `timed out after ${timeoutMs / 1000}s`;
  }
  const code = errorCode(error);
  if (code !== undefined && code in TLS_ERRORS) return `TLS: ${TLS_ERRORS[code]} (${code})`;
  if (code !== undefined && code in SYSTEM_ERRORS) return `${SYSTEM_ERRORS[code]} (${code})`;
  // Deno's cause repeats the URL and each layer's name: "error sending request for url (...): client
  // error (Connect): tcp connect error: ..."; the last part says it.
  // OpenSSL prefixes its reason with "error:<hex>:<library>:<function>:".
  const message = deepestMessage(error).split("\n")[0]!;
  const phrase = message.split(": ").at(-1)!.replace(/[.?!\s]+$/, "").replace(/^error:[0-9a-f]+:(?:[^:]*:){1,2}/i, "");
  if (isTlsCode(code)) return `TLS: ${phrase} (${code})`;
  // Deno's other certificate failures: "... client error (Connect): invalid peer certificate: <reason>".
  return /invalid peer certificate/i.test(message) ? `TLS: the receiver's certificate is refused (${phrase})` : phrase;
}

/**
 * Whether nothing answered at all: the connection was refused, the host not found or unreachable, or the
 * connect timed out. Only then is "is a receiver listening there?" the question to ask; a TLS failure, a
 * reset connection or an HTTP error status all come from something that answered.
 */
export function nothingAnswered(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && NOTHING_ANSWERED.has(code);
}

/** The code of a failure: the system's or the TLS library's, or the one Deno's message stands for. */
function errorCode(error: unknown): string | undefined {
  const message = deepestMessage(error);
  return systemErrorCode(error) ?? DENO_MESSAGES.find(([pattern]) => pattern.test(message))?.[1];
}

function isTlsCode(code: string | undefined): code is string {
  return code !== undefined && /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|.*_CERT$)/.test(code);
}

/** The system error code of a failure: on the error itself (Bun) or on its cause (Node). */
function systemErrorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < CHAIN_DEPTH; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/** The most specific message of an error chain: Deno and Node say only "fetch failed", and why in the cause. */
function deepestMessage(error: unknown): string {
  let message = String(error);
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < CHAIN_DEPTH; e = e.cause, depth++) {
    message = e.message;
  }
  return message;
}

/**
 * Error codes of failures before a request could leave: no connection was made (refused, no such host, no
 * route), the TLS handshake refused the receiver, or an HTTP/2 connection that was closing (the receiver
 * sent GOAWAY) or gone took no new stream. A request that failed so never arrived.
 */
const NOT_SENT =
  /^(ECONNREFUSED|ConnectionRefused|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ERR_TLS_.*|.*CERT.*|ERR_HTTP2_GOAWAY_SESSION|ERR_HTTP2_INVALID_SESSION)$/;

/** Deno's messages for the same. */
const DENO_NOT_SENT =
  /\b(connection refused|dns error|no route to host|network is unreachable|invalid ?certificate)\b/i;

/**
 * Whether a network call failed before the request could be sent, so that the receiver cannot have it:
 * the connection was refused, the host not found, or its certificate not trusted. Any other failure
 * without an answer (a reset connection, a timeout) may have happened after the receiver took the request.
 *
 * @example
 * throw Object.assign(new Error(`${url}: ${describeNetworkError(error)}`), { mayHaveArrived: !neverSent(error) });
 */
export function neverSent(error: unknown): boolean {
  if (error instanceof Error && error.name === "TimeoutError") return false;
  const code = systemErrorCode(error);
  if (code !== undefined) return NOT_SENT.test(code);
  return DENO_NOT_SENT.test(deepestMessage(error));
}
