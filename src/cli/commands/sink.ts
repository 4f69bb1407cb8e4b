import { defineCommand } from "citty";
import { badFlag } from "../../plugin-host/messages.ts";
import { parseDuration } from "../../config/units.ts";
import { notANumber, notAPort } from "../../plugin-host/messages.ts";
import { isInteractive, onStopSignal, setExitCode, writeErr, writeOut, writeStatus } from "../host.ts";
import { formatLiveLine, formatReport } from "../../receiver/format-report.ts";
import { type Sink, startSink } from "../../receiver/start-receiver.ts";
import { guarded } from "./guarded.ts";

const TERMINAL_REFRESH_MS = 1000;
const LOG_INTERVAL_MS = 5000;

/**
 * `dreamweaver sink`: a built-in OTLP/gRPC (and, with --http-port, OTLP/HTTP) receiver that counts what
 * arrives, checks trace shape and metric streams, and prints a report on SIGINT/SIGTERM. Status lines go
 * to stderr and the report to stdout, so `dreamweaver sink --json > report.json` works. Exit status 1 when
 * a check failed.
 */
export const sinkCommand = defineCommand({
  meta: { name: "sink", description: "Receive OTLP/gRPC (and OTLP/HTTP), count and check it, and report on Ctrl-C" },
  args: {
    "grpc-port": { type: "string", default: "4317", description: "Port to listen on (0 picks a free one)" },
    "http-port": {
      type: "string",
      description: "Also receive OTLP/HTTP on this port, e.g. 4318 (0 picks a free one; default: no OTLP/HTTP)",
    },
    host: { type: "string", default: "127.0.0.1", description: "Interface to listen on" },
    json: { type: "boolean", description: "Print the final report as JSON" },
    "fail-rate": {
      type: "string",
      default: "0",
      description: "Answer this fraction of calls (0 to 1, every k-th) with UNAVAILABLE, to test retries",
    },
    "delay-ms": { type: "string", default: "0", description: "Answer every call this many milliseconds later" },
    buckets: {
      type: "string",
      description: "Report each service's rate, errors and latency per time bucket of the spans' time, e.g. 1m",
    },
  },
  run: guarded(async ({ args }) => {
    const sink = await startSink({
      host: args.host,
      port: parsePort("--grpc-port", args["grpc-port"]),
      ...(args["http-port"] !== undefined && { httpPort: parsePort("--http-port", args["http-port"]) }),
      failRate: parseNumber("--fail-rate", args["fail-rate"]),
      delayMs: parseNumber("--delay-ms", args["delay-ms"]),
      ...(args.buckets !== undefined && { bucketSeconds: parseBuckets(args.buckets) }),
    });
    const http = sink.httpPort === undefined ? "" : `, ${displayHost(sink.host)}:${sink.httpPort} (OTLP/HTTP)`;
    writeErr(`dreamweaver sink listening on ${displayHost(sink.host)}:${sink.port} (OTLP/gRPC)${http}`);
    const stopFigures = showLiveFigures(sink);
    let unsubscribe = () => {};
    await new Promise<void>((resolve) => {
      unsubscribe = onStopSignal(resolve);
    });
    try {
      stopFigures();
      // Still subscribed while closing: a second Ctrl-C quits at once.
      await sink.close();
    } finally {
      unsubscribe();
    }
    const report = sink.report();
    const injected = report.injectedFailures === undefined
      ? ""
      : `\ninjected failures ${report.injectedFailures.toLocaleString("en-US")} calls answered UNAVAILABLE`;
    writeOut(args.json ? JSON.stringify(report, null, 2) : formatReport(report) + injected);
    if (report.violations > 0) setExitCode(1);
  }),
});

/** On a terminal one line redrawn every second; otherwise a plain line every five, for log files. */
function showLiveFigures(sink: Sink): () => void {
  const interactive = isInteractive();
  let previous = sink.stats();
  let drawn = false;
  const timer = setInterval(() => {
    const current = sink.stats();
    const line = formatLiveLine(current, previous);
    previous = current;
    if (interactive) writeStatus(line);
    else writeErr(line);
    drawn = true;
  }, interactive ? TERMINAL_REFRESH_MS : LOG_INTERVAL_MS);
  return () => {
    clearInterval(timer);
    if (interactive && drawn) writeErr("");
  };
}

function parsePort(flag: string, text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw notAPort(flag, text);
  }
  return port;
}

/** A number; startSink checks its range. */
function parseNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw notANumber(flag, text);
  }
  return value;
}

/** IPv6 literals need brackets to be followed by a port. */
function displayHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** `--buckets 1m`: a positive duration. */
export function parseBuckets(text: string): number {
  const parsed = parseDuration(text);
  if (parsed.ok && parsed.value > 0) return parsed.value;
  throw badFlag("--buckets", parsed.ok ? "must be longer than zero" : parsed.message);
}
