// Random damage to every example config, through everything `validate` does (load, check, plan, exporters)
// and, for some of the configs that survive, a few generated requests: each case ends in a valid config
// or a DreamweaverError of clean one-line messages, never another exception, never a hang. The cases are
// seeded (test/helpers/fuzz-config.ts): `runCase(i)` replays case i.
import { expect, test } from "bun:test";
import { availableParallelism } from "node:os";
import type { FuzzResult } from "./helpers/fuzz-config.ts";

const CASES = 10_000;
/** A case still running after this long has hung: no case needs more than a fraction of a second. */
const HANG_MS = 30_000;

/** Runs every `step`-th case from `from` in a worker; rejects naming the case when one hangs or throws. */
function runInWorker(from: number, step: number): Promise<FuzzResult> {
  const worker = new Worker(new URL("./helpers/fuzz-config-worker.ts", import.meta.url).href);
  return new Promise<FuzzResult>((resolve, reject) => {
    let current = -1;
    let lastSeen = performance.now();
    const finish = (settle: () => void) => {
      clearInterval(watchdog);
      worker.terminate();
      settle();
    };
    const watchdog = setInterval(() => {
      if (performance.now() - lastSeen > HANG_MS) finish(() => reject(new Error(`case ${current} hung`)));
    }, 1000);
    worker.addEventListener("message", (event: MessageEvent<{ case: number } | { result: FuzzResult }>) => {
      lastSeen = performance.now();
      if ("case" in event.data) current = event.data.case;
      else {
        const { result } = event.data;
        finish(() => resolve(result));
      }
    });
    worker.addEventListener("error", (event) => finish(() => reject(new Error(`case ${current}: ${event.message}`))));
    worker.postMessage({ from, to: CASES, step });
  });
}

test(
  `${CASES} mutations of the examples: a valid config or clean one-line errors, never a crash or a hang`,
  async () => {
    const workers = Math.max(1, Math.min(2, availableParallelism()));
    const results = await Promise.all(Array.from({ length: workers }, (_, k) => runInWorker(k, workers)));
    const crashes = results.flatMap((result) => result.crashes);
    const messes = results.flatMap((result) => result.messes);
    const valid = results.reduce((sum, result) => sum + result.valid, 0);
    expect(crashes.slice(0, 5)).toEqual([]);
    expect(messes.slice(0, 5)).toEqual([]);
    // Enough of the mutations stay valid for planning and generating to be exercised too.
    expect(valid).toBeGreaterThan(CASES / 10);
  },
  300_000,
);
