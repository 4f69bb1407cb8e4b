import packageJson from "../../package.json" with { type: "json" };
import { type Severity, SEVERITY_NUMBER } from "../config/config.ts";
import type { ServiceNode } from "../graph.ts";
import type { LoadedConfig } from "../load-config.ts";
import { durationBounds, microsecondsPer } from "../metrics/duration-unit.ts";
import type { CallShape, MetricModel } from "../plugin.ts";
import { hashSeed, namedRandom } from "../seed.ts";
import type { KeyValue, ResourceRecord, ScopeRecord } from "../telemetry/records.ts";
import type { RenderText } from "../text-template.ts";

export interface SpanPlan {
  readonly kind: number;
  readonly call: CallShape;
  readonly operations: readonly string[];
  readonly errorRate: number;
  readonly baseDurationUs: number;
}

export interface LogPlan {
  readonly render: readonly RenderText[];
  readonly severityNumber: number;
  readonly severityText: string;
  /** Error and fatal records describe failures, so they are written for failing spans only. */
  readonly failuresOnly: boolean;
}

export interface MetricPlan {
  readonly name: string;
  readonly unit: string;
  readonly data: "sum" | "gauge" | "histogram";
  /** Histograms of durations take span durations: microseconds per metric unit. */
  readonly microsecondsPerUnit?: number;
  readonly bounds: readonly number[];
  /** Gauges and non-duration histograms take values from a heuristic's model. */
  readonly model?: MetricModel;
}

/** One service instance, everything about it resolved so the hot loop never looks a name up. */
export interface ServicePlan {
  readonly index: number;
  readonly name: string;
  readonly resource: ResourceRecord;
  readonly scope: ScopeRecord;
  /** Absent: the service is transparent and emits no spans. */
  readonly span?: SpanPlan;
  readonly logs: readonly LogPlan[];
  readonly metrics: readonly MetricPlan[];
  readonly downstream: readonly ServicePlan[];
}

export interface RunPlan {
  readonly seedHash: Uint8Array;
  readonly services: readonly ServicePlan[];
  readonly entryPoints: readonly ServicePlan[];
  readonly ratePerSecond: number;
  readonly durationSeconds: number;
  readonly totalRequests: number;
  readonly batchSize: number;
}

const SEVERITY_TEXT: Readonly<Record<Severity, string>> = {
  trace: "TRACE",
  debug: "DEBUG",
  info: "INFO",
  warn: "WARN",
  error: "ERROR",
  fatal: "FATAL",
};

/** Resolves a loaded config into what the engine runs: done once, before the first request. */
export function planRun({ config, graph, registry }: LoadedConfig): RunPlan {
  const seedHash = hashSeed(config.seed);
  const plans = new Map<ServiceNode, ServicePlan & { downstream: ServicePlan[] }>();
  graph.services.forEach((node, index) =>
    plans.set(node, { ...planService(node, index, seedHash, registry), downstream: [] })
  );
  for (const [node, plan] of plans) plan.downstream.push(...node.downstream.map((callee) => plans.get(callee)!));
  return {
    seedHash,
    services: [...plans.values()],
    entryPoints: graph.entryPoints.map((node) => plans.get(node)!),
    ratePerSecond: config.workload.ratePerSecond,
    durationSeconds: config.workload.durationSeconds,
    totalRequests: Math.floor(config.workload.ratePerSecond * config.workload.durationSeconds),
    batchSize: config.output.batchSize,
  };
}

function planService(
  node: ServiceNode,
  index: number,
  seedHash: Uint8Array,
  registry: LoadedConfig["registry"],
): Omit<ServicePlan, "downstream"> {
  const { template } = node;
  const traces = template.traces;
  return {
    index,
    name: node.name,
    resource: { attributes: resourceAttributes(node.name, seedHash) },
    scope: { name: "dreamweaver", version: packageJson.version, attributes: [] },
    ...(traces && node.spanKind && {
      span: {
        kind: node.spanKind.otlpKind,
        call: node.spanKind.call,
        operations: traces.operations,
        errorRate: traces.errorRate,
        baseDurationUs: traces.baseDurationMs * 1000,
      },
    }),
    logs: template.logs.map((log) => ({
      render: log.render,
      severityNumber: SEVERITY_NUMBER[log.severity],
      severityText: SEVERITY_TEXT[log.severity],
      failuresOnly: SEVERITY_NUMBER[log.severity] >= SEVERITY_NUMBER.error,
    })),
    metrics: template.metrics.map((metric) => {
      const data = registry.metricTypes.get(metric.type)!.value.data;
      const perUnit = microsecondsPer(metric.unit);
      if (data === "histogram" && metric.name.includes("duration") && perUnit !== undefined) {
        return {
          name: metric.name,
          unit: metric.unit,
          data,
          microsecondsPerUnit: perUnit,
          bounds: durationBounds(metric.unit),
        };
      }
      if (data === "sum") return { name: metric.name, unit: metric.unit, data, bounds: [] };
      const heuristic = registry.metricHeuristics.find((h) => h.value.matches(metric))!;
      const random = namedRandom(seedHash, `metric/${node.name}/${metric.name}`);
      return {
        name: metric.name,
        unit: metric.unit,
        data,
        bounds: data === "histogram" ? SIZE_BOUNDS : [],
        model: heuristic.value.create({ random, name: metric.name, unit: metric.unit }),
      };
    }),
  };
}

/** Powers of four from 16 to 4 MiB: enough resolution for sizes and counts over six orders of magnitude. */
const SIZE_BOUNDS = Array.from({ length: 10 }, (_, i) => 16 * 4 ** i);

function resourceAttributes(service: string, seedHash: Uint8Array): KeyValue[] {
  const random = namedRandom(seedHash, `instance/${service}`);
  const text = (key: string, value: string): KeyValue => ({ key, value: { string: value } });
  return [
    text("service.name", service),
    text("service.instance.id", uuid(random.hex(32))),
    text("host.name", `${service}-${random.hex(10).slice(0, 5)}`),
    text("telemetry.sdk.name", "opentelemetry"),
    text("telemetry.sdk.language", "nodejs"),
    text("telemetry.sdk.version", "2.2.0"),
    // Honest provenance: the data is synthetic, and says which generator made it.
    text("telemetry.distro.name", "dreamweaver"),
    text("telemetry.distro.version", packageJson.version),
  ];
}

/** A version-4 UUID from 32 random hex digits. */
function uuid(hex: string): string {
  const variant = "89ab"[Number.parseInt(hex[16]!, 16) & 3];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${
    hex.slice(20, 32)
  }`;
}
