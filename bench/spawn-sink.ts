import { type ChildProcessByStdio, spawn } from "node:child_process";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { RUNTIME } from "./measure.ts";

const ROOT = join(import.meta.dirname!, "..");

/**
 * Starts `dreamweaver sink --grpc-port 0 --json` in its own process, on the bench's own runtime (or the one
 * SINK_RUNTIME names, `bun` or `deno`, to compare HTTP/2 stacks), and resolves once it listens. `stop()`
 * ends it and returns its JSON report.
 */
export async function spawnSink(): Promise<{
  port: number;
  process: ChildProcessByStdio<null, Readable, Readable>;
  stop(): Promise<Record<string, unknown>>;
}> {
  const main = join(ROOT, "src", "cli", "main.ts");
  const here = RUNTIME.split(" ")[0]!;
  const runtime = process.env.SINK_RUNTIME ?? here;
  const executable = runtime === here ? process.execPath : join(ROOT, "node_modules", ".bin", runtime);
  const command = runtime === "deno" ? [executable, "run", "-A", main] : [executable, main];
  const sink = spawn(command[0]!, [...command.slice(1), "sink", "--grpc-port", "0", "--json"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let text = "";
    sink.stderr.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening on [^:]+:(\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    sink.on("exit", () => reject(new Error(`sink exited: ${text}`)));
  });
  let report = "";
  sink.stdout.on("data", (chunk: Buffer) => (report += chunk.toString()));
  return {
    port,
    process: sink,
    async stop() {
      sink.kill("SIGTERM");
      await new Promise((resolve) => sink.on("exit", resolve));
      return JSON.parse(report);
    },
  };
}
