// End to end into an independent receiver: @grpc/grpc-js for HTTP/2 and gRPC, and a decoder generated
// from the official OTLP definitions. What arrives must hold together as traces, logs and metrics.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunSummary } from "../src/run/summary.ts";
import { startGrpcJsReceiver } from "./helpers/grpc-js-receiver.ts";
import { type OfficialLog, type OfficialMetric, type OfficialSpan, serviceName } from "./helpers/official-decoder.ts";
import { loadSettings, runExampleFast } from "./helpers/run.ts";
import { join } from "node:path";
import { ROOT } from "./helpers/cli.ts";

type Receiver = Awaited<ReturnType<typeof startGrpcJsReceiver>>;

/** Which spans feed a semantic-convention histogram, by the metric name's first two segments. */
const SPAN_KIND_OF: Record<string, number> = {
  "http.server": 2,
  "rpc.server": 2,
  "http.client": 3,
  "rpc.client": 3,
  "db.client": 3,
  "messaging.process": 5,
  "messaging.client": 4,
};

// Durations as the engine measures them, in whole microseconds: the nanoseconds under each microsecond
// are a timestamp's own digits, not part of the duration metrics record.
const wholeUs = (ns: string) => BigInt(ns) / 1000n;
const durationNs = (s: OfficialSpan) => Number(wholeUs(s.endTimeUnixNano) - wholeUs(s.startTimeUnixNano)) * 1000;
const byTimeDescending = (a: { timeUnixNano: string }, b: { timeUnixNano: string }) =>
  Number(BigInt(b.timeUnixNano) - BigInt(a.timeUnixNano));

