import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:http2";
import type { Http2ServerRequest, Http2ServerResponse, Http2Session } from "node:http2";
import type { AddressInfo, Server, Socket } from "node:net";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { DreamweaverError } from "../plugin-host/errors.ts";
import { cannotListen, failRateOutOfRange, negativeDelay } from "../plugin-host/messages.ts";
import { PreEncodedExportRequestSchema } from "../gen/dreamweaver/wire/v1/pre_encoded_pb.ts";
import {
  ExportLogsServiceRequestSchema,
  LogsService,
} from "../gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import {
  ExportMetricsServiceRequestSchema,
  MetricsService,
} from "../gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import {
  ExportTraceServiceRequestSchema,
  TraceService,
} from "../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import { ResourceLogsSchema } from "../gen/opentelemetry/proto/logs/v1/logs_pb.ts";
import { ResourceMetricsSchema } from "../gen/opentelemetry/proto/metrics/v1/metrics_pb.ts";
import { ResourceSpansSchema } from "../gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import { preEncodedExportMethod } from "../otlp/otlp-methods.ts";
import type { Signal } from "../plugin-host/plugin.ts";
import { createGrpcHandler, grpcPayload, receivedBody } from "./grpc-handler.ts";
import { answerUnavailable, createHttpHandler } from "./http-handler.ts";
import { answerWithError, type PlainUnaryRoute } from "./plain-unary.ts";
import { MalformedMessage } from "../otlp/proto-reader.ts";
import { splitExportRequest } from "./split-export-request.ts";
import type { SinkReport, SinkStats } from "./report.ts";
import { SinkRecorder } from "./recorder.ts";

export interface SinkOptions {
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** TCP port; default 4317, and 0 picks a free one (see `Sink.port`). */
  readonly port?: number;
  /**
   * TCP port of a second listener for OTLP/HTTP (HTTP/1.1, as OTLP/HTTP exporters speak it); 0 picks a
   * free one (see `Sink.httpPort`). Absent: no OTLP/HTTP listener.
   */
  readonly httpPort?: number;
  /** A trace is checked once nothing has arrived for it for this long; default 5000 ms. */
  readonly traceIdleMs?: number;
  /** Open (unchecked) traces kept at most; past it the least recently active is checked early. Default 100 000. */
  readonly maxOpenTraces?: number;
  /**
   * Spans and log records held for open traces at most, together; past it the least recently active
   * traces are checked early. Default 2 000 000 (see SINK_DEFAULTS).
   */
  readonly maxOpenItems?: number;
  /** Report each service's rate, errors and latency per time bucket of this many seconds; default none. */
  readonly bucketSeconds?: number;
  /** Cumulative counter streams followed at most; default 100 000. */
  readonly maxMetricStreams?: number;
  /** Largest request message accepted, as a collector's max_recv_msg_size; default 4 MiB. */
  readonly maxMessageBytes?: number;
  /**
   * Called with every accepted request's protobuf bytes: as sent when the request was uncompressed
   * binary, otherwise re-encoded from the decoded message (canonical, so still comparable).
   */
  readonly onRequest?: (signal: Signal, bytes: Uint8Array) => void;
  /**
   * Fault injection: this fraction (0 to 1) of calls is answered with `failCode` without being read or
   * counted. Deterministic, to make tests repeatable: with 0.2 every 5th call fails. Default 0.
   */
  readonly failRate?: number;
  /**
   * The gRPC status of injected failures; default 14, UNAVAILABLE (which exporters retry). OTLP/HTTP
   * requests fail with 503 and `Retry-After: 0` whatever this is.
   */
  readonly failCode?: Code;
  /** Fault injection: every call is answered this much later (ms); default 0. */
  readonly delayMs?: number;
}

/** Counts of the fault injection, in the stats and the report only when failures are injected. */
export interface FaultCounts {
  /** Calls answered with an injected failure. */
  injectedFailures?: number;
}

