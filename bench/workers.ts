// `--workers` scaling: `bun bench/workers.ts [requests] [rounds] [example.yaml] [workers...]`, e.g. `200000 3`.
// Runs the CLI (workers live there) with `--fast --exporter none` and each worker count in turn, round after
// round, and prints JSON with each count's median wall time and its speed-up over one worker, and on Linux its
// median CPU time. Times of the whole command, start-up included; the machine's other load shows in them, so run it
// when idle. Beside them, what this machine and runtime give the same number of threads on bare work
// (bench/scaling-floor.ts): arithmetic, and allocating records as a generator does. No generator of records can
// scale better than the second.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { childrenCpuSeconds, median, round3, RUNTIME } from "./measure.ts";
import { ROOT } from "./settings.ts";
import { threadSpeedUp } from "./scaling-floor.ts";

const [requests = "200000", rounds = "3", example = "marketplace.yaml", ...counts] = process.argv.slice(2);
const workerCounts = counts.length > 0 ? counts.map(Number) : [1, 2];
const cli = RUNTIME.startsWith("deno")
  ? [process.execPath, "run", "-A", "--quiet", join(ROOT, "src", "cli", "main.ts")]
  : [process.execPath, join(ROOT, "src", "cli", "main.ts")];
const flags = [
  join(ROOT, "examples", example),
  "--fast",
  "--start-time=2026-01-01T00:00:00Z",
  "--rate=1000/s",
  `--duration=${Number(requests) / 1000}s`,
  "--exporter=none",
  "--json",
];

/** One run with `workers` workers: its wall time, its CPU time (Linux only) and the spans it generated. */
function runOnce(workers: number): { wallSeconds: number; cpuSeconds: number | undefined; spans: number } {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const result = spawnSync(cli[0]!, [...cli.slice(1), ...flags, `--workers=${workers}`], { encoding: "utf8" });
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuAfter = childrenCpuSeconds();
  if (result.status !== 0) throw new Error(`--workers ${workers} failed: ${result.stderr}`);
  const cpuSeconds = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  return { wallSeconds, cpuSeconds, spans: JSON.parse(result.stdout).spans };
}

const walls = new Map<number, number[]>(workerCounts.map((count) => [count, []]));
const cpus = new Map<number, number[]>(workerCounts.map((count) => [count, []]));
let spans = 0;
for (let round = 0; round < Number(rounds); round++) {
  for (const count of workerCounts) {
    const result = runOnce(count);
    walls.get(count)!.push(result.wallSeconds);
    if (result.cpuSeconds !== undefined) cpus.get(count)!.push(result.cpuSeconds);
    spans = result.spans;
  }
}
const baseline = median(walls.get(workerCounts[0]!)!);
const most = Math.max(...workerCounts);
const machine = {
  threads: most,
  compute: round3(await threadSpeedUp("compute", most)),
  allocate: round3(await threadSpeedUp("allocate", most)),
};
console.log(JSON.stringify({
  benchmark: "workers",
  example,
  requests: Number(requests),
  spans,
  runs: workerCounts.map((count) => ({
    workers: count,
    wallSeconds: round3(median(walls.get(count)!)),
    allWallSeconds: walls.get(count)!.map(round3),
    // The whole command's CPU, every thread: how many cores it kept busy is cpuSeconds / wallSeconds.
    cpuSeconds: cpus.get(count)!.length > 0 ? round3(median(cpus.get(count)!)) : null,
    speedUp: round3(baseline / median(walls.get(count)!)),
  })),
  // The same number of threads on bare work: their speed-up over one thread.
  machine,
  runtime: RUNTIME,
}));
