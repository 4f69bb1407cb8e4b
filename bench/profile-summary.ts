// Where a CPU profile's time went: `bun bench/profile-summary.ts <file.cpuprofile> [top]`.
// Reads a `.cpuprofile` (from `bun --cpu-prof` or `deno run --cpu-prof`) and prints the functions with the
// most self time, then the same time summed per package (node_modules) or source file, as percentages.
import { readFileSync } from "node:fs";
import { median } from "./measure.ts";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, top = "30"] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: bench/profile-summary.ts <file.cpuprofile> [top]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));

// Every sample counts as one sampling interval (the median gap between samples). Charging each sample its own gap
// to the next would give a process that is idle at times (a receiver between requests) the idle time too, to
// whatever function ran last before it.
const gaps = profile.timeDeltas.filter((delta) => delta > 0);
const interval = gaps.length > 0 ? median(gaps) : 1;
const selfTime = new Map<number, number>();
for (const id of profile.samples) selfTime.set(id, (selfTime.get(id) ?? 0) + interval);
const total = [...selfTime.values()].reduce((sum, time) => sum + time, 0);

const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
for (const [id, time] of selfTime) {
  const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
  const file = url.split("/").slice(-2).join("/");
  add(byFunction, `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`, time);
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  add(byPlace, pkg ?? (file || "(native)"), time);
}
console.log(`${profile.samples.length} samples, ${(total / 1e6).toFixed(2)} s of busy time at ${interval} µs each`);
print("self time by function", byFunction);
print("self time by package or file", byPlace);

function add(totals: Map<string, number>, key: string, time: number): void {
  totals.set(key, (totals.get(key) ?? 0) + time);
}

function print(title: string, totals: Map<string, number>): void {
  console.log(`\n${title}`);
  for (const [key, time] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`${((100 * time) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
}
