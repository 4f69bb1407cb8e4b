// Throughput of the built-in receiver alone: `bun bench/sink.ts [example.yaml] [requests]`.
//
// Generates the example's export requests up front (unpaced, into memory), then measures two things and
// prints one JSON line for each:
// - "recorder": the requests' encoded resources handed straight to the receiver's recorder in this process
//   (scan, count, check), no network: the receiver's own work, with the heap it keeps.
// - "grpc": the requests replayed over loopback gRPC, as fast as they are acknowledged and with the
//   generator's concurrency (4 exports in flight), into `dreamweaver sink` in its own process, so the
//   figure is the receiver's, not the generator's; with the receiver's peak RSS and CPU time.
// Runs on Bun or Deno (`deno run -A bench/sink.ts`); the receiver of the second runs on the same runtime,
// or on the one SINK_RUNTIME names (`bun`, `deno`). Each line has the wall and CPU time of its work.
import { readFileSync } from "node:fs";
import otlpGrpc from "../plugins/exporters/otlp-grpc.ts";
import type { Exporter, ExportRequest } from "../src/plugin-host/plugin.ts";
import { run } from "../src/run/run.ts";
import { exampleSettings, fastRequests } from "./settings.ts";
import { spawnSink } from "./spawn-sink.ts";
import { collectGarbage, round3, RUNTIME, timed } from "./measure.ts";
import { SinkRecorder } from "../src/receiver/recorder.ts";
import { SINK_DEFAULTS } from "../src/receiver/start-receiver.ts";

const [example = "marketplace.yaml", requests = "50000"] = process.argv.slice(2);
const CONCURRENCY = 4;
const SIMULATED_SPANS_PER_SECOND = 100_000;

const captured = await capture(example, Number(requests));
const items = { traces: 0, metrics: 0, logs: 0 };
for (const request of captured) items[request.signal] += request.items;
const common = {
  example,
  exports: captured.length,
  spans: items.traces,
  logRecords: items.logs,
  dataPoints: items.metrics,
  megabytes: Math.round(captured.reduce((total, request) => total + request.bytes, 0) / 1e5) / 10,
};

console.log(JSON.stringify({ benchmark: "receiver alone: recorder in process, no network", ...common, ...recorder() }));
console.log(JSON.stringify({
  benchmark: "receiver alone: pre-generated requests over loopback gRPC into `dreamweaver sink`",
  ...common,
  ...await overGrpc(),
}));

/**
 * Feeds every request to a recorder set up as `dreamweaver sink` sets it up, twice (the first round warms
 * the JIT up), and times the second. Its clock follows the spans fed as if they arrived at 100,000 spans/s,
 * so traces go idle, get checked and take memory as in a run at that rate.
 */
function recorder() {
  let result = {};
  for (let round = 0; round < 2; round++) {
    let now = 0;
    const { traceIdleMs, ...limits } = SINK_DEFAULTS;
    const sink = new SinkRecorder({ idleMs: traceIdleMs, ...limits, now: () => now });
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    let elapsed = 0;
    let spans = 0;
    for (const [i, request] of captured.entries()) {
      if (request.signal === "traces") spans += request.items;
      now = spans / (SIMULATED_SPANS_PER_SECOND / 1000);
      sink[request.signal](request.resources);
      if (i % 100 === 0) sink.sweep();
    }
    elapsed += performance.now() - started;
    const scanning = process.cpuUsage(cpuStarted);
    // What the open traces hold, measured outside the timing.
    const openTraces = sink.stats().openTraces;
    collectGarbage();
    const heapOpen = process.memoryUsage().heapUsed - heapBefore;
    const finalizing = performance.now();
    const cpuFinalizing = process.cpuUsage();
    const report = sink.report();
    elapsed += performance.now() - finalizing;
    const reporting = process.cpuUsage(cpuFinalizing);
    const seconds = elapsed / 1000;
    result = {
      seconds: round3(seconds),
      cpuSeconds: round3((scanning.user + scanning.system + reporting.user + reporting.system) / 1e6),
      spansPerSecond: Math.round(items.traces / seconds),
      itemsPerSecond: Math.round((items.traces + items.logs + items.metrics) / seconds),
      received: { spans: report.spans, logRecords: report.logRecords, dataPoints: report.dataPoints },
      violations: report.violations,
      // Heap held by the traces still open at the end (`openTraces`), before they are checked.
      openTraces,
      openHeapMb: Math.round(heapOpen / 1e6),
    };
  }
  return result;
}

async function overGrpc() {
  const sink = await spawnSink();
  const { port } = sink;
  const exporter = otlpGrpc.exporters!["otlp-grpc"]!({
    url: `http://127.0.0.1:${port}`,
    tls: false,
    timeoutMs: 60_000,
  });
  const cpuBefore = cpuTime(sink.process.pid);
  let next = 0;
  let failed = 0;
  const [, timing] = await timed(() =>
    Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      const signal = new AbortController().signal;
      while (next < captured.length) {
        const request = captured[next++]!;
        await exporter.export(request, signal).catch(() => failed++);
      }
    }))
  );
  const seconds = timing.wallSeconds;
  const cpuAfter = cpuTime(sink.process.pid);
  await exporter.close();
  const peakRssMb = peakRss(sink.process.pid);
  const report = await sink.stop();
  return {
    seconds: round3(seconds),
    spansPerSecond: Math.round(items.traces / seconds),
    itemsPerSecond: Math.round((items.traces + items.logs + items.metrics) / seconds),
    failedExports: failed,
    received: { spans: report.spans, logRecords: report.logRecords, dataPoints: report.dataPoints },
    violations: report.violations,
    sinkPeakRssMb: peakRssMb,
    // The receiver's busy time during the replay: well below `seconds`, the client was the limit.
    sinkCpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : round3(cpuAfter - cpuBefore),
    sinkRuntime: process.env.SINK_RUNTIME ?? RUNTIME.split(" ")[0],
    // The replaying client's own CPU time (this process).
    clientCpuSeconds: timing.cpuSeconds,
    runtime: RUNTIME,
  };
}

/** The export requests of `requests` user requests of an example, generated unpaced and kept in memory. */
async function capture(example: string, requests: number): Promise<ExportRequest[]> {
  const out: ExportRequest[] = [];
  const keep: Exporter = {
    export: (request) => (out.push(request), Promise.resolve({ rejected: 0 })),
    close: () => Promise.resolve(),
  };
  await run(await exampleSettings(example, fastRequests(requests)), { exporters: [keep], drainMs: 1000 });
  return out;
}

/** User plus system CPU seconds of a process so far (Linux), or undefined elsewhere. */
function cpuTime(pid: number | undefined): number | undefined {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second); the name (field 2) may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Peak resident set of a process in MB (Linux `VmHWM`), or undefined elsewhere. */
function peakRss(pid: number | undefined): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
