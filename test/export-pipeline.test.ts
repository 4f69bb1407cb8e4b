import { expect, test } from "bun:test";
import { ExportPipeline } from "../src/export/export-pipeline.ts";
import type { Exporter, ExportRequest } from "../src/plugin-host/plugin.ts";
import { RunStats } from "../src/export/run-stats.ts";

const request = (bytes: number): ExportRequest => ({ signal: "traces", items: 10, resources: [], bytes });

test("paced mode holds at most maxQueuedBytes for a stuck receiver and counts what it drops", async () => {
  const release: (() => void)[] = [];
  const stuck: Exporter = {
    export: () => new Promise((resolve) => release.push(() => resolve({ rejected: 0 }))),
    close: () => Promise.resolve(),
  };
  const stats = new RunStats();
  const pipeline = new ExportPipeline(stuck, stats, 1, 1000);
  for (let i = 0; i < 6; i++) pipeline.offer(request(400));
  // One in flight, two queued (800 bytes), three dropped.
  expect([stats.droppedExports, stats.dropped.traces]).toEqual([3, 30]);
  while (release.length > 0 || stats.exports < 3) {
    release.shift()?.();
    await Bun.sleep(1);
  }
  await pipeline.drain(1000);
  expect(stats.exports).toBe(3);
  expect(stats.failedExports).toBe(0);
});

test("--fast waits for a free slot instead of dropping", async () => {
  let inFlight = 0;
  let most = 0;
  const slow: Exporter = {
    async export() {
      most = Math.max(most, ++inFlight);
      await Bun.sleep(5);
      inFlight--;
      return { rejected: 0 };
    },
    close: () => Promise.resolve(),
  };
  const stats = new RunStats();
  const pipeline = new ExportPipeline(slow, stats, 2, 1000);
  for (let i = 0; i < 10; i++) await pipeline.send(request(400));
  await pipeline.drain(1000);
  expect([stats.exports, stats.droppedExports, most]).toEqual([10, 0, 2]);
});

test("shutdown counts everything still in flight or queued as not sent", async () => {
  const never: Exporter = {
    export: (_request, signal) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")))),
    close: () => Promise.resolve(),
  };
  const stats = new RunStats();
  const pipeline = new ExportPipeline(never, stats, 2, 10_000);
  for (let i = 0; i < 8; i++) pipeline.offer(request(400));
  await pipeline.drain(50);
  expect(stats.lost.traces + stats.dropped.traces).toBe(80);
  expect([stats.failedExports, stats.exports]).toEqual([8, 0]);
});
