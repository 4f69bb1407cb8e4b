// The release-day example (examples/deploy.yaml), sent unpaced into the built-in receiver and read back as
// a backend would: spans, metric points and log records by the resource they came with, and the receiver's
// per-minute report. A bad version rolls out to orders-api's four replicas over 2m-6m and is rolled back
// over 9m-11m; orders-api saturates over 13m-19m (2 minutes up, 2 at the peak, 2 down).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fromBinary } from "@bufbuild/protobuf";
import { ExportLogsServiceRequestSchema } from "../src/gen/opentelemetry/proto/collector/logs/v1/logs_service_pb.ts";
import { ExportMetricsServiceRequestSchema } from "../src/gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.ts";
import { ExportTraceServiceRequestSchema } from "../src/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import type { Resource } from "../src/gen/opentelemetry/proto/resource/v1/resource_pb.ts";
import { type Sink, startSink } from "../src/receiver/start-receiver.ts";
import type { ServiceBucket } from "../src/receiver/time-buckets.ts";
import { formatTimeline } from "../src/cli/format-timeline.ts";
import { type InstancePlan, planRun } from "../src/engine/plan.ts";
import { runCli } from "./helpers/cli.ts";
import { loadYaml, VALID } from "./helpers/config.ts";
import { FIXED_START_US, runExampleFast } from "./helpers/run.ts";

interface Received {
  /** orders-api's SERVER spans: the minute they started in, their resource's version and instance, failed or not. */
  readonly spans: { minute: number; version: string; instance: string; error: boolean; spanId: string }[];
  readonly logs: { instance: string; spanId: string }[];
  /** orders-api's metric points: the minute of their time, of their stream's start, and their value. */
  readonly points: {
    metric: string;
    instance: string;
    version: string;
    minute: number;
    start: number;
    value: number;
  }[];
  /** Each orders-api instance's resource attributes, as every signal carried them. */
  readonly resources: Map<string, Set<string>>;
  readonly buckets: (service: string) => readonly ServiceBucket[];
}

interface Point {
  readonly timeUnixNano: bigint;
  readonly startTimeUnixNano: bigint;
  readonly value?: { readonly value: number | bigint };
  readonly count?: bigint;
}

const SERVER = 2;
const minuteOf = (unixNano: bigint) => (Number(unixNano / 1000n) - FIXED_START_US) / 60e6;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

let sink: Sink | undefined;
afterAll(() => sink?.close());

let received: Received;
beforeAll(async () => {
  const requests: { signal: string; bytes: Uint8Array }[] = [];
  sink = await startSink({
    port: 0,
    bucketSeconds: 60,
    onRequest: (signal, bytes) => requests.push({ signal, bytes }),
  });
  const summary = await runExampleFast("deploy.yaml", `http://127.0.0.1:${sink.port}`);
  expect(summary.failedExports).toBe(0);
  const report = sink.report();
  received = {
    spans: [],
    logs: [],
    points: [],
    resources: new Map(),
    buckets: (service) => report.buckets!.services.find((s) => s.service === service)!.buckets,
  };
  /** orders-api's instance id and version, after noting the resource it came with; undefined for other services. */
  const ordersApi = (resource: Resource | undefined) => {
    const attributes = new Map(resource!.attributes.map((a) => [a.key, String(a.value?.value.value)]));
    if (attributes.get("service.name") !== "orders-api") return undefined;
    const instance = attributes.get("service.instance.id")!;
    const seen = received.resources.get(instance) ?? new Set();
    received.resources.set(instance, seen.add(JSON.stringify([...attributes])));
    return { instance, version: attributes.get("service.version")! };
  };
  for (const { signal, bytes } of requests) {
    if (signal === "traces") {
      for (const { resource, scopeSpans } of fromBinary(ExportTraceServiceRequestSchema, bytes).resourceSpans) {
        const of = ordersApi(resource);
        for (const span of of ? scopeSpans.flatMap((s) => s.spans) : []) {
          if (span.kind !== SERVER) continue;
          const error = span.status?.code === 2;
          received.spans.push({ minute: minuteOf(span.startTimeUnixNano), ...of!, error, spanId: hex(span.spanId) });
        }
      }
    } else if (signal === "logs") {
      for (const { resource, scopeLogs } of fromBinary(ExportLogsServiceRequestSchema, bytes).resourceLogs) {
        const of = ordersApi(resource);
        for (const log of of ? scopeLogs.flatMap((s) => s.logRecords) : []) {
          received.logs.push({ instance: of!.instance, spanId: hex(log.spanId) });
        }
      }
    } else {
      for (const { resource, scopeMetrics } of fromBinary(ExportMetricsServiceRequestSchema, bytes).resourceMetrics) {
        const of = ordersApi(resource);
        for (const metric of of ? scopeMetrics.flatMap((s) => s.metrics) : []) {
          // Gauges and sums have a value, histograms a count.
          const { dataPoints } = metric.data.value as { dataPoints: Point[] };
          for (const { timeUnixNano, startTimeUnixNano, value, count } of dataPoints) {
            received.points.push({
              metric: metric.name,
              ...of!,
              minute: minuteOf(timeUnixNano),
              start: minuteOf(startTimeUnixNano),
              value: Number(value?.value ?? count),
            });
          }
        }
      }
    }
  }
}, 60_000);

