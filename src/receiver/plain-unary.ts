import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";

/**
 * A unary gRPC method served directly for plain requests (see `isPlainUnaryRequest`): Connect's general
 * machinery (a chain of async iterables, an AbortController and several promises per request) costs
 * more than the receiver's own work on a small export request, so the common case skips it.
 */
export interface PlainUnaryRoute {
  /**
   * Takes the request message (protobuf, uncompressed) and returns the response message; throws a
   * ConnectError to refuse it. The message may be a view of a buffer reused for the next request: it is
   * valid until `handle` returns, and must be copied to be kept.
   */
  readonly handle: (message: Uint8Array) => Uint8Array;
}

export interface PlainUnaryOptions {
  /** Larger messages are refused with RESOURCE_EXHAUSTED. */
  readonly readMaxBytes: number;
  /**
   * The compressions Connect accepts for the same methods, in its order: a client may ask for one of
   * them in its answers, and Connect names the first it asks for, so the direct path does too.
   */
  readonly compressions: readonly string[];
  /** Request body bytes as they arrive. */
  readonly onBytes: (bytes: number) => void;
  /** The request is answered with an error; called before the answer is written. */
  readonly onRejected: () => void;
}

const PROTO_CONTENT_TYPE = /^application\/grpc(\+proto)?$/i;
const TIMEOUT = /^\d{1,8}[HMSmun]$/;
/** A gRPC envelope holding the empty message: every OTLP Export response without partial success. */
const EMPTY_MESSAGE_ENVELOPE = new Uint8Array(5);

/**
 * Whether a request is one the direct path answers exactly as Connect would: a POST of uncompressed
 * protobuf with at most a well-formed timeout. Anything else (compression, the JSON codec, a bad header,
 * no authority) goes to Connect, which knows every rule and every error answer.
 */
export function isPlainUnaryRequest(request: Http2ServerRequest): boolean {
  const headers = request.headers;
  const encoding = headers["grpc-encoding"];
  const timeout = headers["grpc-timeout"];
  const accepted = headers["grpc-accept-encoding"];
  // A repeated header (an array here) is joined by Connect, which then decides; leave those to it.
  return request.method === "POST" &&
    (headers[":authority"] ?? headers.host) !== undefined &&
    PROTO_CONTENT_TYPE.test(headers["content-type"] ?? "") &&
    (encoding === undefined || encoding === "identity") &&
    (timeout === undefined || (typeof timeout === "string" && TIMEOUT.test(timeout))) &&
    (accepted === undefined || typeof accepted === "string");
}

/**
 * Serves one plain unary request: collects the body, checks its gRPC framing with Connect's rules and
 * error answers (size limit, one uncompressed envelope), calls the route and writes its answer.
 */
export function servePlainUnary(
  request: Http2ServerRequest,
  response: Http2ServerResponse,
  route: PlainUnaryRoute,
  options: PlainUnaryOptions,
): void {
  const chunks: Uint8Array[] = [];
  let received = 0;
  let headerChecked = false;
  let answered = false;
  const refuse = (error: ConnectError) => {
    answered = true;
    options.onRejected();
    answer(response, request, options.compressions, undefined, {
      "grpc-status": String(error.code),
      "grpc-message": encodeURIComponent(error.rawMessage),
    });
  };
  // Enough for a whole message and a whole second one, which tells every error answer apart; beyond
  // that a body is only counted, so that a client cannot make the receiver hold more.
  const keepAtMost = 2 * (5 + options.readMaxBytes);
  request.on("data", (chunk: Uint8Array) => {
    options.onBytes(chunk.byteLength);
    if (answered) return;
    if (received < keepAtMost) chunks.push(chunk);
    received += chunk.byteLength;
    // Like Connect, refuse an oversized message as soon as its length is known.
    if (!headerChecked && received >= 5) {
      headerChecked = true;
      const declared = envelopeLength(joinChunks(chunks), 0);
      if (declared > options.readMaxBytes) refuse(tooLarge(declared, options.readMaxBytes));
    }
  });
  request.on("end", () => {
    if (answered) return;
    let message: Uint8Array;
    try {
      message = singleMessage(joinChunks(chunks), options.readMaxBytes);
    } catch (error) {
      refuse(error as ConnectError);
      return;
    }
    let reply: Uint8Array;
    try {
      reply = route.handle(message);
    } catch (error) {
      refuse(
        error instanceof ConnectError
          ? error
          : new ConnectError("internal error", Code.Internal, undefined, undefined, error),
      );
      return;
    }
    answered = true;
    const body = reply.length === 0 ? EMPTY_MESSAGE_ENVELOPE : envelope(reply);
    answer(response, request, options.compressions, body, { "grpc-status": "0" });
  });
  // A client that goes away mid-request gets no answer; there is nothing to count either.
  request.on("error", () => {});
}

