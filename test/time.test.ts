// Time like a real system: Poisson arrivals, nanosecond timestamps, a long-tailed base_duration_ms, and
// metric readers that behave like each instance's own SDK.
import { afterAll, describe, expect, test } from "bun:test";
import { fromBinary } from "@bufbuild/protobuf";
import { join } from "node:path";
import { ExportMetricsServiceRequestSchema } from "../src/gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import type { Metric } from "../src/gen/opentelemetry/proto/metrics/v1/metrics_pb.ts";
import { ResourceSpansSchema } from "../src/gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import type { Settings } from "../src/config/settings.ts";
import { planRun } from "../src/engine/plan.ts";
import { namedRandom } from "../src/engine/seed.ts";
import { type Sink, startSink } from "../src/receiver/start-receiver.ts";
import { ROOT } from "./helpers/cli.ts";
import { captureExports, loadSettings, runFast } from "./helpers/run.ts";

const FIXTURE = join(ROOT, "test/fixtures/orders-api.yaml");

function withWorkload(loaded: Settings, workload: Partial<Settings["config"]["workload"]>): Settings {
  return { ...loaded, config: { ...loaded.config, workload: { ...loaded.config.workload, ...workload } } };
}

/** Root span start times (ns) of a captured run of the fixture's 50/s, in order. */
async function rootStarts(loaded: Settings, durationSeconds: number): Promise<bigint[]> {
  const exports = captureExports(loaded);
  await runFast(loaded, { durationSeconds, exporter: "capture" });
  const starts: bigint[] = [];
  for (const request of exports.filter((e) => e.signal === "traces")) {
    for (const resource of request.resources) {
      for (const span of fromBinary(ResourceSpansSchema, resource).scopeSpans.flatMap((s) => s.spans)) {
        if (span.parentSpanId.length === 0) starts.push(span.startTimeUnixNano);
      }
    }
  }
  return starts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const gaps = (times: readonly bigint[]) => times.slice(1).map((t, i) => t - times[i]!);

describe("arrivals", () => {
  test("Poisson by default: over 10,000 requests more than 1000 distinct gaps, none at .000000000", async () => {
    const loaded = await loadSettings(FIXTURE);
    const starts = await rootStarts(loaded, 200);
    expect(starts.length).toBeGreaterThan(9_500);
    expect(new Set(gaps(starts)).size).toBeGreaterThan(1000);
    expect(starts[0]! % 1_000_000_000n).not.toBe(0n);
  });

  test("`arrivals: uniform` spaces requests exactly 1/rate apart", async () => {
    const loaded = withWorkload(await loadSettings(FIXTURE), { arrivals: "uniform" });
    const plan = planRun(
      withWorkload(loaded, { ratePerSecond: 1000, durationSeconds: 10, shape: { kind: "constant", rate: 1000 } }),
    );
    expect(plan.totalRequests).toBe(10_000);
    for (let i = 1; i < plan.totalRequests; i++) {
      expect(plan.arrivals.offsetUs(i) - plan.arrivals.offsetUs(i - 1)).toBeCloseTo(1000, 6);
    }
    // As sent: 20 ms apart at 50/s, give or take the rounding of each start to a whole microsecond.
    const starts = await rootStarts(loaded, 40);
    expect(starts.length).toBe(2000);
    for (const gap of gaps(starts)) expect(Math.abs(Number(gap) / 1000 - 20_000)).toBeLessThan(2);
  });

  test("a Poisson run's count over an hour is within four standard deviations of rate x duration", async () => {
    const loaded = await loadSettings(FIXTURE);
    for (const seed of ["a", "b", "c"]) {
      const plan = planRun(withWorkload({ ...loaded, config: { ...loaded.config, seed } }, { durationSeconds: 3600 }));
      const expected = 50 * 3600;
      expect(Math.abs(plan.totalRequests - expected)).toBeLessThan(4 * Math.sqrt(expected));
      // The last request starts within the run, and about one gap before its end.
      const last = plan.arrivals.offsetUs(plan.totalRequests - 1);
      expect(last).toBeLessThan(3600e6);
      expect(last).toBeGreaterThan(3600e6 - 1e6);
    }
  });

  test("request i starts at the same time in every shard: the schedule depends on the seed alone", async () => {
    const loaded = await loadSettings(FIXTURE);
    const whole = planRun(loaded);
    const shard = planRun(loaded, { index: 2, count: 3 });
    expect(shard.totalRequests).toBe(whole.totalRequests);
    for (const i of [2, 5, 500, 5000]) expect(shard.arrivals.offsetUs(i)).toBe(whole.arrivals.offsetUs(i));
  });
});

describe("timestamps", () => {
  test("have nanoseconds: not all multiples of 1000 ns", async () => {
    const starts = await rootStarts(await loadSettings(FIXTURE), 20);
    const offGrid = starts.filter((t) => t % 1000n !== 0n).length;
    expect(offGrid / starts.length).toBeGreaterThan(0.9);
  });
});

describe("base_duration_ms", () => {
  test("is long-tailed around the base: over 50,000 samples p99 > 2 x p50, median within 15% of it", async () => {
    const plan = planRun(await loadSettings(FIXTURE));
    const api = plan.services.find((s) => s.name === "orders-api")!.span!;
    const random = namedRandom(plan.seedHash, "test/durations");
    const samples = Array.from({ length: 50_000 }, () => api.duration(random.float())).sort((a, b) => a - b);
    const at = (q: number) => samples[Math.floor(q * samples.length)]!;
    expect(Math.abs(at(0.5) - 40_000) / 40_000).toBeLessThan(0.15);
    expect(at(0.99)).toBeGreaterThan(2 * at(0.5));
    expect(at(0.999)).toBeGreaterThan(at(0.99));
  });
});

describe("metrics like an SDK's, --fast with output.concurrency 4 into the built-in receiver", () => {
  const received: Metric[][] = [];
  const byInstance = new Map<string, { name: string; start: bigint; time: bigint }[]>();
  let sink: Sink;

  afterAll(() => sink?.close());

  test("cumulative counters never decrease in arrival order", async () => {
    const arrived: { instance: string; metrics: Metric[] }[] = [];
    sink = await startSink({
      port: 0,
      onRequest(signal, bytes) {
        if (signal !== "metrics") return;
        for (const resource of fromBinary(ExportMetricsServiceRequestSchema, bytes).resourceMetrics) {
          const id = resource.resource!.attributes.find((a) => a.key === "service.instance.id")!.value!.value
            .value as string;
          arrived.push({ instance: id, metrics: resource.scopeMetrics.flatMap((s) => s.metrics) });
        }
      },
    });
    const loaded = await loadSettings(FIXTURE);
    expect(loaded.config.output.concurrency).toBe(4);
    // 20 minutes of simulated time: 120 collections per instance, at 10 s.
    await runFast(withWorkload(loaded, { durationSeconds: 1200 }), {
      endpoint: { url: `http://127.0.0.1:${sink.port}`, tls: false },
    });
    const last = new Map<string, bigint>();
    let checked = 0;
    for (const { instance, metrics } of arrived) {
      received.push(metrics);
      for (const metric of metrics) {
        const points = metric.data.case === "sum" || metric.data.case === "gauge" ? metric.data.value.dataPoints : [];
        const point = metric.data.case === "histogram" ? metric.data.value.dataPoints[0] : points[0];
        if (point) {
          const list = byInstance.get(instance) ?? [];
          list.push({ name: metric.name, start: point.startTimeUnixNano, time: point.timeUnixNano });
          byInstance.set(instance, list);
        }
        if (metric.data.case !== "sum" || !metric.data.value.isMonotonic) continue;
        const value = BigInt(metric.data.value.dataPoints[0]!.value.value!);
        const key = `${instance}/${metric.name}`;
        expect(value >= (last.get(key) ?? 0n)).toBe(true);
        last.set(key, value);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  }, 60_000);

  test("each instance's reader has its own start and its own collection times, an interval apart", () => {
    const api = [...byInstance.entries()].filter(([, points]) => points.some((p) => p.name === "orders.handled"));
    expect(api.length).toBe(3);
    const starts = api.map(([, points]) => points.find((p) => p.name === "orders.handled")!.start);
    expect(new Set(starts).size).toBe(3);
    const firstTimes = api.map(([, points]) => points[0]!.time);
    expect(new Set(firstTimes).size).toBe(3);
    for (const [, points] of api) {
      const times = [...new Set(points.filter((p) => p.name === "orders.handled").map((p) => p.time))];
      for (let i = 1; i < times.length - 1; i++) {
        // 10 s apart, give or take the few milliseconds a reader's timer fires late.
        expect(Math.abs(Number(times[i]! - times[i - 1]!) / 1e6 - 10_000)).toBeLessThan(5);
      }
    }
  });

  test("every metric has a description; conventions' own for their names", () => {
    const all = received.flat();
    expect(all.length).toBeGreaterThan(0);
    for (const metric of all) expect(metric.description).not.toBe("");
    const described = (name: string) => all.find((m) => m.name === name)!;
    expect(described("http.server.request.duration").description).toBe("Duration of HTTP server requests.");
    expect(described("http.server.active_requests").description).toBe("Number of active HTTP server requests.");
    expect(described("http.server.active_requests").unit).toBe("{request}");
    expect(described("orders.handled").description).toBe("Number of orders handled.");
  });

  test("updowncounter: a non-monotonic cumulative sum", () => {
    for (const name of ["http.server.active_requests", "process.memory.usage", "db.client.connection.count"]) {
      const metric = received.flat().find((m) => m.name === name)!;
      expect(metric.data.case).toBe("sum");
      if (metric.data.case === "sum") {
        expect(metric.data.value.isMonotonic).toBe(false);
        expect(metric.data.value.aggregationTemporality).toBe(2);
      }
    }
    const memory = received.flat().filter((m) => m.name === "process.memory.usage");
    const values = new Set(memory.map((m) => m.data.case === "sum" && m.data.value.dataPoints[0]!.value.value));
    expect(values.size).toBeGreaterThan(10);
  });

  test("a configured http.server.request.duration in ms keeps the convention's attributes and exemplars", () => {
    const durations = received.flat().filter((m) => m.name === "http.server.request.duration");
    expect(durations.every((m) => m.unit === "ms")).toBe(true);
    const points = durations.flatMap((m) => m.data.case === "histogram" ? m.data.value.dataPoints : []);
    const keys = new Set(points.flatMap((p) => p.attributes.map((a) => a.key)));
    expect([...keys]).toEqual(
      expect.arrayContaining(["http.request.method", "http.route", "http.response.status_code"]),
    );
    expect(points.some((p) => p.exemplars.length > 0)).toBe(true);
    // In milliseconds: the bounds are the convention's 5 ms ... 10 s.
    expect(points[0]!.explicitBounds[0]).toBe(5);
    expect(points.reduce((n, p) => n + Number(p.count), 0)).toBeGreaterThan(0);
  });
});

describe("metrics exports", () => {
  test("go one at a time, while traces and logs use every slot", async () => {
    const loaded = await loadSettings(join(ROOT, "examples", "marketplace.yaml"));
    let inFlight = 0;
    let most = 0;
    loaded.registry.exporters.set("slow-metrics", {
      name: "slow-metrics",
      plugin: "test",
      value: () => ({
        async export(request) {
          if (request.signal !== "metrics") return { rejected: 0 };
          most = Math.max(most, ++inFlight);
          await Bun.sleep(5);
          inFlight--;
          return { rejected: 0 };
        },
        close: () => Promise.resolve(),
      }),
    });
    const summary = await runFast(loaded, { durationSeconds: 300, exporter: "slow-metrics" });
    expect(summary.dataPoints).toBeGreaterThan(0);
    expect(most).toBe(1);
  });
});
