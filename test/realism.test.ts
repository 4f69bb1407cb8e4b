import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { planRun, type RunPlan, type ServicePlan } from "../src/engine/plan.ts";
import { simulateRequest } from "../src/engine/simulate.ts";
import { loadSettings } from "./helpers/run.ts";
import { MetricsAggregator } from "../src/engine/metrics/aggregator.ts";
import type { NumberPoint } from "../src/telemetry/records.ts";
import type { SpanRecord } from "../src/telemetry/records.ts";
import { ROOT } from "./helpers/cli.ts";

/** Simulates requests 0..n-1 and returns each service's own spans. */
function ownSpans(plan: RunPlan, requests: number): Map<string, SpanRecord[]> {
  const own = new Map<string, SpanRecord[]>(plan.services.map((s) => [s.name, []]));
  for (let i = 0; i < requests; i++) {
    simulateRequest(plan, i, 1_700_000_000_000_000 + i * 10_000, {
      span: () => {},
      log: () => {},
      handled: (instance, _start, _end, span) => span && own.get(instance.service.name)!.push(span),
    });
  }
  return own;
}

/**
 * What the configuration implies, assuming independent draws: a span fails on its own, or, with
 * probability error_propagation, because a synchronous call failed after all its retries.
 */
function impliedFailure(service: ServicePlan, cache = new Map<ServicePlan, number>()): number {
  const known = cache.get(service);
  if (known !== undefined) return known;
  let callsSucceed = 1;
  for (const callee of service.downstream) {
    if (service.span && callee.span?.call === "message") continue; // asynchronous: never surfaces
    callsSucceed *= 1 - impliedFailure(callee, cache) ** (service.retries + 1);
  }
  const anyCallFailed = 1 - callsSucceed;
  const failure = service.span
    ? 1 - (1 - service.span.errorRate) * (1 - service.span.errorPropagation * anyCallFailed)
    : anyCallFailed;
  cache.set(service, failure);
  return failure;
}

describe("error rates over many requests", () => {
  // Rates near 30% need 40,000 requests for 1 percentage point to be four standard deviations.
  for (
    const [config, requests] of [["test/fixtures/error-propagation.yaml", 40_000], [
      "examples/marketplace.yaml",
      10_000,
    ]] as const
  ) {
    test(`${config}: each service within 1 percentage point of what its configuration implies`, async () => {
      const plan = planRun(await loadSettings(join(ROOT, config)));
      const spans = ownSpans(plan, requests);
      for (const service of plan.services.filter((s) => s.span)) {
        const list = spans.get(service.name)!;
        const measured = list.filter((s) => s.status?.code === 2).length / list.length;
        const implied = impliedFailure(service);
        expect({ service: service.name, off: Math.abs(measured - implied) < 0.01 }).toEqual({
          service: service.name,
          off: true,
        });
      }
    });
  }

  test("propagation is visible: the API fails more than its own 10%, with its database's 20% on top", async () => {
    const plan = planRun(await loadSettings(join(ROOT, "test/fixtures/error-propagation.yaml")));
    const api = ownSpans(plan, 10_000).get("api")!;
    const measured = api.filter((s) => s.status?.code === 2).length / api.length;
    expect(measured).toBeGreaterThan(0.26); // 1 - 0.9 * 0.8 = 0.28
    expect(measured).toBeLessThan(0.30);
  });
});

describe("latency percentiles", () => {
  test("own durations hit the configured p50, p95 and p99", async () => {
    const file = join(ROOT, "test/fixtures/latency.yaml");
    const plan = planRun(await loadSettings(file));
    const durations = ownSpans(plan, 50_000).get("search")!.map((s) => (s.endUs - s.startUs) / 1000).sort((a, b) =>
      a - b
    );
    const at = (q: number) => durations[Math.floor(q * durations.length)]!;
    expect(at(0.5)).toBeCloseTo(40, -0.5);
    expect(Math.abs(at(0.95) - 180) / 180).toBeLessThan(0.05);
    expect(Math.abs(at(0.99) - 900) / 900).toBeLessThan(0.1);
  });
});

