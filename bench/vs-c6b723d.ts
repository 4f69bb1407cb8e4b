// Generation speed against c6b723d, the commit before the realism work of issue 9, side by side in one process:
//
//   git worktree add --detach /tmp/c6b723d c6b723d && ln -s "$PWD/node_modules" /tmp/c6b723d/node_modules
//   bun bench/vs-c6b723d.ts /tmp/c6b723d [example.yaml] [spans per run] [rounds]
//
// Each round runs the example unpaced with export off on both sides, order alternating, about `spans` spans each
// (each side's own requests per span), after 2 rounds that warm the compiler. Prints each side's medians of spans/s
// (wall time, and of the process's CPU time during its runs) and, what matters, the medians of now/base taken
// round by round: both sides of a round see the same moment of a noisy machine. Whole processes, by contrast,
// differ by up to 1.8x here, and also pay each side's start-up and compiling once (docs/performance.md).
// c6b723d loads configs with `src/load-config.ts` and runs them with the test helper `runFast`, which uses Bun's
// `import.meta.dir`: this bench runs on Bun only.
import process from "node:process";
import { run } from "../src/run/run.ts";
import { median, RUNTIME } from "./measure.ts";
import { exampleSettings, fastRequests } from "./settings.ts";

const [base, example = "marketplace.yaml", spansArg = "400000", roundsArg = "16"] = process.argv.slice(2);
if (base === undefined) throw new Error("usage: bench/vs-c6b723d.ts <c6b723d checkout> [example] [spans] [rounds]");
const SPANS = Number(spansArg);
const ROUNDS = Number(roundsArg);
const WARM_UP_ROUNDS = 2;

interface Generated {
  readonly requests: number;
  readonly spans: number;
  readonly elapsedSeconds: number;
}

const { loadConfig } = await import(`${base}/src/load-config.ts`);
const { runFast } = await import(`${base}/test/helpers/run.ts`);
const loaded = await loadConfig(`${base}/examples/${example}`);
const generateBase = (requests: number): Promise<Generated> =>
  runFast(loaded, { requests, exporter: "none", drainMs: 1000 });
const generateNow = async (requests: number): Promise<() => Promise<Generated>> => {
  const settings = await exampleSettings(example, { ...fastRequests(requests), exporters: ["none"] });
  return () => run(settings, { drainMs: 1000 });
};

/** Requests for about SPANS spans, from a probe of 1,000. */
const requestsFor = (probe: Generated) => Math.ceil(SPANS / (probe.spans / probe.requests));
const baseRequests = requestsFor(await generateBase(1000));
const nowRequests = requestsFor(await (await generateNow(1000))());
const sides = [() => generateBase(baseRequests), await generateNow(nowRequests)];

const rounds: { wall: number; cpu: number }[][] = [[], []];
for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
  for (const side of round % 2 === 0 ? [0, 1] : [1, 0]) {
    const before = process.cpuUsage();
    const generated = await sides[side]!();
    const cpu = process.cpuUsage(before);
    if (round < WARM_UP_ROUNDS) continue;
    rounds[side]!.push({
      wall: generated.spans / generated.elapsedSeconds,
      cpu: generated.spans / ((cpu.user + cpu.system) / 1e6),
    });
  }
}
const [baseRounds, nowRounds] = rounds as [typeof rounds[0], typeof rounds[0]];
const paired = (key: "wall" | "cpu") =>
  Math.round(median(nowRounds.map((now, i) => now[key] / baseRounds[i]![key])) * 1000) / 1000;
const medians = (side: typeof rounds[0]) => ({
  wall: Math.round(median(side.map((r) => r.wall))),
  cpu: Math.round(median(side.map((r) => r.cpu))),
});
console.log(JSON.stringify({
  benchmark: "generation against c6b723d, spans/s, one process, rounds alternating",
  example,
  spansPerRun: SPANS,
  rounds: ROUNDS,
  c6b723d: medians(baseRounds),
  now: medians(nowRounds),
  nowOverBase: { wall: paired("wall"), cpu: paired("cpu") },
  runtime: RUNTIME,
}));
