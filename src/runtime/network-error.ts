// Why a network call failed before any answer, in the same words on every runtime. Their fetch errors
// differ: Bun puts a system error code on the error itself, Node puts it on the cause of a "fetch failed",
// and Deno gives only messages, such as "tcp connect error: Connection refused (os error 111)".

/** Plain words for the usual system errors, by the code Node and Bun give them. */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ConnectionRefused: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  ETIMEDOUT: "connect timed out",
};

/** Deno's messages for the same errors, and the code Node would give. */
const DENO_MESSAGES: readonly (readonly [RegExp, string])[] = [
  [/\bconnection refused\b/i, "ECONNREFUSED"],
  [/\bconnection reset\b/i, "ECONNRESET"],
  [/\bdns error\b/i, "ENOTFOUND"],
  [/\bconnection timed out\b/i, "ETIMEDOUT"],
];

/** Error chains are short (an error and its cause or two); the bound keeps a cyclic chain from looping. */
const CHAIN_DEPTH = 3;

/**
 * One short phrase for why a `fetch` (or another network call) failed before an HTTP answer:
 * "connection refused (ECONNREFUSED)", "timed out after 10s" when an `AbortSignal.timeout` of `timeoutMs`
 * fired, otherwise the most specific message the runtime gave.
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
  const message = deepestMessage(error).split("\n")[0]!;
  const code = systemErrorCode(error) ?? DENO_MESSAGES.find(([pattern]) => pattern.test(message))?.[1];
  if (code !== undefined && code in SYSTEM_ERRORS) return `${SYSTEM_ERRORS[code]} (${code})`;
  // Deno's cause repeats the URL and each layer's name: "error sending request for url (...): client
  // error (Connect): tcp connect error: ..."; the last part says it.
  return message.split(": ").at(-1)!.replace(/[.?!\s]+$/, "");
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
