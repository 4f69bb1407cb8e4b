import { createServer, type Http2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import { create, type DescMessage, type MessageShape, toBinary } from "@bufbuild/protobuf";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { DreamweaverError } from "../errors.ts";
import {
  ExportLogsServiceRequestSchema,
  ExportLogsServiceResponseSchema,
  LogsService,
} from "../gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import {
  ExportMetricsServiceRequestSchema,
  ExportMetricsServiceResponseSchema,
  MetricsService,
} from "../gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import {
  ExportTraceServiceRequestSchema,
  ExportTraceServiceResponseSchema,
  TraceService,
} from "../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import type { Signal } from "../plugin.ts";
import { createGrpcHandler, grpcPayload, receivedBody } from "./grpc-handler.ts";
import type { SinkReport, SinkStats } from "./sink-report.ts";
import { SinkRecorder } from "./sink-recorder.ts";

export interface SinkOptions {
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** TCP port; default 4317, and 0 picks a free one (see `Sink.port`). */
  readonly port?: number;
  /** A trace is checked once nothing has arrived for it for this long; default 5000 ms. */
  readonly traceIdleMs?: number;
  /** Open (unchecked) traces kept at most; past it the least recently active is checked early. Default 100 000. */
  readonly maxOpenTraces?: number;
  /** Cumulative counter streams followed at most; default 100 000. */
  readonly maxMetricStreams?: number;
  /** Largest request message accepted, as a collector's max_recv_msg_size; default 4 MiB. */
  readonly maxMessageBytes?: number;
  /**
   * Called with every accepted request's protobuf bytes: as sent when the request was uncompressed
   * binary, otherwise re-encoded from the decoded message (canonical, so still comparable).
   */
  readonly onRequest?: (signal: Signal, bytes: Uint8Array) => void;
}

/** A running OTLP/gRPC receiver that counts and checks what it receives. */
export interface Sink {
  readonly host: string;
  /** The port actually bound. */
  readonly port: number;
  /** Live figures. */
  stats(): SinkStats;
  /** Checks every trace still open and reports everything received so far. */
  report(): SinkReport;
  /** Stops accepting, lets requests in flight finish, and resolves once the server is closed. */
  close(): Promise<void>;
}

const SIGNALS: ReadonlyMap<string, Signal> = new Map([
  [TraceService.typeName, "traces"],
  [MetricsService.typeName, "metrics"],
  [LogsService.typeName, "logs"],
]);

/** Exporters keep their connection open; this is how long close() waits before cutting them off. */
const CLOSE_GRACE_MS = 2000;

/**
 * Starts the built-in OTLP/gRPC receiver (TraceService, MetricsService, LogsService over h2c).
 * A port that cannot be bound is a DreamweaverError.
 */
export async function startSink(options: SinkOptions = {}): Promise<Sink> {
  const host = options.host ?? "127.0.0.1";
  const traceIdleMs = options.traceIdleMs ?? 5000;
  const recorder = new SinkRecorder({
    idleMs: traceIdleMs,
    maxOpenTraces: Math.max(1, options.maxOpenTraces ?? 100_000),
    maxMetricStreams: options.maxMetricStreams ?? 100_000,
    now: () => performance.now(),
  });
  const server = createServer(createGrpcHandler({
    routes: sinkRoutes(recorder, options.onRequest),
    readMaxBytes: options.maxMessageBytes ?? 4 * 1024 * 1024,
    keepChunks: options.onRequest !== undefined,
    onBytes(service, bytes) {
      const signal = SIGNALS.get(service);
      if (signal !== undefined) recorder.received(signal, bytes);
    },
    onRejected: () => recorder.rejected(),
  }));
  const sessions = new Set<Http2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  const port = await listen(server, host, options.port ?? 4317);
  const sweeper = setInterval(() => recorder.sweep(), Math.max(10, Math.min(1000, traceIdleMs / 2)));
  let closing: Promise<void> | undefined;

  return {
    host,
    port,
    stats: () => recorder.stats(),
    report: () => recorder.report(),
    close() {
      closing ??= closeServer(server, sessions).finally(() => clearInterval(sweeper));
      return closing;
    },
  };
}

function sinkRoutes(recorder: SinkRecorder, onRequest: SinkOptions["onRequest"]) {
  function hook<Desc extends DescMessage>(
    signal: Signal,
    schema: Desc,
    request: MessageShape<Desc>,
    context: HandlerContext,
  ): void {
    if (onRequest === undefined) return;
    const raw = grpcPayload(receivedBody(context), context.requestHeader.get("content-type"));
    onRequest(signal, raw ?? toBinary(schema, request));
  }
  return (router: ConnectRouter) => {
    router.service(TraceService, {
      export(request, context) {
        recorder.traces(request);
        hook("traces", ExportTraceServiceRequestSchema, request, context);
        return create(ExportTraceServiceResponseSchema);
      },
    });
    router.service(MetricsService, {
      export(request, context) {
        recorder.metrics(request);
        hook("metrics", ExportMetricsServiceRequestSchema, request, context);
        return create(ExportMetricsServiceResponseSchema);
      },
    });
    router.service(LogsService, {
      export(request, context) {
        recorder.logs(request);
        hook("logs", ExportLogsServiceRequestSchema, request, context);
        return create(ExportLogsServiceResponseSchema);
      },
    });
  };
}

async function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    throw listenError(error, host, port);
  }
  return (server.address() as AddressInfo).port;
}

function listenError(error: unknown, host: string, port: number): DreamweaverError {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${host}:${port}`;
  const message = code === "EADDRINUSE"
    ? `cannot listen on ${where}: the port is already in use (another OTLP receiver?); choose another with --grpc-port`
    : code === "EACCES"
    ? `cannot listen on ${where}: permission denied; choose a port above 1023 with --grpc-port`
    : code === "EADDRNOTAVAIL" || code === "ENOTFOUND"
    ? `cannot listen on ${where}: no such local address; check --host`
    : `cannot listen on ${where}: ${(error as Error).message}`;
  return new DreamweaverError("USAGE", message, [], { cause: error });
}

async function closeServer(server: ReturnType<typeof createServer>, sessions: Set<Http2Session>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // GOAWAY: in-flight exports complete, new ones go elsewhere; the server closes when the last session does.
  for (const session of sessions) session.close();
  const deadline = setTimeout(() => {
    for (const session of sessions) session.destroy();
  }, CLOSE_GRACE_MS);
  try {
    await closed;
  } finally {
    clearTimeout(deadline);
  }
}
