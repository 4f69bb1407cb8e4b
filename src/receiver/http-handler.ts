// OTLP/HTTP for the sink: POST /v1/{traces,metrics,logs} with a protobuf or OTLP/JSON
// Export*ServiceRequest, optionally gzipped, answered as the OTLP specification says
// (https://opentelemetry.io/docs/specs/otlp/#otlphttp).
import type { IncomingMessage, ServerResponse } from "node:http";
import { gunzipSync } from "node:zlib";
import { type DescMessage, fromJson, type JsonValue, toBinary } from "@bufbuild/protobuf";
import { base64Encode, BinaryWriter } from "@bufbuild/protobuf/wire";
import { ExportLogsServiceRequestSchema } from "../gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import { ExportMetricsServiceRequestSchema } from "../gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import { ExportTraceServiceRequestSchema } from "../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import { MalformedMessage } from "../otlp/proto-reader.ts";
import { DreamweaverError } from "../plugin-host/errors.ts";
import type { Signal } from "../plugin-host/plugin.ts";
import { concatChunks } from "./concat-chunks.ts";

export interface HttpHandlerOptions {
  /**
   * Records one request, given as the protobuf bytes of its Export*ServiceRequest (valid only during
   * the call); throws to refuse it, which is answered 400 with the error's message.
   */
  readonly record: (signal: Signal, message: Uint8Array) => void;
  /** Larger bodies (as sent, and again once decompressed) are answered 413. */
  readonly readMaxBytes: number;
  /** Request body bytes of a known signal path, as they arrive (compressed, when they are). */
  readonly onBytes: (signal: Signal, bytes: number) => void;
  /** A request to a signal path answered with an error; called before the answer is written. */
  readonly onRejected: (signal: Signal) => void;
}

export type HttpHandler = (request: IncomingMessage, response: ServerResponse) => void;

const PATHS: ReadonlyMap<string, Signal> = new Map([
  ["/v1/traces", "traces"],
  ["/v1/metrics", "metrics"],
  ["/v1/logs", "logs"],
]);

const SCHEMAS: Readonly<Record<Signal, DescMessage>> = {
  traces: ExportTraceServiceRequestSchema,
  metrics: ExportMetricsServiceRequestSchema,
  logs: ExportLogsServiceRequestSchema,
};

const PROTOBUF = "application/x-protobuf";
const JSON_TYPE = "application/json";

/** The id fields OTLP/JSON writes as hex where the protobuf JSON mapping (and so `fromJson`) wants base64. */
const HEX_ID_FIELDS: ReadonlySet<string> = new Set(["traceId", "spanId", "parentSpanId"]);
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** google.rpc.Code values for the Status body of error answers, as the OTLP specification asks. */
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const INTERNAL = 13;
export const UNAVAILABLE = 14;

/** Thrown for a body that cannot be read as the request it claims to be: answered 400. */
class BadBody extends Error {}
/** Thrown for a body larger than the limit once decompressed: answered 413. */
class TooLarge extends Error {}

/** The request handler of the OTLP/HTTP listener. */
export function createHttpHandler(options: HttpHandlerOptions): HttpHandler {
  return (request, response) => {
    const path = (request.url ?? "").split("?", 1)[0] ?? "";
    const signal = PATHS.get(path);
    if (signal === undefined) {
      drainAndAnswer(
        request,
        response,
        404,
        undefined,
        `no OTLP/HTTP endpoint at ${path}; use /v1/traces, /v1/metrics or /v1/logs`,
      );
      return;
    }
    const refuse = (status: number, type: string | undefined, code: number, message: string) => {
      options.onRejected(signal);
      writeAnswer(response, status, type, code, message);
    };
    if (request.method !== "POST") {
      options.onRejected(signal);
      drainAndAnswer(request, response, 405, undefined, `${request.method ?? "?"} not allowed; use POST`, {
        allow: "POST",
      });
      return;
    }
    const type = mediaType(request.headers["content-type"]);
    const encoding = (request.headers["content-encoding"] ?? "identity").trim().toLowerCase();
    if ((type !== PROTOBUF && type !== JSON_TYPE) || (encoding !== "identity" && encoding !== "gzip")) {
      options.onRejected(signal);
      const what = type !== PROTOBUF && type !== JSON_TYPE
        ? `content type "${type}"; use ${PROTOBUF} or ${JSON_TYPE}`
        : `content encoding "${encoding}"; use gzip or none`;
      drainAndAnswer(request, response, 415, undefined, `unsupported ${what}`);
      return;
    }
    // A body is only counted past the limit, so that a client cannot make the receiver hold more.
    const chunks: Uint8Array[] = [];
    let received = 0;
    request.on("data", (chunk: Uint8Array) => {
      options.onBytes(signal, chunk.byteLength);
      received += chunk.byteLength;
      if (received <= options.readMaxBytes) chunks.push(chunk);
    });
    request.on("end", () => {
      if (received > options.readMaxBytes) {
        refuse(413, type, RESOURCE_EXHAUSTED, tooLarge(received, options.readMaxBytes));
        return;
      }
      let message: Uint8Array;
      try {
        const body = concatChunks(chunks);
        const plain = encoding === "gzip" ? gunzip(body, options.readMaxBytes) : body;
        message = type === JSON_TYPE ? jsonToBinary(signal, plain) : plain;
        options.record(signal, message);
      } catch (error) {
        if (error instanceof TooLarge) refuse(413, type, RESOURCE_EXHAUSTED, error.message);
        else if (error instanceof BadBody || error instanceof MalformedMessage) {
          refuse(400, type, INVALID_ARGUMENT, error.message);
        } // Anything else is the receiver's own bug, not the sender's: said so, not blamed on the body.
        else refuse(500, type, INTERNAL, `internal error: ${DreamweaverError.from(error, { code: "USAGE" }).message}`);
        return;
      }
      // An empty Export*ServiceResponse (no partial_success): no bytes in protobuf, `{}` in JSON.
      answer(response, 200, type, type === JSON_TYPE ? "{}" : new Uint8Array(0));
    });
    // A client that goes away mid-request gets no answer.
    request.on("error", () => {});
  };
}

