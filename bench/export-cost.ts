// What exporting costs the generating process, per span: `bun bench/export-cost.ts [example.yaml] [requests]`.
//
// Generates the example's export requests once into memory, times a second generation that exports nothing
// (the generator's CPU per span with export off), then replays them, as fast as they are acknowledged with 4 calls in flight, into
// `dreamweaver sink` in its own process through each client below, and prints one JSON line per client with
// its CPU per span (this process only) and per MB, the median of 3 rounds after a warm-up round:
// - otlp-grpc: the built-in exporter (Connect over node:http2);
// - bare-http2: a bare gRPC unary call on node:http2 (one framed body, one write), the floor of that stack;
// - otlp-http: the built-in OTLP/HTTP exporter (fetch, HTTP/1.1).
// Each runs as the requests were batched and with 10 of them merged into one call (`x10`), to tell the
// per-call cost from the per-byte cost.
import { spawn } from "node:child_process";
import { connect } from "node:http2";
import otlpGrpc from "../plugins/exporters/otlp-grpc.ts";
import otlpHttp from "../plugins/exporters/otlp-http.ts";
import type { Exporter, ExporterOptions, ExportRequest, Signal } from "../src/plugin-host/plugin.ts";
import { run } from "../src/run/run.ts";
import { median, round3, RUNTIME, timed, type Timing, usPerSpan } from "./measure.ts";
import { exampleSettings, fastRequests, ROOT } from "./settings.ts";

const [example = "marketplace.yaml", requests = "10000"] = process.argv.slice(2);
const ROUNDS = 3;
const PATHS: Record<Signal, string> = {
  traces: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
  metrics: "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
  logs: "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
};

const captured: ExportRequest[] = [];
const keep: Exporter = {
  export: (request) => (captured.push(request), Promise.resolve({ rejected: 0 })),
  close: () => Promise.resolve(),
};
const settings = await exampleSettings(example, fastRequests(Number(requests)));
await run(settings, { exporters: [keep], drainMs: 1000 });
const off: Exporter = { export: () => Promise.resolve({ rejected: 0 }), close: () => Promise.resolve() };
const generation = await timed(() => run(settings, { exporters: [off], drainMs: 1000 }));
const [, generationTiming] = generation;
const spans = captured.filter((r) => r.signal === "traces").reduce((n, r) => n + r.items, 0);
const megabytes = captured.reduce((n, r) => n + r.bytes, 0) / 1e6;
console.log(JSON.stringify({
  benchmark: "export cost: generation with export off",
  example,
  spans,
  exports: captured.length,
  kbPerExport: Math.round((megabytes * 1000) / captured.length),
  cpuUsPerSpan: usPerSpan(generationTiming.cpuSeconds, spans),
  wallSeconds: generationTiming.wallSeconds,
  cpuSeconds: generationTiming.cpuSeconds,
  runtime: RUNTIME,
}));

const sink = await startSink();
const merged = mergeBy(captured, 10);
const clients: Record<string, () => Exporter> = {
  "otlp-grpc": () => otlpGrpc.exporters!["otlp-grpc"]!(options(`http://127.0.0.1:${sink.grpcPort}`)),
  "bare-http2": () => bareHttp2(`http://127.0.0.1:${sink.grpcPort}`),
  "otlp-http": () =>
    otlpHttp.exporters!["otlp-http"]!({ ...options(`http://127.0.0.1:${sink.httpPort}`), protocol: "http/protobuf" }),
};
for (const [batching, list] of [["as batched", captured], ["x10", merged]] as const) {
  for (const [name, create] of Object.entries(clients)) {
    const exporter = create();
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const timing = await replay(exporter, list);
      if (round > 0) [cpu.push(timing.cpuSeconds), wall.push(timing.wallSeconds)];
    }
    await exporter.close();
    const cpuSeconds = median(cpu);
    console.log(JSON.stringify({
      benchmark: "export cost: replay into `dreamweaver sink`",
      client: name,
      batching,
      kbPerExport: Math.round((megabytes * 1000) / list.length),
      cpuUsPerSpan: usPerSpan(cpuSeconds, spans),
      cpuMsPerMb: round3((cpuSeconds * 1000) / megabytes),
      wallSeconds: median(wall),
      cpuSeconds,
      runtime: RUNTIME,
    }));
  }
}
await sink.stop();

