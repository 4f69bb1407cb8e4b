import { expect, test } from "bun:test";
import { Span_SpanKind } from "../src/gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import { type SpanFacts, TraceCheck } from "../src/receiver/trace-check.ts";

const IDLE_MS = 100;

/** A span of `trace` with id (1, id) under parent (1, parent), or a root when parent is 0. */
function add(check: TraceCheck, trace: string, id: number, parent: number, now: number): void {
  const span: SpanFacts = {
    idHigh: 1,
    idLow: id,
    parentHigh: parent === 0 ? 0 : 1,
    parentLow: parent,
    kind: Span_SpanKind.SERVER,
    startHigh: 0,
    startLow: 10,
    endHigh: 0,
    endLow: 20,
    error: false,
    links: undefined,
  };
  check.addSpans({ traceIds: [trace], spans: [span] }, now);
}

test("a trace whose spans keep coming is checked only once nothing has arrived for it for the idle time", () => {
  const check = new TraceCheck({ idleMs: IDLE_MS, maxOpenTraces: 1000, maxOpenItems: 1000 });
  add(check, "busy", 1, 0, 0);
  add(check, "quiet", 1, 0, 0);
  // Its child comes at 80: at 120 the trace has been quiet for 40 ms, not the 100 it waits for.
  add(check, "busy", 2, 1, 80);
  check.sweep(120);
  expect(check.openTraces).toBe(1);
  expect(check.checks().checked).toBe(1);
  check.sweep(179);
  expect(check.openTraces).toBe(1);
  // Idle long enough: checked by the next sweep after at most another idle time.
  check.sweep(80 + 2 * IDLE_MS);
  expect(check.openTraces).toBe(0);
  expect(check.checks()).toMatchObject({ checked: 2, orphanSpans: 0, tracesWithoutRoot: 0 });
});

test("past maxOpenTraces a trace active again is kept, and an untouched older one is checked early", () => {
  const check = new TraceCheck({ idleMs: IDLE_MS, maxOpenTraces: 2, maxOpenItems: 1000 });
  add(check, "old-but-busy", 1, 0, 0);
  add(check, "untouched", 1, 0, 1);
  add(check, "old-but-busy", 2, 1, 2);
  add(check, "new", 1, 0, 3);
  expect(check.checks()).toMatchObject({ checked: 1, finalizedEarly: 1 });
  // The busy trace is still open: its next span joins its root instead of arriving as an orphan of its own.
  add(check, "old-but-busy", 3, 1, 4);
  check.finalizeAll();
  expect(check.checks()).toMatchObject({ checked: 3, orphanSpans: 0, tracesWithoutRoot: 0 });
});
