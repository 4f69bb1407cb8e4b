// Startup: `bun bench/startup.ts [runs]` (default 10). How long `--version` and `--help` take, from
// process start to exit, as the median of the runs: from source on Bun, the compiled binary (build it
// first with `npm run build:bin`), and the built package on Node (`npm run build`). Prints JSON, one
// entry per launcher and command, with the targets the startup work aims at. The CPU time the process
// used is printed too: on a busy machine wall time mostly measures waiting for a core.
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { hostTarget, ROOT } from "../scripts/compile.ts";

const runs = Number(process.argv[2] ?? "10");
const binary = join(ROOT, "release", `dreamweaver-${hostTarget()}`);
const built = join(ROOT, "dist", "cli", "main.js");

/** Each launcher, and its target for `--version` in ms (none for Node, which is not a startup target). */
const LAUNCHERS: { name: string; command: string[]; targetMs?: number; missing?: string }[] = [
  { name: "bun source", command: [process.execPath, join(ROOT, "src", "cli", "main.ts")], targetMs: 300 },
  {
    name: "binary",
    command: [binary],
    targetMs: 100,
    ...(!existsSync(binary) && { missing: "npm run build:bin" }),
  },
  { name: "node dist", command: ["node", built], ...(!existsSync(built) && { missing: "npm run build" }) },
];

/** Wall-clock and CPU milliseconds of one run of `command`. */
function timeMs(command: string[]): { wall: number; cpu: number } {
  const started = performance.now();
  const result = Bun.spawnSync(command, { stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  const wall = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`${command.join(" ")} failed: ${result.stderr.toString()}`);
  return { wall, cpu: Number(result.resourceUsage.cpuTime.total) / 1000 };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const results = [];
for (const { name, command, targetMs, missing } of LAUNCHERS) {
  if (missing !== undefined) {
    results.push({ launcher: name, skipped: `build it first: ${missing}` });
    continue;
  }
  for (const flag of ["--version", "--help"]) {
    timeMs([...command, flag]); // warm the file cache and Bun's transpiler cache
    const times = Array.from({ length: runs }, () => timeMs([...command, flag]));
    const wall = times.map((time) => time.wall);
    const medianMs = round(median(wall));
    results.push({
      launcher: name,
      command: flag,
      runs,
      medianMs,
      minMs: round(Math.min(...wall)),
      maxMs: round(Math.max(...wall)),
      medianCpuMs: round(median(times.map((time) => time.cpu))),
      ...(flag === "--version" && targetMs !== undefined && { targetMs, met: medianMs < targetMs }),
    });
  }
}
const loadAverage = loadavg()[0]!.toFixed(1);
console.log(JSON.stringify({ benchmark: "startup", host: hostTarget(), loadAverage, results }, null, 2));