/** A running OTLP/gRPC receiver that counts and checks what it receives. */
export interface Sink {
  readonly host: string;
  /** The port actually bound. */
  readonly port: number;
  /** The OTLP/HTTP port actually bound, when `httpPort` was given. */
  readonly httpPort?: number;
  /** Live figures. */
  stats(): SinkStats & FaultCounts;
  /** Checks every trace still open and reports everything received so far. */
  report(): SinkReport & FaultCounts;
  /**
   * Fault injection: a crash and restart. Cuts every connection at once, so that calls being handled get
   * no answer (though what they carried may be recorded), stops listening for `downMs`, then listens on
   * the same ports again, its counts and checks intact, as a receiver whose storage survived a restart.
   */
  restart(downMs: number): Promise<void>;
  /** Stops accepting, lets requests in flight finish, and resolves once the server is closed. */
  close(): Promise<void>;
}

const SIGNALS: ReadonlyMap<string, Signal> = new Map([
  [TraceService.typeName, "traces"],
  [MetricsService.typeName, "metrics"],
  [LogsService.typeName, "logs"],
]);

/** The limits of a sink not told otherwise. */
export const SINK_DEFAULTS = {
  traceIdleMs: 5000,
  maxOpenTraces: 100_000,
  /**
   * The memory bound on open traces. A span or log record held for a trace takes about 100 bytes, so
   * this is some 200 MB at most, whatever the traces look like (100 000 traces of any size would not be
   * bounded). It is not reached in normal use: at 100 000 spans/s plus their log records and the 5 s idle
   * time, about 900 000 items are open. The idle time stays 5 s rather than less: spans of one trace often
   * come from several exporters, and an SDK's batch processor waits up to 5 s before it sends.
   */
  maxOpenItems: 2_000_000,
  maxMetricStreams: 100_000,
  /**
   * Requests remembered to recognise a sender's retries of them: some 10 MB. At 1,000 requests/s that is
   * 100 s, three times the 30 s for which OTLP exporters retry a call.
   */
  rememberedRequests: 100_000,
} as const;

/**
 * Idle traces are checked this often at most: a sweep costs nothing when no trace is idle, and small
 * sweeps keep a receiver under load from pausing for a second's worth of traces at once.
 */
const MAX_SWEEP_INTERVAL_MS = 200;

/**
 * HTTP/2 flow-control window per stream (and four times that per connection). With the 64 KiB default an
 * exporter with several requests of some 100 KiB in flight keeps waiting for window updates, a round trip
 * each: replaying requests, the receiver took about a quarter more of them per second with this.
 */
const WINDOW_BYTES = 4 * 1024 * 1024;

/** Exporters keep their connection open; this is how long close() waits before cutting them off. */
const CLOSE_GRACE_MS = 2000;

/**
 * Starts the built-in OTLP/gRPC receiver (TraceService, MetricsService, LogsService over h2c), and with
 * `httpPort` an OTLP/HTTP one beside it, both recording into the same counts and checks.
 * A port that cannot be bound is a DreamweaverError.
 */