describe("examples/deploy.yaml: a bad release, rolled out and rolled back", () => {
  /** The share of orders-api's requests in minute m served by version 2.0.0, and their error rate. */
  const minute = (m: number) => {
    const spans = received.spans.filter((s) => Math.floor(s.minute) === m);
    const fresh = spans.filter((s) => s.version === "2.0.0");
    return { share: fresh.length / spans.length, old: spans.filter((s) => s.version !== "2.0.0") };
  };

  test("2.0.0's share of the requests rises over the window from none to all, and falls back over the rollback", () => {
    for (const m of [0, 1, 11, 12]) expect(minute(m).share).toBe(0);
    for (const m of [6, 7, 8]) expect(minute(m).share).toBe(1);
    // Four replicas, one replaced in each minute of the window: the share climbs in four steps.
    const rising = [2, 3, 4, 5].map((m) => minute(m).share);
    for (const [k, share] of rising.entries()) {
      expect(share).toBeGreaterThan(k / 4);
      expect(share).toBeLessThan((k + 1) / 4);
    }
    const falling = [9, 10].map((m) => minute(m).share);
    expect(falling[0]).toBeGreaterThan(falling[1]!);
  });

  test("2.0.0 fails at its configured 10% (over orders-api's own 0.2%), 1.8.3 beside it does not", () => {
    const fresh = received.spans.filter((s) => s.version === "2.0.0");
    const rate = fresh.filter((s) => s.error).length / fresh.length;
    expect(fresh.length).toBeGreaterThan(5000);
    expect(Math.abs(rate / (0.1 + 0.003) - 1)).toBeLessThan(0.1);
    const old = [2, 3, 4, 5].flatMap((m) => minute(m).old);
    expect(old.filter((s) => s.error).length / old.length).toBeLessThan(0.01);
    // The receiver's per-minute error rate of the service climbs with the share, and is back after the rollback.
    const errors = received.buckets("orders-api").map((b) => b.errorRate);
    expect(errors[1]).toBeLessThan(0.01);
    expect(errors[7]).toBeGreaterThan(0.09);
    expect(errors[12]).toBeLessThan(0.01);
  });

  test("each replaced replica is a new instance: a new id, pod and version, its own metric streams", () => {
    // Four replicas from the start, four of 2.0.0, four of 1.8.3 again after the rollback.
    const versions = new Map(received.spans.map((s) => [s.instance, s.version]));
    expect([...versions.values()].toSorted()).toEqual(
      [...Array(4).fill("1.8.3"), ...Array(4).fill("2.0.0"), ...Array(4).fill("1.8.3")].toSorted(),
    );
    const pods = [...received.resources.values()].map((set) => new Map(JSON.parse([...set][0]!)).get("k8s.pod.name"));
    expect(new Set(pods).size).toBe(12);
    for (const [instance, version] of versions) {
      const served = received.spans.filter((s) => s.instance === instance).map((s) => s.minute);
      const points = received.points.filter((p) => p.instance === instance);
      // Its SDK starts shortly before it takes traffic and stops shortly after: its streams start with it.
      const [first, last] = [Math.min(...served), Math.max(...served)];
      expect(points.length).toBeGreaterThan(0);
      for (const point of points) {
        expect(point.minute).toBeGreaterThan(first - 0.5);
        expect(point.minute).toBeLessThan(last + 0.5);
        expect(point.version).toBe(version);
      }
      const histogram = points.filter((p) => p.metric === "http.server.request.duration");
      if (first > 1) expect(Math.min(...histogram.map((p) => p.start))).toBeGreaterThan(first - 0.5);
    }
  });

  test("an instance's resource is one and the same in traces, metrics and logs, and its logs are of its spans", () => {
    for (const set of received.resources.values()) expect(set.size).toBe(1);
    const spanInstance = new Map(received.spans.map((s) => [s.spanId, s.instance]));
    expect(received.logs.length).toBeGreaterThan(1000);
    for (const log of received.logs) {
      if (spanInstance.has(log.spanId)) expect(spanInstance.get(log.spanId)).toBe(log.instance);
    }
  });
});

