// Startup: `bun bench/startup.ts [runs]` (default 10). How long `--version` and `--help` take, from
// process start to exit, as the median of the runs: from source on Bun, the compiled binary (build it
// first with `npm run build:bin`), and the built package on Node (`npm run build`). Prints JSON, one
// entry per launcher and command, with the targets the startup work aims at.
import { existsSync } from "node:fs";
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

function timeMs(command: string[]): number {
  const started = performance.now();
  const result = Bun.spawnSync(command, { stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  const elapsed = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`${command.join(" ")} failed: ${result.stderr.toString()}`);
  return elapsed;
}

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
    const medianMs = Math.round(median(times) * 10) / 10;
    results.push({
      launcher: name,
      command: flag,
      runs,
      medianMs,
      minMs: Math.round(Math.min(...times) * 10) / 10,
      maxMs: Math.round(Math.max(...times) * 10) / 10,
      ...(flag === "--version" && targetMs !== undefined && { targetMs, met: medianMs < targetMs }),
    });
  }
}
console.log(JSON.stringify({ benchmark: "startup", host: hostTarget(), results }, null, 2));