/**
 * Answers an injected failure without looking at the request: 503 with `Retry-After: 0`, which OTLP/HTTP
 * exporters retry at once. The body is read to its end first so the client sees an answer, not a reset.
 */
export function answerUnavailable(request: IncomingMessage, response: ServerResponse, message: string): void {
  request.on("data", () => {});
  request.on("end", () => {
    writeAnswer(response, 503, mediaType(request.headers["content-type"]), UNAVAILABLE, message, {
      "retry-after": "0",
    });
  });
  request.on("error", () => {});
}

/** The media type of a Content-Type header, lowercased, without parameters such as charset. */
function mediaType(header: string | undefined): string {
  return (header ?? "").split(";", 1)[0]?.trim().toLowerCase() ?? "";
}

function tooLarge(size: number, limit: number): string {
  return `message size ${size} is larger than the limit of ${limit} bytes`;
}

/** node:zlib works the same on Bun, Deno and Node; the output limit keeps a small gzip bomb from growing large. */
function gunzip(body: Uint8Array, limit: number): Uint8Array {
  try {
    return gunzipSync(body, { maxOutputLength: limit });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) {
      throw new TooLarge(`decompressed message is larger than the limit of ${limit} bytes`);
    }
    throw new BadBody(`gzip: ${(error as Error).message}`);
  }
}

/**
 * OTLP/JSON to protobuf bytes: the ids are turned from hex into the base64 `fromJson` expects, and the
 * rest (integer enums, 64-bit integers as strings, lowerCamelCase keys) `fromJson` reads as it is. Unknown
 * fields are ignored, as the specification asks of receivers so that newer senders still get through.
 */
function jsonToBinary(signal: Signal, body: Uint8Array): Uint8Array {
  let json: JsonValue;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body)) as JsonValue;
  } catch (error) {
    throw new BadBody(`invalid JSON: ${(error as Error).message}`);
  }
  try {
    const schema = SCHEMAS[signal];
    return toBinary(schema, fromJson(schema, base64Ids(json), { ignoreUnknownFields: true }));
  } catch (error) {
    throw new BadBody(`invalid OTLP/JSON: ${(error as Error).message}`);
  }
}

/** Rewrites hex id fields as base64, in place. A value that is not hex is left for `fromJson` to judge. */
function base64Ids(value: JsonValue): JsonValue {
  if (Array.isArray(value)) {
    for (const item of value) base64Ids(item);
  } else if (value !== null && typeof value === "object") {
    for (const [key, field] of Object.entries(value)) {
      if (HEX_ID_FIELDS.has(key) && typeof field === "string" && HEX.test(field)) {
        value[key] = base64Encode(fromHex(field));
      } else base64Ids(field);
    }
  }
  return value;
}

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Reads a request's body to its end and throws it away, then answers in plain text. */
function drainAndAnswer(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  type: string | undefined,
  message: string,
  headers: Record<string, string> = {},
): void {
  request.on("data", () => {});
  request.on("end", () => writeAnswer(response, status, type, 0, message, headers));
  request.on("error", () => {});
}

/**
 * An error answer. For a protobuf or JSON request the body is a google.rpc.Status in that content type,
 * as the specification asks (exporters show its message); otherwise plain text.
 */
function writeAnswer(
  response: ServerResponse,
  status: number,
  type: string | undefined,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (type === JSON_TYPE) answer(response, status, type, JSON.stringify({ code, message }), headers);
  else if (type === PROTOBUF) answer(response, status, type, encodeStatus(code, message), headers);
  else answer(response, status, "text/plain; charset=utf-8", message + "\n", headers);
}

/** google.rpc.Status { int32 code = 1; string message = 2; }, written by hand: no schema for one message. */
function encodeStatus(code: number, message: string): Uint8Array {
  const writer = new BinaryWriter();
  if (code !== 0) writer.uint32((1 << 3) | 0).int32(code);
  writer.uint32((2 << 3) | 2).string(message);
  return writer.finish();
}

function answer(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): void {
  try {
    response.writeHead(status, {
      "content-type": type,
      "content-length": String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength),
      ...headers,
    });
    response.end(body);
  } catch {
    // The client went away: nothing to tell it.
  }
}