function options(url: string): ExporterOptions {
  return { url, tls: false, timeoutMs: 60_000 } as ExporterOptions;
}

/** Sends every request, 4 in flight; returns the wall time and this process's CPU time it took. */
async function replay(exporter: Exporter, list: readonly ExportRequest[]): Promise<Timing> {
  let next = 0;
  const signal = new AbortController().signal;
  const [, timing] = await timed(() =>
    Promise.all(Array.from({ length: 4 }, async () => {
      while (next < list.length) await exporter.export(list[next++]!, signal);
    }))
  );
  return timing;
}

/** Requests of the same signal merged `factor` at a time: the same bytes in fewer, larger calls. */
function mergeBy(list: readonly ExportRequest[], factor: number): ExportRequest[] {
  const out: ExportRequest[] = [];
  for (const signal of ["traces", "logs", "metrics"] as const) {
    const same = list.filter((r) => r.signal === signal);
    for (let i = 0; i < same.length; i += factor) {
      const group = same.slice(i, i + factor);
      out.push({
        signal,
        items: group.reduce((n, r) => n + r.items, 0),
        bytes: group.reduce((n, r) => n + r.bytes, 0),
        resources: group.flatMap((r) => [...r.resources]),
      });
    }
  }
  return out;
}

/** A bare gRPC unary client: the request framed once into one buffer, written once, the answer ignored. */
function bareHttp2(url: string): Exporter {
  const session = connect(url);
  return {
    export: (request) =>
      new Promise((resolve, reject) => {
        const stream = session.request({
          ":method": "POST",
          ":path": PATHS[request.signal],
          "content-type": "application/grpc",
          te: "trailers",
        });
        stream.on("data", () => {});
        stream.on("end", () => resolve({ rejected: 0 }));
        stream.on("error", reject);
        stream.end(framed(request.resources));
      }),
    close: () => (session.close(), Promise.resolve()),
  };
}

/** The gRPC envelope (flag byte, 4-byte length) around the request message: each resource as field 1. */
function framed(resources: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const r of resources) length += 1 + varintSize(r.length) + r.length;
  const out = new Uint8Array(5 + length);
  new DataView(out.buffer).setUint32(1, length);
  let at = 5;
  for (const r of resources) {
    out[at++] = 0x0a;
    for (let v = r.length;; v >>>= 7) {
      if (v < 0x80) {
        out[at++] = v;
        break;
      }
      out[at++] = (v & 0x7f) | 0x80;
    }
    out.set(r, at);
    at += r.length;
  }
  return out;
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) (value >>>= 7), size++;
  return size;
}

/** `dreamweaver sink` with an OTLP/gRPC and an OTLP/HTTP port, in its own process on this runtime. */
async function startSink() {
  const child = spawn(process.execPath, [`${ROOT}/src/cli/main.ts`, "sink", "--grpc-port", "0", "--http-port", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let text = "";
  const [grpcPort, httpPort] = await new Promise<number[]>((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = /:(\d+) \(OTLP\/gRPC\), [^:]+:(\d+)/.exec(text);
      if (match) resolve([Number(match[1]), Number(match[2])]);
    });
    child.on("exit", () => reject(new Error(`sink exited: ${text}`)));
    process.on("exit", () => child.kill());
  });
  return {
    grpcPort: grpcPort!,
    httpPort: httpPort!,
    stop: () => {
      child.kill("SIGTERM");
      return new Promise((resolve) => child.on("exit", resolve));
    },
  };
}