export async function startSink(options: SinkOptions = {}): Promise<Sink> {
  const host = options.host ?? "127.0.0.1";
  const traceIdleMs = options.traceIdleMs ?? SINK_DEFAULTS.traceIdleMs;
  const recorder = new SinkRecorder({
    idleMs: traceIdleMs,
    maxOpenTraces: Math.max(1, options.maxOpenTraces ?? SINK_DEFAULTS.maxOpenTraces),
    maxOpenItems: Math.max(1, options.maxOpenItems ?? SINK_DEFAULTS.maxOpenItems),
    maxMetricStreams: options.maxMetricStreams ?? SINK_DEFAULTS.maxMetricStreams,
    rememberedRequests: SINK_DEFAULTS.rememberedRequests,
    now: () => performance.now(),
    ...(options.bucketSeconds !== undefined && { bucketSeconds: options.bucketSeconds }),
  });
  const routes = sinkRoutes(recorder, options.onRequest);
  const faults = injectFaults(options);
  const readMaxBytes = options.maxMessageBytes ?? 4 * 1024 * 1024;
  const failure = new ConnectError("injected failure (sink --fail-rate)", options.failCode ?? Code.Unavailable);
  const grpcHandler = faults.wrap(
    createGrpcHandler({
      routes: routes.binary,
      jsonRoutes: routes.json,
      plainUnary: routes.plain,
      readMaxBytes,
      keepChunks: options.onRequest !== undefined,
      onBytes(service, bytes) {
        const signal = SIGNALS.get(service);
        if (signal !== undefined) recorder.received(signal, bytes);
      },
      onRejected: () => recorder.rejected(),
    }),
    (request, response) => answerWithError(request, response, failure),
  );
  const httpHandler = faults.wrap(
    createHttpHandler({
      // The same entry point as plain gRPC requests: counting and checks cannot differ.
      record: routes.record,
      readMaxBytes,
      onBytes: (signal, bytes) => recorder.received(signal, bytes),
      onRejected: () => recorder.rejected(),
    }),
    (request, response) => answerUnavailable(request, response, failure.rawMessage),
  );
  let grpc = await startGrpcListener(host, options.port ?? 4317, grpcHandler);
  let http: Listener | undefined;
  if (options.httpPort !== undefined) {
    try {
      http = await startHttpListener(host, options.httpPort, httpHandler);
    } catch (error) {
      await grpc.close(CLOSE_GRACE_MS);
      throw error;
    }
  }
  const sweeper = setInterval(() => recorder.sweep(), Math.max(10, Math.min(MAX_SWEEP_INTERVAL_MS, traceIdleMs / 2)));
  let closing: Promise<void> | undefined;

  return {
    host,
    port: grpc.port,
    ...(http !== undefined && { httpPort: http.port }),
    stats: () => ({ ...recorder.stats(), ...faults.counts() }),
    report: () => ({ ...recorder.report(), ...faults.counts() }),
    async restart(downMs) {
      // A crash: every connection cut at once, so calls being handled get no answer.
      await Promise.all([grpc.close(0), http?.close(0)]);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      if (closing !== undefined) return;
      grpc = await startGrpcListener(host, grpc.port, grpcHandler);
      if (http !== undefined) http = await startHttpListener(host, http.port, httpHandler);
    },
    close() {
      closing ??= Promise.all([grpc.close(CLOSE_GRACE_MS), http?.close(CLOSE_GRACE_MS)]).then(() => {}).finally(() =>
        clearInterval(sweeper)
      );
      return closing;
    },
  };
}

type RequestHandler<Request, Response> = (request: Request, response: Response) => void;

/**
 * Wraps request handlers to fail a `failRate` share of calls (answered by `fail`) and delay every answer
 * by `delayMs`. Both listeners share one count of calls, so the rate holds whichever protocol is used.
 */
function injectFaults(options: SinkOptions): {
  wrap<Request, Response>(
    handler: RequestHandler<Request, Response>,
    fail: RequestHandler<Request, Response>,
  ): RequestHandler<Request, Response>;
  counts(): FaultCounts;
} {
  const failRate = options.failRate ?? 0;
  const delayMs = options.delayMs ?? 0;
  if (!(failRate >= 0 && failRate <= 1)) {
    throw failRateOutOfRange(failRate);
  }
  if (!(delayMs >= 0)) throw negativeDelay(delayMs);
  let calls = 0;
  let injectedFailures = 0;
  const wrap = <Request, Response>(
    handler: RequestHandler<Request, Response>,
    failed: RequestHandler<Request, Response>,
  ): RequestHandler<Request, Response> => {
    if (failRate === 0 && delayMs === 0) return handler;
    return (request, response) => {
      calls++;
      // Call n fails when n * rate passes a whole number: exactly the rate's share, evenly spread, no randomness.
      const fail = Math.floor(calls * failRate) > Math.floor((calls - 1) * failRate);
      if (fail) injectedFailures++;
      const serve = () => (fail ? failed(request, response) : handler(request, response));
      if (delayMs > 0) setTimeout(serve, delayMs);
      else serve();
    };
  };
  return { wrap, counts: () => (failRate > 0 ? { injectedFailures } : {}) };
}

