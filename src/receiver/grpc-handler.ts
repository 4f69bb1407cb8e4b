import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import {
  type ConnectRouter,
  createConnectRouter,
  createContextKey,
  createContextValues,
  type HandlerContext,
} from "@connectrpc/connect";
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from "@connectrpc/connect-node";
import type { UniversalServerRequest, UniversalServerResponse } from "@connectrpc/connect/protocol";
import { isPlainUnaryRequest, type PlainUnaryOptions, type PlainUnaryRoute, servePlainUnary } from "./plain-unary.ts";
import { concatChunks } from "./concat-chunks.ts";

/** The request body as it came off the wire, for the RPC implementation to look at. */
export interface ReceivedBody {
  /** Kept only when someone wants the raw request. */
  readonly chunks: Uint8Array[] | undefined;
}

const receivedBodyKey = createContextKey<ReceivedBody>({ chunks: undefined });

/** The body of the request an RPC implementation is handling. */
export function receivedBody(context: HandlerContext): ReceivedBody {
  return context.values.get(receivedBodyKey);
}

export interface GrpcHandlerOptions {
  readonly routes: (router: ConnectRouter) => void;
  /**
   * Other implementations of the same methods for requests with the JSON codec (`application/grpc+json`),
   * for routes that read protobuf requests in a way only protobuf allows. Default: `routes`.
   */
  readonly jsonRoutes?: (router: ConnectRouter) => void;
  /**
   * Unary methods (by request path, e.g. `/pkg.Service/Method`) to serve without Connect when a request is
   * plain uncompressed protobuf, which is nearly always; the method must be in `routes` too, for the rest.
   */
  readonly plainUnary?: ReadonlyMap<string, PlainUnaryRoute>;
  /** Larger messages are refused with RESOURCE_EXHAUSTED, as a collector does. */
  readonly readMaxBytes: number;
  readonly keepChunks: boolean;
  /** Request body bytes of a routed request, as they arrive (before the RPC implementation runs). */
  readonly onBytes: (service: string, bytes: number) => void;
  /** A routed request answered with an error; called before the client can see the answer. */
  readonly onRejected: (service: string) => void;
}

const JSON_CONTENT_TYPE = /^application\/grpc\+json\s*(;|$)/i;
const COMPRESSIONS = [compressionGzip, compressionBrotli];

/**
 * A gRPC-only request handler for `http2.createServer`. It does what `connectNodeAdapter` does, plus
 * counting the request body on its way in, which the adapter keeps out of reach, plus answering plain
 * requests to `plainUnary` methods directly.
 */
export function createGrpcHandler(
  options: GrpcHandlerOptions,
): (request: Http2ServerRequest, response: Http2ServerResponse) => void {
  const handlersFor = (routes: (router: ConnectRouter) => void) => {
    const router = createConnectRouter({
      grpc: true,
      grpcWeb: false,
      connect: false,
      readMaxBytes: options.readMaxBytes,
      acceptCompression: COMPRESSIONS,
    });
    routes(router);
    return new Map(router.handlers.map((handler) => [handler.requestPath, handler]));
  };
  const handlers = handlersFor(options.routes);
  const jsonHandlers = options.jsonRoutes === undefined ? handlers : handlersFor(options.jsonRoutes);
  const plainRoutes = new Map<string, { route: PlainUnaryRoute; options: PlainUnaryOptions }>();
  for (const [path, route] of options.plainUnary ?? []) {
    const service = handlers.get(path)?.service.typeName;
    if (service === undefined) throw new Error(`createGrpcHandler: ${path} is not routed`);
    plainRoutes.set(path, {
      route,
      options: {
        readMaxBytes: options.readMaxBytes,
        compressions: COMPRESSIONS.map((compression) => compression.name),
        onBytes: (bytes) => options.onBytes(service, bytes),
        onRejected: () => options.onRejected(service),
      },
    });
  }

  return (request, response) => {
    const path = request.url.split("?", 1)[0] ?? "";
    const json = JSON_CONTENT_TYPE.test(request.headers["content-type"] ?? "");
    const plain = json ? undefined : plainRoutes.get(path);
    if (plain !== undefined && isPlainUnaryRequest(request)) {
      servePlainUnary(request, response, plain.route, plain.options);
      return;
    }
    const handler = (json ? jsonHandlers : handlers).get(path);
    if (handler === undefined) {
      response.writeHead(404).end();
      return;
    }
    const service = handler.service.typeName;
    const body: ReceivedBody = { chunks: options.keepChunks ? [] : undefined };
    const values = createContextValues().set(receivedBodyKey, body);
    let universal: UniversalServerRequest;
    try {
      universal = universalRequestFromNodeRequest(request, response, undefined, values);
    } catch {
      // Only a request without :authority gets here; HTTP/2 clients always send one.
      response.writeHead(400).end();
      return;
    }
    handler(countingBody(universal, body, (bytes) => options.onBytes(service, bytes)))
      .then((answer) =>
        universalResponseToNodeResponse(watchStatus(answer, () => options.onRejected(service)), response)
      )
      // The client went away mid-answer: nothing to tell it, and nothing to count.
      .catch(() => {});
  };
}

function countingBody(
  request: UniversalServerRequest,
  body: ReceivedBody,
  onBytes: (bytes: number) => void,
): UniversalServerRequest {
  const source = request.body;
  if (!isByteStream(source)) return request;
  async function* counted(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    for await (const chunk of chunks) {
      body.chunks?.push(chunk);
      onBytes(chunk.byteLength);
      yield chunk;
    }
  }
  return { ...request, body: counted(source) };
}

/**
 * Calls `onError` when the answer is an error. A gRPC status sits in the trailer, which Connect fills
 * in only once the response body is exhausted, so the check waits for that and runs before the
 * trailer is written.
 */
function watchStatus(answer: UniversalServerResponse, onError: () => void): UniversalServerResponse {
  const failed = () => answer.status !== 200 || (answer.trailer?.get("grpc-status") ?? "0") !== "0";
  const source = answer.body;
  if (source === undefined) {
    if (failed()) onError();
    return answer;
  }
  async function* watched(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    yield* chunks;
    if (failed()) onError();
  }
  return { ...answer, body: watched(source) };
}

function isByteStream(body: unknown): body is AsyncIterable<Uint8Array> {
  return typeof body === "object" && body !== null && Symbol.asyncIterator in body;
}

/**
 * The protobuf message of a gRPC request body exactly as sent, or undefined when the sender compressed
 * it, used the JSON codec, or framed it unexpectedly.
 */
export function grpcPayload(body: ReceivedBody, contentType: string | null): Uint8Array | undefined {
  if (body.chunks === undefined || !/^application\/grpc(\+proto)?\s*(;|$)/.test(contentType ?? "")) return undefined;
  const bytes = concatChunks(body.chunks);
  if (bytes.length < 5 || bytes[0] !== 0) return undefined;
  const length = new DataView(bytes.buffer, bytes.byteOffset + 1, 4).getUint32(0);
  return length === bytes.length - 5 ? bytes.subarray(5) : undefined;
}
