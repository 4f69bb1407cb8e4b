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
  const pipeline = new ExportPipeline(stuck, stats, { concurrency: 1, maxQueuedBytes: 1000 });
  for (let i = 0; i < 6; i++) pipeline.offer(request(400));
  // One in flight, two queued (800 bytes), three dropped.
  expect([stats.calls.dropped, stats.items.dropped.traces]).toEqual([3, 30]);
  while (release.length > 0 || stats.calls.delivered < 3) {
    release.shift()?.();
    await Bun.sleep(1);
  }
  await pipeline.drain(1000);
  expect(stats.calls).toEqual({ delivered: 3, lost: 0, unconfirmed: 0, dropped: 3 });
});

test("--fast waits for a free slot instead of dropping", async () => {
  const slow = slowExporter(5);
  const stats = new RunStats();
  const pipeline = new ExportPipeline(slow.exporter, stats, { concurrency: 2, maxQueuedBytes: 1000 });
  for (let i = 0; i < 10; i++) await pipeline.send(request(400));
  await pipeline.drain(1000);
  expect([stats.calls.delivered, stats.calls.dropped, slow.mostInFlight]).toEqual([10, 0, 2]);
});

test("shutdown counts calls in flight as unconfirmed and queued requests as dropped", async () => {
  const never: Exporter = {
    export: (_request, signal) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")))),
    close: () => Promise.resolve(),
  };
  const stats = new RunStats();
  const pipeline = new ExportPipeline(never, stats, { concurrency: 2, maxQueuedBytes: 10_000 });
  for (let i = 0; i < 8; i++) pipeline.offer(request(400));
  await pipeline.drain(50);
  // Two were in flight and may have arrived; six never left the queue.
  expect(stats.calls).toEqual({ delivered: 0, lost: 0, unconfirmed: 2, dropped: 6 });
  expect([stats.items.unconfirmed.traces, stats.items.dropped.traces]).toEqual([20, 60]);
});

test("while every slot is busy, waiting trace and log requests merge into fewer calls, in order, within mergeBytes", async () => {
  const slow = slowExporter(5);
  const { calls } = slow;
  const stats = new RunStats();
  const pipeline = new ExportPipeline(slow.exporter, stats, { concurrency: 2, mergeBytes: 2000 });
  const sent: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) {
    const resource = Uint8Array.of(i);
    sent.push(resource);
    await pipeline.send({ signal: signalOf(i), items: 10, resources: [resource], bytes: 400 });
  }
  await pipeline.drain(1000);
  expect(stats.calls.delivered).toBe(calls.length);
  expect(calls.length).toBeLessThan(25);
  expect(Math.max(...calls.map((call) => call.bytes))).toBeLessThanOrEqual(2000);
  expect(slow.mostInFlight).toBe(2);
  // Metrics are never merged: each collection is one call, in order.
  expect(calls.filter((call) => call.signal === "metrics").map((call) => call.resources.length)).toEqual([
    1,
    1,
    1,
    1,
    1,
  ]);
  for (const signal of ["traces", "logs", "metrics"] as const) {
    const ofSignal = calls.filter((call) => call.signal === signal);
    expect(ofSignal.flatMap((call) => call.resources)).toEqual(sent.filter((_, i) => signalOf(i) === signal));
    expect(ofSignal.reduce((n, call) => n + call.items, 0)).toBe(
      ofSignal.reduce((n, call) => n + call.resources.length, 0) * 10,
    );
  }
});

test("without mergeBytes every request is its own call", async () => {
  const slow = slowExporter(2);
  const pipeline = new ExportPipeline(slow.exporter, new RunStats(), { concurrency: 1 });
  for (let i = 0; i < 10; i++) await pipeline.send(request(400));
  await pipeline.drain(1000);
  expect(slow.calls.length).toBe(10);
});

/** An exporter whose every call takes `ms`: the requests it was given, and the most calls it had in flight at once. */
function slowExporter(ms: number) {
  let inFlight = 0;
  const slow = {
    calls: [] as ExportRequest[],
    mostInFlight: 0,
    exporter: {
      async export(request) {
        slow.calls.push(request);
        slow.mostInFlight = Math.max(slow.mostInFlight, ++inFlight);
        await Bun.sleep(ms);
        inFlight--;
        return { rejected: 0 };
      },
      close: () => Promise.resolve(),
    } as Exporter,
  };
  return slow;
}

function signalOf(i: number) {
  return i % 8 === 7 ? "metrics" : i % 2 === 0 ? "traces" : "logs";
}
