// Runs config fuzz cases off the test's thread: two workers use both cores, and a case that hangs can be
// stopped (a worker can be terminated mid-loop; the test's own thread could not be).
import { runCases } from "./fuzz-config.ts";

addEventListener("message", async (event: MessageEvent<{ from: number; to: number; step: number }>) => {
  const { from, to, step } = event.data;
  const result = await runCases(from, to, step, (i) => postMessage({ case: i }));
  postMessage({ result });
});