/**
 * Answers a request with a gRPC error without looking at it (an injected failure): the body is read to
 * its end first and thrown away, so the client sees an ordinary error answer, not a reset stream.
 */
export function answerWithError(request: Http2ServerRequest, response: Http2ServerResponse, error: ConnectError): void {
  request.on("data", () => {});
  request.on("end", () => {
    answer(response, request, [], undefined, {
      "grpc-status": String(error.code),
      "grpc-message": encodeURIComponent(error.rawMessage),
    });
  });
  request.on("error", () => {});
}

/** Reused to join a request body's chunks: one buffer instead of a new one of the body's size per request. */
let joined = new Uint8Array(64 * 1024);

/** The chunks as one array, valid until the next call: `handle` runs synchronously before then. */
function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  let length = 0;
  for (const chunk of chunks) length += chunk.byteLength;
  if (length > joined.length) joined = new Uint8Array(Math.max(length, joined.length * 2));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined.subarray(0, length);
}

/**
 * The message of a request body that must hold exactly one uncompressed envelope, or the ConnectError
 * Connect would answer with (in the order Connect finds them).
 */
function singleMessage(body: Uint8Array, readMaxBytes: number): Uint8Array {
  if (body.length === 0) {
    throw new ConnectError("protocol error: missing input message for unary method", Code.Unimplemented);
  }
  const length = envelopeLength(body, 0);
  if (body.length < 5 || body.length < 5 + length) {
    throw new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);
  }
  if (((body[0] ?? 0) & 1) !== 0) {
    throw new ConnectError("received compressed envelope, but do not know how to decompress", Code.Internal);
  }
  const rest = body.length - 5 - length;
  if (rest > 0) {
    const next = envelopeLength(body, 5 + length);
    if (rest >= 5 && next > readMaxBytes) throw tooLarge(next, readMaxBytes);
    if (rest < 5 || rest < 5 + next) {
      throw new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);
    }
    throw new ConnectError("protocol error: received extra input message for unary method", Code.Unimplemented);
  }
  return body.subarray(5);
}

/** The length in the envelope header at `offset` (0 when the header is cut short). */
function envelopeLength(bytes: Uint8Array, offset: number): number {
  if (bytes.length < offset + 5) return 0;
  return new DataView(bytes.buffer, bytes.byteOffset + offset + 1, 4).getUint32(0);
}

function tooLarge(size: number, readMaxBytes: number): ConnectError {
  return new ConnectError(
    `message size ${size} is larger than configured readMaxBytes ${readMaxBytes}`,
    Code.ResourceExhausted,
  );
}

function envelope(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + message.length);
  new DataView(out.buffer).setUint32(1, message.length);
  out.set(message, 5);
  return out;
}

/** Writes a whole gRPC answer with the headers Connect sends, in one go. */
function answer(
  response: Http2ServerResponse,
  request: Http2ServerRequest,
  compressions: readonly string[],
  body: Uint8Array | undefined,
  trailers: Record<string, string>,
): void {
  const headers: Record<string, string> = { "content-type": "application/grpc+proto" };
  const accepted = request.headers["grpc-accept-encoding"];
  const compression = typeof accepted === "string" ? responseCompression(accepted, compressions) : undefined;
  // Connect names the compression it would use for a response even when the response is too small to use it.
  if (compression !== undefined) headers["grpc-encoding"] = compression;
  try {
    response.writeHead(200, headers);
    response.addTrailers(trailers);
    if (body === undefined) response.end();
    else response.end(body);
  } catch {
    // The client went away: nothing to tell it.
  }
}

function responseCompression(accepted: string, compressions: readonly string[]): string | undefined {
  if (accepted === "") return undefined;
  return accepted.split(",").map((name) => name.trim()).find((name) => compressions.includes(name));
}
