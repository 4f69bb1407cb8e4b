// What this machine gives a second thread, whatever the project does: `bench/workers.ts` prints it beside the
// `--workers` speed-up. Each of N worker threads runs the same fixed work that 1 runs alone, and the speed-up is
// N times the time of one over the time of N side by side. Two kinds of work:
// - `compute`: integer arithmetic in registers, which shows how many cores there really are;
// - `allocate`: small records with attribute lists, strings and id bytes, a few thousand alive at a time, as
//   a generator makes them. It leans on the allocator, the garbage collector's threads and the memory system,
//   which the threads share: on a machine where it scales poorly, no generator of records scales better.
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

export type Work = "compute" | "allocate";

/** Iterations that take one thread about a second here. */
const ITERATIONS: Record<Work, number> = { compute: 600_000_000, allocate: 2_000_000 };

/** N threads' speed-up over one on `work`: the median of `rounds` rounds. */
export async function threadSpeedUp(work: Work, threads: number, rounds = 3): Promise<number> {
  const speedUps: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const alone = await timeThreads(work, 1);
    const together = await timeThreads(work, threads);
    speedUps.push((threads * alone) / together);
  }
  return speedUps.sort((a, b) => a - b)[Math.floor(speedUps.length / 2)]!;
}

/** Milliseconds for `threads` threads, started together, to finish `work` each. */
function timeThreads(work: Work, threads: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let done = 0;
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(new URL(import.meta.url), { workerData: work });
      worker.on("error", reject);
      worker.on("message", () => {
        void worker.terminate();
        if (++done === threads) resolve(performance.now() - started);
      });
    }
  });
}

function compute(n: number): number {
  let x = 1;
  for (let i = 0; i < n; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  return x;
}

interface Item {
  readonly id: Uint8Array;
  readonly name: string;
  readonly attributes: readonly { key: string; value: { string: string } }[];
  readonly startUs: number;
}

function allocate(n: number): number {
  const alive: Item[] = [];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const attributes = [];
    for (let a = 0; a < 10; a++) attributes.push({ key: `key.${a & 3}`, value: { string: `value-${i}` } });
    const item: Item = { id: new Uint8Array(8), name: `operation ${i & 7}`, attributes, startUs: i };
    alive.push(item);
    // A batch's worth alive at a time, then dropped, as records are once encoded.
    if (alive.length === 2000) alive.length = 0;
    sum += item.attributes.length + item.name.length;
  }
  return sum;
}

if (!isMainThread && (workerData === "compute" || workerData === "allocate")) {
  const work = workerData as Work;
  const n = ITERATIONS[work];
  parentPort!.postMessage(work === "compute" ? compute(n) : allocate(n));
}