describe("examples/deploy.yaml: orders-api saturates", () => {
  /** The mean CPU utilization orders-api's instances report in minute m. */
  const cpu = (m: number) =>
    mean(
      received.points.filter((p) => p.metric === "process.cpu.utilization" && Math.floor(p.minute) === m)
        .map((p) => p.value),
    );
  const p95 = (m: number) => received.buckets("orders-api")[m]!.p95Ms;

  test("CPU climbs and p95 climbs with it, hold at the peak, and both are back to baseline after", () => {
    const baseline = { cpu: mean([11, 12, 20, 21].map(cpu)), p95: mean([11, 12, 20, 21].map(p95)) };
    // 13m-15m: climbing, in step.
    expect(cpu(13)).toBeGreaterThan(baseline.cpu + 0.1);
    expect(cpu(14)).toBeGreaterThan(cpu(13) + 0.1);
    expect(p95(13)).toBeGreaterThan(baseline.p95 * 1.3);
    expect(p95(14)).toBeGreaterThan(p95(13) * 1.3);
    // 15m-17m: 80% of the way to full; own work 5x slower (p95 also holds orders-db's unchanged time).
    for (const m of [15, 16]) {
      expect(cpu(m)).toBeGreaterThan(baseline.cpu + 0.8 * (1 - baseline.cpu) - 0.05);
      expect(p95(m) / baseline.p95).toBeGreaterThan(3.5);
      expect(p95(m) / baseline.p95).toBeLessThan(5);
    }
    // 19m on: recovered.
    for (const m of [19, 20, 21]) {
      expect(Math.abs(cpu(m) - baseline.cpu)).toBeLessThan(0.05);
      expect(Math.abs(p95(m) / baseline.p95 - 1)).toBeLessThan(0.1);
    }
  });
});

describe("what a rollout replaces, and what validate and explain say about it", () => {
  const config = (deployment: string) =>
    `${VALID.replace("    type: db\n", "    type: db\n    replicas: 3\n    version: 1.0.0\n")}${deployment}scenarios:
  - { name: db 2, at: 10s, duration: 30s, target: users-db, deploy: { version: "2.0.0" } }
  - { name: db back, at: 45s, duration: 10s, target: users-db, deploy: { rollback: true } }
  - { name: hot, at: 20s, duration: 20s, target: [users, users-db], saturation: { level: 0.75 } }
`;
  const value = (instance: InstancePlan, key: string) =>
    Object.values(instance.resource.attributes.find((a) => a.key === key)!.value)[0];
  /** Each replica's instances in time order: as it starts, after the deploy, after the rollback. */
  const lineages = (plan: ReturnType<typeof planRun>) =>
    plan.services.find((s) => s.name === "users-db")!.instances.map((first) => {
      const chain = [first];
      while (chain.at(-1)!.replacedBy) chain.push(chain.at(-1)!.replacedBy!);
      return chain;
    });

  test("on Kubernetes each switch is a new pod of the version's ReplicaSet; on hosts, a new process on the same host", async () => {
    const pods = lineages(planRun(await loadYaml(config("deployment: { kubernetes: true }\n"))));
    for (const [before, after, back] of pods) {
      expect([before, after, back].map((i) => value(i!, "service.version"))).toEqual(["1.0.0", "2.0.0", "1.0.0"]);
      expect(new Set([before, after, back].map((i) => value(i!, "service.instance.id"))).size).toBe(3);
      expect(new Set([before, after, back].map((i) => value(i!, "k8s.pod.name"))).size).toBe(3);
      // The rollback scales the old ReplicaSet up again: new pods, the old template's hash.
      expect(value(back!, "k8s.replicaset.name")).toBe(value(before!, "k8s.replicaset.name"));
      expect(value(after!, "k8s.replicaset.name")).not.toBe(value(before!, "k8s.replicaset.name"));
      expect(after!.fromSeconds).toBeGreaterThan(10);
      expect(after!.fromSeconds).toBeLessThan(40);
      expect(back!.fromSeconds).toBeGreaterThan(45);
    }
    // One replica at a time: the k-th replaced in the k-th third of the window.
    const moments = pods.map(([, after]) => after!.fromSeconds!).toSorted((a, b) => a - b);
    moments.forEach((at, k) => expect(Math.floor((at - 10) / 10)).toBe(k));

    const processes = lineages(planRun(await loadYaml(config(""))));
    for (const chain of processes) {
      expect(new Set(chain.map((i) => value(i, "host.name"))).size).toBe(1);
      expect(new Set(chain.map((i) => value(i, "process.pid"))).size).toBe(3);
    }
    expect(new Set(processes.flat().map((i) => value(i, "service.instance.id"))).size).toBe(9);
  });

  test("validate's timeline says what each does, and where a saturation has no gauge to fill", async () => {
    const withGauge = config("").replace(
      "  db:\n",
      '  db:\n    metrics: [{ name: db.client.connection.count, type: updowncounter, unit: "{connection}" }]\n',
    );
    const settings = await loadYaml(withGauge);
    const timeline = formatTimeline(settings, planRun(settings, { index: 0, count: 1 }, FIXED_START_US).curve);
    expect(timeline).toContain("at 10s for 30s: deploy 2.0.0 on users-db");
    expect(timeline).toContain("at 45s for 10s: rollback on users-db");
    expect(timeline).toContain(
      "at 20s for 20s: saturation 75% (latency up to ×4) on users, users-db; gauges climb: users-db " +
        "(db.client.connection.count); latency only (no CPU, memory or pool gauge): users",
    );
  });

  test("explain --at names the deploy in effect and the versions the replicas run", () => {
    const result = runCli(["explain", "examples/deploy.yaml", "--at", "4m", "--requests", "1"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("at 4m: orders-api 2.0.0 rollout (rolling out)\n  orders-api: ");
    expect(result.stdout).toMatch(/orders-api: (2\.0\.0|1\.8\.3) on 2 of 4 replicas, (2\.0\.0|1\.8\.3) on 2\n/);
  });
});