for (const example of ["ecommerce.yaml", "marketplace.yaml"]) {
  describe(`${example} into @grpc/grpc-js`, () => {
    let receiver: Receiver;
    let summary: RunSummary;
    let configuredNames: Set<string>;
    const spans: (OfficialSpan & { service: string })[] = [];
    const logs: OfficialLog[] = [];
    const metrics: (OfficialMetric & { service: string })[] = [];

    beforeAll(async () => {
      receiver = await startGrpcJsReceiver();
      const { config } = await loadSettings(join(ROOT, "examples", example));
      configuredNames = new Set(
        config.services.flatMap((s) => config.templates.get(s.type)!.metrics.map((m) => `${s.name}/${m.name}`)),
      );
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

    test("every call into a server is a CLIENT span in the caller wrapping the callee's SERVER span", async () => {
      const { config, graph } = await loadSettings(join(ROOT, "examples", example));
      const children = Map.groupBy(spans, (s) => `${s.traceId}/${s.parentSpanId}`);
      for (const { from, to } of graph.edges) {
        if (to.spanKind?.call !== "request" || !from.spanKind || from.spanKind.otlpKind === 3) continue;
        const clients = spans.filter((s) => s.service === from.name && s.kind === 3);
        const wrapping = clients.filter((c) =>
          (children.get(`${c.traceId}/${c.spanId}`) ?? []).some((child) =>
            child.service === to.name && child.kind === 2
          )
        );
        expect({ edge: `${from.name} -> ${to.name}`, found: wrapping.length > 0 }).toEqual({
          edge: `${from.name} -> ${to.name}`,
          found: true,
        });
      }
      expect(config.services.length).toBeGreaterThan(0);
    });

    test("an active-requests gauge follows rate x mean duration within 20%", () => {
      const gauges = metrics.filter((m) => m.gauge && m.name.endsWith("active_requests"));
      if (example === "marketplace.yaml") expect(gauges.length).toBeGreaterThan(0);
      const rootStart = new Map(
        spans.filter((s) => s.parentSpanId === "").map((s) => [s.traceId, BigInt(s.startTimeUnixNano)]),
      );
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      let checked = 0;
      for (const stream of Map.groupBy(gauges, (g) => `${g.service}/${g.name}`).values()) {
        const service = stream[0]!.service;
        const points = stream.flatMap((g) => g.gauge!.dataPoints)
          .sort((a, b) => Number(BigInt(a.timeUnixNano) - BigInt(b.timeUnixNano)));
        // Whole intervals only: the last collection closes a partial one.
        for (let i = 1; i < points.length - 1; i++) {
          const [from, to] = [BigInt(points[i - 1]!.timeUnixNano), BigInt(points[i]!.timeUnixNano)];
          const handled = spans.filter((s) =>
            s.service === service && (s.parentSpanId === "" || byId.get(s.parentSpanId)!.service !== s.service) &&
            rootStart.get(s.traceId)! >= from && rootStart.get(s.traceId)! < to
          );
          const seconds = Number(to - from) / 1e9;
          const meanSeconds = handled.reduce((sum, s) => sum + durationNs(s), 0) / handled.length / 1e9;
          const expected = (handled.length / seconds) * meanSeconds;
          expect(Math.abs(points[i]!.asDouble! - expected) / expected).toBeLessThan(0.2);
          checked++;
        }
      }
      if (example === "marketplace.yaml") expect(checked).toBeGreaterThanOrEqual(2);
    });

    test("span names are low-cardinality: no ids in them", () => {
      for (const name of new Set(spans.map((s) => s.name))) expect(name).not.toMatch(/\d{3,}|[0-9a-f]{8,}/);
    });

    test("HTTP, database and messaging spans carry the attributes their conventions require", () => {
      const has = (span: OfficialSpan, keys: string[]) => {
        const present = new Set(span.attributes.map((a) => a.key));
        return keys.filter((k) => !present.has(k));
      };
      const value = (span: OfficialSpan, key: string) => span.attributes.find((a) => a.key === key)?.value;
      let checked = 0;
      for (const span of spans) {
        let missing: string[] = [];
        if (value(span, "http.request.method") && span.kind === 2) {
          missing = has(span, ["http.route", "url.path", "url.scheme", "http.response.status_code", "server.address"]);
        } else if (value(span, "http.request.method") && span.kind === 3) {
          missing = has(span, ["url.full", "server.address", "server.port", "http.response.status_code"]);
        } else if (value(span, "db.system.name")) {
          missing = has(span, ["db.operation.name", "db.collection.name", "db.namespace", "server.address"]);
        } else if (value(span, "messaging.system.name")) {
          missing = has(span, ["messaging.operation.type", "messaging.destination.name"]);
        } else continue;
        checked++;
        expect({ span: span.name, missing }).toEqual({ span: span.name, missing: [] });
        if (span.status?.code === 2) expect(has(span, ["error.type"])).toEqual([]);
      }
      expect(checked).toBe(spans.filter((s) => s.kind !== 1).length);
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
      const streams = Map.groupBy(metrics.filter((m) => m.sum?.isMonotonic), (m) => `${m.service}/${m.name}`);
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

    test("configured duration histograms count and sum the service's own spans", () => {
      // A service's own spans are those whose parent is not its own span: its CLIENT and PRODUCER spans
      // for the calls it makes are children of its own span.
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const own = Map.groupBy(
        spans.filter((s) => s.parentSpanId === "" || byId.get(s.parentSpanId)!.service !== s.service),
        (s) => s.service,
      );
      // A configured histogram with a convention's name is that convention's stream (next test); the others are one bare stream.
      const configured = metrics.filter((m) =>
        m.histogram && configuredNames.has(`${m.service}/${m.name}`) &&
        m.histogram.dataPoints.every((p) => p.attributes.length === 0)
      );
      for (const [stream, points] of Map.groupBy(configured, (m) => `${m.service}/${m.name}`)) {
        const last = points.flatMap((m) => m.histogram!.dataPoints).sort(byTimeDescending)[0]!;
        const mine = own.get(stream.split("/")[0]!) ?? [];
        expect(Number(last.count)).toBe(mine.length);
        const nsPerUnit = points[0]!.unit === "s" ? 1e9 : 1e6;
        expect(last.sum!).toBeCloseTo(mine.reduce((sum, s) => sum + durationNs(s) / nsPerUnit, 0), 6);
        expect(last.bucketCounts.reduce((n, c) => n + Number(c), 0)).toBe(Number(last.count));
      }
    });

    test("semantic-convention histograms: per interval, count and sum equal the matching spans; exemplars are sent spans", () => {
      const rootStart = new Map(
        spans.filter((s) => s.parentSpanId === "").map((s) => [s.traceId, BigInt(s.startTimeUnixNano)]),
      );
      const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
      const semconv = metrics.filter((m) =>
        m.histogram && (!configuredNames.has(`${m.service}/${m.name}`) ||
          m.histogram.dataPoints.some((p) => p.attributes.length > 0))
      );
      expect(semconv.length).toBeGreaterThan(0);
      let exemplars = 0;
      for (const metric of semconv) {
        const kind = SPAN_KIND_OF[metric.name.split(".").slice(0, 2).join(".")];
        expect(kind).toBeDefined();
        const keys = new Set(metric.histogram!.dataPoints.flatMap((p) => p.attributes.map((a) => a.key)));
        for (const point of metric.histogram!.dataPoints) {
          const wanted = JSON.stringify(point.attributes.map((a) => [a.key, a.value]).sort());
          const matching = spans.filter((s) =>
            s.service === metric.service && s.kind === kind &&
            rootStart.get(s.traceId)! < BigInt(point.timeUnixNano) &&
            JSON.stringify(s.attributes.filter((a) => keys.has(a.key)).map((a) => [a.key, a.value]).sort()) === wanted
          );
          expect(Number(point.count)).toBe(matching.length);
          const nsPerUnit = metric.unit === "s" ? 1e9 : 1e6;
          expect(point.sum!).toBeCloseTo(matching.reduce((sum, s) => sum + durationNs(s) / nsPerUnit, 0), 6);
          for (const exemplar of point.exemplars) {
            const span = byId.get(`${exemplar.traceId}/${exemplar.spanId}`);
            expect(span).toBeDefined();
            expect(matching).toContain(span!);
            expect(exemplar.asDouble!).toBeCloseTo(durationNs(span!) / nsPerUnit, 9);
            exemplars++;
          }
        }
      }
      expect(exemplars).toBeGreaterThan(0);
    });
  });
}
