import * as grpc from "@grpc/grpc-js";
import type { Signal } from "../../src/plugin-host/plugin.ts";
import { decodeOfficially, type OfficialRequest } from "./official-decoder.ts";

/** A received request: its signal, its raw bytes and the independent decoder's reading of them. */
export interface Received {
  readonly signal: Signal;
  readonly bytes: Uint8Array;
  readonly decoded: OfficialRequest;
}

const SERVICES: Record<Signal, string> = {
  traces: "opentelemetry.proto.collector.trace.v1.TraceService",
  metrics: "opentelemetry.proto.collector.metrics.v1.MetricsService",
  logs: "opentelemetry.proto.collector.logs.v1.LogsService",
};

/**
 * An OTLP/gRPC receiver built with @grpc/grpc-js (an independent HTTP/2 and gRPC implementation) that
 * decodes with the official definitions. Answers every export with an empty response.
 */
export async function startGrpcJsReceiver(): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const server = new grpc.Server();
  const received: Received[] = [];
  for (const [signal, service] of Object.entries(SERVICES) as [Signal, string][]) {
    server.addService({
      Export: {
        path: `/${service}/Export`,
        requestStream: false,
        responseStream: false,
        requestSerialize: (bytes: Uint8Array) => Buffer.from(bytes),
        requestDeserialize: (buffer: Buffer) => new Uint8Array(buffer),
        responseSerialize: (bytes: Uint8Array) => Buffer.from(bytes),
        responseDeserialize: (buffer: Buffer) => new Uint8Array(buffer),
      },
    }, {
      Export: (call: grpc.ServerUnaryCall<Uint8Array, Uint8Array>, callback: grpc.sendUnaryData<Uint8Array>) => {
        received.push({ signal, bytes: call.request, decoded: decodeOfficially(signal, call.request) });
        callback(null, new Uint8Array());
      },
    });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      "127.0.0.1:0",
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => error ? reject(error) : resolve(bound),
    )
  );
  return {
    port,
    received,
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}