describe("resources, replicas and user attributes", () => {
  const value = (attributes: readonly { key: string; value: object }[], key: string) =>
    Object.values(attributes.find((a) => a.key === key)?.value ?? {})[0];

  test("replicas are instances with their own identity, sharing the load", async () => {
    const plan = planRun(await loadSettings(join(ROOT, "test/fixtures/attributes.yaml")));
    const instances = plan.services[0]!.instances;
    expect(instances).toHaveLength(3);
    for (const key of ["service.instance.id", "host.name", "k8s.pod.name"]) {
      expect(new Set(instances.map((i) => value(i.resource.attributes, key))).size).toBe(3);
    }
    const load = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      simulateRequest(plan, i, 1_700_000_000_000_000, {
        span: (instance) => load.set(instance.index, (load.get(instance.index) ?? 0) + 1),
        log: () => {},
        handled: () => {},
      });
    }
    for (const count of load.values()) expect(Math.abs(count - 1000)).toBeLessThan(100);
  });

  test("resources carry service, deployment, runtime, Kubernetes, cloud and the user's attributes", async () => {
    const plan = planRun(await loadSettings(join(ROOT, "test/fixtures/attributes.yaml")));
    const resource = plan.instances[0]!.resource.attributes;
    expect(Object.fromEntries(resource.map((a) => [a.key, value(resource, a.key)]))).toMatchObject({
      "service.name": "api",
      "service.namespace": "shop",
      "service.version": "1.2.3",
      "deployment.environment.name": "qa",
      "telemetry.sdk.language": "rust",
      "telemetry.sdk.name": "opentelemetry",
      "process.runtime.name": "rustc",
      "k8s.namespace.name": "shop",
      "k8s.deployment.name": "api",
      "cloud.provider": "gcp",
      "cloud.platform": "gcp_kubernetes_engine",
      team: "billing",
      "telemetry.distro.name": "dreamweaver",
    });
    expect(value(resource, "pod.seed")).toMatch(/^[0-9a-f]{6}$/);
    expect(new Set(resource.map((a) => a.key)).size).toBe(resource.length);
  });

  test("span attributes: the template's, the service's over them, placeholders filled per span", async () => {
    const plan = planRun(await loadSettings(join(ROOT, "test/fixtures/attributes.yaml")));
    const tenants = new Set<unknown>();
    for (let i = 0; i < 50; i++) {
      simulateRequest(plan, i, 1_700_000_000_000_000, {
        span: (_, span) => {
          expect(value(span.attributes, "app.region")).toBe("us");
          expect(value(span.attributes, "app.shard")).toBe(7);
          expect(new Set(span.attributes.map((a) => a.key)).size).toBe(span.attributes.length);
          tenants.add(value(span.attributes, "app.tenant"));
        },
        log: () => {},
        handled: () => {},
      });
    }
    expect([...tenants].sort()).toEqual(["a", "b"]);
  });
});

describe("metric temporality", () => {
  const collectTwice = async (temporality: "cumulative" | "delta") => {
    const loaded = await loadSettings(join(ROOT, "examples/ecommerce.yaml"));
    const config = { ...loaded.config, output: { ...loaded.config.output, temporality } };
    const plan = planRun({ ...loaded, config });
    const aggregator = new MetricsAggregator(plan, 0, 10_000_000);
    const gateway = plan.instances[0]!;
    // Each reader collects once per 10 s interval, at its own phase: one collection of the gateway by 10.003 s.
    const collect = (untilUs: number) => aggregator.collectDue(untilUs).filter((c) => c.instance === gateway);
    for (let i = 0; i < 3; i++) aggregator.handled(gateway, 1000, 2000);
    const first = collect(10_003_000);
    for (let i = 0; i < 2; i++) aggregator.handled(gateway, 11_000_000, 11_001_000);
    const second = collect(20_003_000);
    expect([first.length, second.length]).toEqual([1, 1]);
    const counter = (collected: typeof first) =>
      collected[0]!.metrics.find((m) => m.name === "http.server.request.total")!.data.points[0] as NumberPoint;
    return [counter(first), counter(second)];
  };

  test("cumulative: counters keep their start and grow", async () => {
    const [a, b] = await collectTwice("cumulative");
    // The SDK started within the interval before the run; its collections come an interval apart.
    expect(a!.startUs).toBeLessThanOrEqual(0);
    expect(a!.startUs).toBeGreaterThan(-10_000_000);
    expect(a!.timeUs - a!.startUs).toBeGreaterThanOrEqual(10_000_000);
    expect([a!.value, b!.startUs, b!.value]).toEqual([{ int: 3 }, a!.startUs, { int: 5 }]);
  });

  test("delta: each point covers its own interval", async () => {
    const [a, b] = await collectTwice("delta");
    expect([a!.value, b!.startUs, b!.value]).toEqual([{ int: 3 }, a!.timeUs, { int: 2 }]);
  });
});
