// End to end into an independent receiver: @grpc/grpc-js for HTTP/2 and gRPC, and a decoder generated
// from the official OTLP definitions. What arrives must hold together as traces, logs and metrics.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunSummary } from "../src/run/summary.ts";
import { startGrpcJsReceiver } from "./helpers/grpc-js-receiver.ts";
import { type OfficialLog, type OfficialMetric, type OfficialSpan, serviceName } from "./helpers/official-decoder.ts";
import { runExampleFast } from "./helpers/run.ts";

type Receiver = Awaited<ReturnType<typeof startGrpcJsReceiver>>;

for (const example of ["ecommerce.yaml", "marketplace.yaml"]) {
  describe(`${example} into @grpc/grpc-js`, () => {
    let receiver: Receiver;
    let summary: RunSummary;
    const spans: (OfficialSpan & { service: string })[] = [];
    const logs: OfficialLog[] = [];
    const metrics: (OfficialMetric & { service: string })[] = [];

    beforeAll(async () => {
      receiver = await startGrpcJsReceiver();
      summary = await runExampleFast(example, `http://127.0.0.1:${receiver.port}`, { durationSeconds: 40 });
      for (const { decoded } of receiver.received) {
        for (const r of decoded.resourceSpans ?? []) {
          for (const s of r.scopeSpans) {
            spans.push(...s.spans.map((span) => ({ ...span, service: serviceName(r.resource) })));
          }
        }
        for (const r of decoded.resourceLogs ?? []) for (const s of r.scopeLogs) logs.push(...s.logRecords);
        for (const r of decoded.resourceMetrics ?? []) {
          for (const s of r.scopeMetrics) {
            metrics.push(...s.metrics.map((m) => ({ ...m, service: serviceName(r.resource) })));
          }
        }
      }
    });
    afterAll(() => receiver.close());

    test("everything generated arrives", () => {
      expect(summary.failedExports).toBe(0);
      expect(summary.requests).toBeGreaterThan(0);
      expect(spans.length).toBe(summary.spans);
      expect(logs.length).toBe(summary.logRecords);
      const points = metrics.reduce(
        (n, m) =>
          n + (m.sum?.dataPoints.length ?? 0) + (m.gauge?.dataPoints.length ?? 0) +
          (m.histogram?.dataPoints.length ?? 0),
        0,
      );
      expect(points).toBe(summary.dataPoints);
    });

    test("one root per trace, no orphans, children inside their parents", () => {
      const byTrace = Map.groupBy(spans, (s) => s.traceId);
      expect(byTrace.size).toBeGreaterThanOrEqual(summary.requests);
      for (const trace of byTrace.values()) {
        const byId = new Map(trace.map((s) => [s.spanId, s]));
        expect(trace.filter((s) => s.parentSpanId === "")).toHaveLength(1);
        for (const span of trace) {
          if (span.parentSpanId === "") continue;
          const parent = byId.get(span.parentSpanId);
          expect(parent).toBeDefined();
          if (span.kind === 5 && parent!.kind === 4) {
            // An asynchronous consumer starts after its producer and links to it.
            expect(BigInt(span.startTimeUnixNano) >= BigInt(parent!.startTimeUnixNano)).toBe(true);
            expect(span.links.map((l) => l.spanId)).toContain(parent!.spanId);
          } else {
            expect(BigInt(span.startTimeUnixNano) >= BigInt(parent!.startTimeUnixNano)).toBe(true);
            expect(BigInt(span.endTimeUnixNano) <= BigInt(parent!.endTimeUnixNano)).toBe(true);
          }
        }
      }
    });

    test("every log record points at a received span, at a time inside it", () => {
      const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
      for (const log of logs) {
        const span = byId.get(`${log.traceId}/${log.spanId}`);
        expect(span).toBeDefined();
        expect(BigInt(log.timeUnixNano) >= BigInt(span!.startTimeUnixNano)).toBe(true);
        expect(BigInt(log.timeUnixNano) <= BigInt(span!.endTimeUnixNano)).toBe(true);
        if (log.severityNumber >= 17) expect(span!.status?.code).toBe(2);
      }
    });

    test("counters never decrease and keep their start time", () => {
      const streams = Map.groupBy(metrics.filter((m) => m.sum), (m) => `${m.service}/${m.name}`);
      expect(streams.size).toBeGreaterThan(0);
      for (const stream of streams.values()) {
        const points = stream.flatMap((m) => m.sum!.dataPoints).sort((a, b) =>
          Number(BigInt(a.timeUnixNano) - BigInt(b.timeUnixNano))
        );
        expect(new Set(points.map((p) => p.startTimeUnixNano)).size).toBe(1);
        for (let i = 1; i < points.length; i++) {
          expect(BigInt(points[i]!.asInt!) >= BigInt(points[i - 1]!.asInt!)).toBe(true);
        }
      }
    });

    test("duration histograms count and sum the service's own spans", () => {
      // A service's own spans are those whose parent is not its own span: its CLIENT and PRODUCER spans
      // for the calls it makes are children of its own span.
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const own = Map.groupBy(
        spans.filter((s) => s.parentSpanId === "" || byId.get(s.parentSpanId)!.service !== s.service),
        (s) => s.service,
      );
      const histograms = metrics.filter((m) => m.histogram && m.name.includes("duration"));
      expect(histograms.length).toBeGreaterThan(0);
      for (const [service, stream] of Map.groupBy(histograms, (m) => `${m.service}/${m.name}`)) {
        const last = stream.flatMap((m) => m.histogram!.dataPoints).sort((a, b) =>
          Number(BigInt(b.timeUnixNano) - BigInt(a.timeUnixNano))
        )[0]!;
        const mine = own.get(service.split("/")[0]!) ?? [];
        expect(Number(last.count)).toBe(mine.length);
        const unit = stream[0]!.unit;
        const nsPerUnit = unit === "s" ? 1e9 : 1e6;
        const total = mine.reduce(
          (sum, s) => sum + Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / nsPerUnit,
          0,
        );
        expect(last.sum!).toBeCloseTo(total, 6);
        expect(last.bucketCounts.reduce((n, c) => n + Number(c), 0)).toBe(Number(last.count));
      }
    });
  });
}
