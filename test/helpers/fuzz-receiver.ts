// The cases of the receiver fuzz test: real export requests of every signal, damaged at random (seeded),
// sent to the built-in receiver over OTLP/gRPC (HTTP/2, as a raw stream: the bytes go out as they are) or
// OTLP/HTTP, as protobuf or JSON, sometimes gzipped; and what each answer may be.
import { type ClientHttp2Session, connect } from "node:http2";
import { gzipSync } from "node:zlib";
import { encodeExportRequest } from "../../src/otlp/encode.ts";
import { encodeOtlpJson } from "../../src/otlp/otlp-json.ts";
import type { ExportRequest, Signal } from "../../src/plugin-host/plugin.ts";
import { AWKWARD_VALUES, FuzzRandom, mutateBytes, mutateData, mutateText } from "./fuzz.ts";

const SEED = 4_317;

const SERVICES: Readonly<Record<Signal, string>> = {
  traces: "opentelemetry.proto.collector.trace.v1.TraceService",
  metrics: "opentelemetry.proto.collector.metrics.v1.MetricsService",
  logs: "opentelemetry.proto.collector.logs.v1.LogsService",
};

/** One request of the fuzz test, as it goes on the wire. */
export interface FuzzRequest {
  readonly transport: "grpc" | "http";
  readonly signal: Signal;
  readonly json: boolean;
  readonly gzip: boolean;
  /** gRPC: the whole HTTP/2 body, envelope included; HTTP: the body. */
  readonly body: Uint8Array;
}

/** The bodies mutations start from: each captured request as protobuf and as OTLP/JSON. */
export interface Originals {
  readonly protobuf: Readonly<Record<Signal, readonly Uint8Array[]>>;
  readonly json: Readonly<Record<Signal, readonly string[]>>;
}

/**
 * The bodies of captured requests, each cut down to its first three resources: small bodies put the damage
 * closer to every field, and keep 10,000 requests quick.
 */
export function originalsOf(captured: readonly ExportRequest[]): Originals {
  const requests = captured.map((request) => ({ ...request, resources: request.resources.slice(0, 3) }));
  const bySignal = (signal: Signal) => requests.filter((request) => request.signal === signal);
  const signals = ["traces", "metrics", "logs"] as const;
  return {
    protobuf: Object.fromEntries(
      signals.map((signal) => [signal, bySignal(signal).map((request) => encodeExportRequest(request.resources))]),
    ) as Record<Signal, Uint8Array[]>,
    json: Object.fromEntries(
      signals.map((signal) => [signal, bySignal(signal).map((request) => encodeOtlpJson(signal, request.resources))]),
    ) as Record<Signal, string[]>,
  };
}

/** Request `i` of the fuzz test. */
export function fuzzRequest(i: number, originals: Originals): FuzzRequest {
  const random = new FuzzRandom(SEED + i);
  const signal = random.pick(["traces", "metrics", "logs"] as const);
  const transport = random.chance(0.5) ? "grpc" : "http";
  const json = random.chance(transport === "http" ? 0.35 : 0.1);
  let message = json
    ? new TextEncoder().encode(damagedJson(random.pick(originals.json[signal]), random))
    : damagedProtobuf(random.pick(originals.protobuf[signal]), random);
  const gzip = random.chance(0.1);
  if (gzip) {
    message = gzipSync(message);
    if (random.chance(0.5)) message = mutateBytes(message, random);
  }
  const body = transport === "grpc" ? envelope(message, gzip, random) : message;
  return { transport, signal, json, gzip, body };
}

function damagedProtobuf(original: Uint8Array, random: FuzzRandom): Uint8Array {
  const roll = random.next();
  if (roll < 0.1) return original; // some requests stay valid: the receiver must still take them
  if (roll < 0.2) return Uint8Array.from({ length: random.int(2000) }, () => random.int(256));
  if (roll < 0.3) return original.subarray(0, random.int(original.length));
  return mutateBytes(original, random);
}

function damagedJson(original: string, random: FuzzRandom): string {
  const roll = random.next();
  if (roll < 0.1) return original;
  if (roll < 0.15) return `{"resourceSpans":${"[".repeat(50_000)}${"]".repeat(random.int(50_001))}}`;
  if (roll < 0.2) return JSON.stringify(random.pick(AWKWARD_VALUES));
  if (roll < 0.6) {
    const data = JSON.parse(original) as unknown;
    for (let round = 1 + random.int(3); round > 0; round--) mutateData(data, random);
    return JSON.stringify(data);
  }
  return mutateText(original, random);
}