/**
 * The Export methods, served three ways; all hand the recorder a request's resources still encoded, which
 * it scans in place for the few facts it needs instead of decoding a message object per span, attribute
 * and value:
 * - `plain`: uncompressed protobuf, nearly every request, answered without Connect (see PlainUnaryRoute);
 * - `binary`: the rest of protobuf (compressed), through Connect, with a request type whose field 1 is
 *   `repeated bytes` (the wire form of the real request's resources), so Connect only splits it;
 * - `json`: gRPC with the JSON codec, which hardly anyone uses, decoded in full and re-encoded.
 */
function sinkRoutes(recorder: SinkRecorder, onRequest: SinkOptions["onRequest"]) {
  /** Records one request; a malformed one is refused the way a decoder's refusal would be. */
  function accept(signal: Signal, resources: readonly Uint8Array[]): void {
    try {
      recorder[signal](resources);
    } catch (error) {
      throw refusal(error);
    }
  }

  const binary = (router: ConnectRouter) => {
    for (const signal of ["traces", "metrics", "logs"] as const) {
      router.rpc(preEncodedExportMethod(signal), (request, context) => {
        accept(signal, request.resources);
        if (onRequest !== undefined) {
          const raw = grpcPayload(receivedBody(context), context.requestHeader.get("content-type"));
          onRequest(signal, raw ?? canonicalEncoding(signal, toBinary(PreEncodedExportRequestSchema, request)));
        }
        // An empty response: no partial_success.
        return {};
      });
    }
  };

  const json = (router: ConnectRouter) => {
    router.service(TraceService, {
      export(request) {
        accept("traces", request.resourceSpans.map((resource) => toBinary(ResourceSpansSchema, resource)));
        onRequest?.("traces", toBinary(ExportTraceServiceRequestSchema, request));
        return {};
      },
    });
    router.service(MetricsService, {
      export(request) {
        accept("metrics", request.resourceMetrics.map((resource) => toBinary(ResourceMetricsSchema, resource)));
        onRequest?.("metrics", toBinary(ExportMetricsServiceRequestSchema, request));
        return {};
      },
    });
    router.service(LogsService, {
      export(request) {
        accept("logs", request.resourceLogs.map((resource) => toBinary(ResourceLogsSchema, resource)));
        onRequest?.("logs", toBinary(ExportLogsServiceRequestSchema, request));
        return {};
      },
    });
  };

  /**
   * Records one whole encoded Export request: plain gRPC requests and every OTLP/HTTP request come this
   * way. Throws MalformedMessage for one that is not valid protobuf. The message is only lent to this call.
   */
  function record(signal: Signal, message: Uint8Array): void {
    recorder[signal](splitExportRequest(message));
    onRequest?.(signal, message.slice());
  }

  /** Plain protobuf requests, answered without Connect (see PlainUnaryRoute): the same work on the raw message. */
  const plain = new Map<string, PlainUnaryRoute>();
  for (const signal of ["traces", "metrics", "logs"] as const) {
    const method = preEncodedExportMethod(signal);
    plain.set(`/${method.parent.typeName}/${method.name}`, {
      handle(message) {
        try {
          record(signal, message);
        } catch (error) {
          throw refusal(error);
        }
        return EMPTY;
      },
    });
  }

  return { binary, json, plain, record };
}

/** The empty response message: no partial_success. */
const EMPTY = new Uint8Array(0);

