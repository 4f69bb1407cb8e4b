import type { ClientHttp2Stream } from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import { compressionGzip, type Http2SessionManager } from "@connectrpc/connect-node";
import { requestHeaderWithCompression, validateResponse, validateTrailer } from "@connectrpc/connect/protocol-grpc";

export interface UnaryCall {
  /** The method's path, e.g. `/opentelemetry.proto.collector.trace.v1.TraceService/Export`. */
  readonly path: string;
  /** The request message, already encoded, after 5 free bytes where the envelope header goes. */
  readonly framed: Uint8Array;
  readonly headers: Record<string, string> | undefined;
  readonly gzip: boolean;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/** Largest answer read: an OTLP Export response is a few bytes, a detailed error status a few KB. */
const READ_MAX_BYTES = 4 * 1024 * 1024;

/**
 * One gRPC unary call on a Connect HTTP/2 session, with Connect's gRPC rules (request headers, response
 * and trailer validation, status and error details), but the request written as one framed buffer and
 * the answer collected as it comes: Connect's general call path re-serializes the pre-encoded message,
 * copies it into an envelope and runs it through a chain of async iterables, which cost the generator
 * 3 to 5 times this (docs/performance.md). Resolves with the response message; throws a ConnectError.
 */
export async function grpcUnary(sessions: Http2SessionManager, call: UnaryCall): Promise<Uint8Array> {
  const deadline = AbortSignal.timeout(call.timeoutMs);
  const signal = AbortSignal.any([call.signal, deadline]);
  const stopped = () =>
    deadline.aborted
      ? new ConnectError("the operation timed out", Code.DeadlineExceeded)
      : new ConnectError("the operation was aborted", Code.Canceled);
  const compression = call.gzip ? compressionGzip : null;
  const header = requestHeaderWithCompression(
    true,
    call.timeoutMs,
    call.headers,
    call.gzip ? [compressionGzip] : [],
    compression,
  );
  const body = await envelope(call.framed, call.gzip);
  if (signal.aborted) throw stopped();
  const stream = await raceAbort(sessions.request("POST", call.path, Object.fromEntries(header), {}), signal, stopped);
  const answered = answer(sessions, stream, signal, stopped);
  stream.end(body);
  return await answered;
}

/**
 * The answer on `stream`: its one response message once the stream closes with an OK status, or a
 * ConnectError (the status, a reset, an answer too large, or `stopped()` when `signal` aborts first).
 */
function answer(
  sessions: Http2SessionManager,
  stream: ClientHttp2Stream,
  signal: AbortSignal,
  stopped: () => ConnectError,
): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let received = 0;
    let status = 0;
    let responseHeader = new Headers();
    let trailer = new Headers();
    let settled = false;
    const settle = (error: ConnectError | undefined, message?: Uint8Array) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (error === undefined) return resolve(message!);
      if (!stream.closed) stream.close(CANCEL);
      reject(error);
    };
    const onAbort = () => settle(stopped());
    signal.addEventListener("abort", onAbort, { once: true });
    stream.on("response", (headers) => {
      status = Number(headers[":status"] ?? 0);
      responseHeader = webHeaders(headers);
    });
    stream.on("trailers", (headers) => (trailer = webHeaders(headers)));
    stream.on("data", (chunk: Uint8Array) => {
      sessions.notifyResponseByteRead(stream);
      received += chunk.length;
      if (received > READ_MAX_BYTES + 5) {
        return settle(new ConnectError("message is larger than configured readMaxBytes", Code.ResourceExhausted));
      }
      chunks.push(chunk);
    });
    stream.on("error", (error) => settle(ConnectError.from(error, Code.Unavailable)));
    stream.on("close", () => {
      if (settled) return;
      // No answer at all: the connection went away (a receiver restarting), which is worth another try.
      if (status === 0) {
        return settle(
          stream.rstCode !== 0
            ? resetError(stream)
            : new ConnectError("the stream closed unanswered", Code.Unavailable),
        );
      }
      try {
        const { foundStatus, headerError } = validateResponse(status, responseHeader);
        if (headerError) throw headerError;
        if (!foundStatus) validateTrailer(trailer, responseHeader);
        readMessage(concat(chunks, received), responseHeader).then(
          (message) => settle(undefined, message),
          (error) => settle(ConnectError.from(error, Code.Internal)),
        );
      } catch (error) {
        settle(ConnectError.from(error, Code.Internal));
      }
    });
  });
}

const CANCEL = 0x8;

/** HTTP/2 reset codes gRPC maps to a status other than INTERNAL: refused, cancelled, calm down, security. */
const RESET_CODES: Record<number, Code> = {
  0x7: Code.Unavailable,
  [CANCEL]: Code.Canceled,
  0xb: Code.ResourceExhausted,
  0xc: Code.PermissionDenied,
};

/** The message in its gRPC envelope: a flag byte (1 when compressed) and its length, big-endian. */
async function envelope(framed: Uint8Array, gzip: boolean): Promise<Uint8Array> {
  const out = gzip ? withHeadroom(await compressionGzip.compress(framed.subarray(5))) : framed;
  out[0] = gzip ? 1 : 0;
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(1, out.length - 5);
  return out;
}

function withHeadroom(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + message.length);
  out.set(message, 5);
  return out;
}

/** The one response message of a unary call, decompressed if the server compressed it. */
async function readMessage(bytes: Uint8Array, header: Headers): Promise<Uint8Array> {
  if (bytes.length < 5) {
    throw new ConnectError("protocol error: missing output message for unary method", Code.Unimplemented);
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
  if (bytes.length !== 5 + length) {
    throw new ConnectError("protocol error: received extra output message for unary method", Code.Unimplemented);
  }
  const message = bytes.subarray(5);
  if ((bytes[0]! & 1) === 0) return message;
  if ((header.get("grpc-encoding") ?? "").toLowerCase() !== "gzip") {
    throw new ConnectError("protocol error: received compressed output without grpc-encoding", Code.Internal);
  }
  return await compressionGzip.decompress(message, READ_MAX_BYTES);
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function webHeaders(headers: Record<string, string | string[] | undefined>): Headers {
  const out = new Headers();
  for (const [key, value] of Object.entries(headers)) {
    if (key.startsWith(":") || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) out.append(key, item);
  }
  return out;
}

/** A stream the server reset before answering, as gRPC maps HTTP/2 error codes. */
function resetError(stream: ClientHttp2Stream): ConnectError {
  const code = RESET_CODES[stream.rstCode] ?? Code.Internal;
  return new ConnectError(`http/2 stream closed with error code ${stream.rstCode}`, code);
}

/** The stream, or the stop error as soon as `signal` aborts (a stream opened after that is closed at once). */
function raceAbort(
  opening: Promise<ClientHttp2Stream>,
  signal: AbortSignal,
  stopped: () => ConnectError,
): Promise<ClientHttp2Stream> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(stopped());
    signal.addEventListener("abort", onAbort, { once: true });
    opening.then((stream) => {
      if (signal.aborted) stream.close(CANCEL);
      resolve(stream);
    }, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