/** The gRPC envelope (flag, 4-byte length, message), now and then with a wrong flag or length, or none. */
function envelope(message: Uint8Array, compressed: boolean, random: FuzzRandom): Uint8Array {
  const out = new Uint8Array(5 + message.length);
  const view = new DataView(out.buffer);
  out[0] = compressed ? 1 : 0;
  view.setUint32(1, message.length);
  out.set(message, 5);
  const roll = random.next();
  if (roll < 0.03) out[0] = out[0]! ^ 1;
  else if (roll < 0.06) {
    view.setUint32(1, random.pick([0, message.length + 1, 0xffffffff, random.int(message.length + 1)]));
  } else if (roll < 0.08) return message;
  else if (roll < 0.1) return new Uint8Array([...out, ...out]);
  return out;
}

/** What the receiver answered: an HTTP status, and for gRPC the grpc-status and grpc-message. */
export interface FuzzAnswer {
  readonly status: number;
  readonly grpcStatus?: string;
  readonly grpcMessage?: string;
}

/** Sends one request; rejects when the exchange breaks instead of ending in an answer. */
export function send(request: FuzzRequest, grpc: ClientHttp2Session, httpUrl: string): Promise<FuzzAnswer> {
  return request.transport === "grpc" ? sendGrpc(request, grpc) : sendHttp(request, httpUrl);
}

function sendGrpc(request: FuzzRequest, session: ClientHttp2Session): Promise<FuzzAnswer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ":method": "POST",
      ":path": `/${SERVICES[request.signal]}/Export`,
      "content-type": request.json ? "application/grpc+json" : "application/grpc",
      te: "trailers",
      ...(request.gzip && { "grpc-encoding": "gzip" }),
    });
    let status = 0;
    let grpc: { grpcStatus?: string; grpcMessage?: string } = {};
    const read = (headers: Record<string, unknown>) => {
      if (headers["grpc-status"] !== undefined) {
        grpc = { grpcStatus: String(headers["grpc-status"]), grpcMessage: String(headers["grpc-message"] ?? "") };
      }
    };
    stream.on("response", (headers) => {
      status = Number(headers[":status"]);
      read(headers);
    });
    stream.on("trailers", read);
    stream.on("data", () => {});
    stream.on("error", reject);
    stream.on("close", () => {
      if (stream.rstCode !== 0 && status === 0) reject(new Error(`stream reset (${stream.rstCode})`));
      else resolve({ status, ...grpc });
    });
    stream.end(request.body);
  });
}

/**
 * One POST; a connection that breaks is tried once more, on a new one: a client may find the keep-alive
 * connection it reuses just closed by the server (a race every HTTP/1.1 client knows), but a receiver that
 * breaks the connection over a body breaks it again.
 */
async function sendHttp(request: FuzzRequest, url: string): Promise<FuzzAnswer> {
  try {
    return await post(request, url, true);
  } catch {
    return await post(request, url, false);
  }
}

async function post(request: FuzzRequest, url: string, keepalive: boolean): Promise<FuzzAnswer> {
  const response = await fetch(`${url}/v1/${request.signal}`, {
    keepalive,
    method: "POST",
    headers: {
      "content-type": request.json ? "application/json" : "application/x-protobuf",
      ...(request.gzip && { "content-encoding": "gzip" }),
    },
    body: request.body as Uint8Array<ArrayBuffer>,
  });
  await response.arrayBuffer();
  return { status: response.status };
}

/** A raw HTTP/2 session to the receiver's gRPC port. */
export function grpcSession(port: number): ClientHttp2Session {
  return connect(`http://127.0.0.1:${port}`);
}

/**
 * Whether an answer is one the receiver may give: a success, or an error it means to give. A bug (an
 * exception the handlers did not expect) would be gRPC UNKNOWN, the direct path's "internal error", or
 * HTTP 500.
 */
export function isExpectedAnswer(answer: FuzzAnswer, request: FuzzRequest): boolean {
  if (request.transport === "http") return answer.status === 200 || (answer.status >= 400 && answer.status < 500);
  if (answer.status !== 200 || answer.grpcStatus === undefined) return false;
  return answer.grpcStatus !== "2" && answer.grpcMessage !== "internal%20error";
}