/** A malformed request is answered as Connect (and grpc-go) answer a failed decode: INTERNAL, "parse binary". */
function refusal(error: unknown): unknown {
  if (!(error instanceof MalformedMessage)) return error;
  return new ConnectError(`parse binary: ${error.message}`, Code.Internal, undefined, undefined, error);
}

/** A request as protobuf-es would encode it after decoding: for a compressed request, whose bytes as sent are gone. */
function canonicalEncoding(signal: Signal, bytes: Uint8Array): Uint8Array {
  switch (signal) {
    case "traces":
      return toBinary(ExportTraceServiceRequestSchema, fromBinary(ExportTraceServiceRequestSchema, bytes));
    case "metrics":
      return toBinary(ExportMetricsServiceRequestSchema, fromBinary(ExportMetricsServiceRequestSchema, bytes));
    case "logs":
      return toBinary(ExportLogsServiceRequestSchema, fromBinary(ExportLogsServiceRequestSchema, bytes));
  }
}

/** A listening server, which closes letting requests in flight finish within `graceMs`, then cutting them off. */
interface Listener {
  readonly port: number;
  close(graceMs: number): Promise<void>;
}

/** The OTLP/gRPC listener: HTTP/2 without TLS, with large flow-control windows. */
async function startGrpcListener(
  host: string,
  port: number,
  handler: (request: Http2ServerRequest, response: Http2ServerResponse) => void,
): Promise<Listener> {
  const server = createServer({ settings: { initialWindowSize: WINDOW_BYTES } }, handler);
  const sessions = new Set<Http2Session>();
  server.on("session", (session) => {
    session.setLocalWindowSize(WINDOW_BYTES * 4);
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  const bound = await listen(server, host, port, "--grpc-port");
  return {
    port: bound,
    async close(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // GOAWAY: in-flight exports complete, new ones go elsewhere; the server closes when the last session does.
      for (const session of sessions) session.close();
      const cutOff = () => {
        for (const session of sessions) session.destroy();
      };
      await closeWithin(closed, graceMs, cutOff);
    },
  };
}

/**
 * The OTLP/HTTP listener: plain HTTP/1.1 with `node:http`. Its connections are tracked because exporters
 * keep them alive, and an idle keep-alive connection would hold close() up until the client dropped it.
 */
async function startHttpListener(
  host: string,
  port: number,
  handler: ReturnType<typeof createHttpHandler>,
): Promise<Listener> {
  const server = createHttpServer(handler);
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const bound = await listen(server, host, port, "--http-port");
  return {
    port: bound,
    async close(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle connections go now; ones with a request in flight get the grace period to finish it.
      server.closeIdleConnections?.();
      const cutOff = () => {
        server.closeAllConnections?.();
        for (const socket of sockets) socket.destroy();
      };
      await closeWithin(closed, graceMs, cutOff);
    },
  };
}

/** Waits for `closed`, cutting connections off with `cutOff` once `graceMs` has passed (at once for 0). */
async function closeWithin(closed: Promise<void>, graceMs: number, cutOff: () => void): Promise<void> {
  if (graceMs === 0) cutOff();
  const deadline = setTimeout(cutOff, graceMs);
  try {
    await closed;
  } finally {
    clearTimeout(deadline);
  }
}

async function listen(server: Server, host: string, port: number, flag: string): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    throw listenError(error, host, port, flag);
  }
  return (server.address() as AddressInfo).port;
}

function listenError(error: unknown, host: string, port: number, flag: string): DreamweaverError {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${host}:${port}`;
  const reason = code === "EADDRINUSE"
    ? `the port is already in use (another OTLP receiver?); choose another with ${flag}`
    : code === "EACCES"
    ? `permission denied; choose a port above 1023 with ${flag}`
    : code === "EADDRNOTAVAIL" || code === "ENOTFOUND"
    ? "no such local address; check --host"
    : DreamweaverError.from(error, { code: "USAGE" }).message;
  return cannotListen(where, reason, error);
}
