import type { InstancePlan, RunPlan } from "./plan.ts";
import { simulateRequest } from "./simulate.ts";
import { formatSpanTree, type TreeSpan } from "../otlp/span-tree.ts";
import type { AnyValue, KeyValue, LogRecord, SpanRecord } from "../telemetry/records.ts";

interface Emitted {
  readonly span: SpanRecord;
  readonly service: string;
  readonly logs: LogRecord[];
}

/**
 * Sample requests as trees, to see what will be sent before sending it: each span with its kind,
 * service, offset and duration, attributes, status, links and the log records written for it.
 */
export function explainRequests(plan: RunPlan, indices: readonly number[], startUs: number): string {
  return indices.map((index) => explainRequest(plan, index, Math.round(startUs + plan.arrivals.offsetUs(index))))
    .join("\n\n");
}

/**
 * The versions a deploy has its services' replicas run at `t` seconds into the run, one line per service
 * a deploy replaces: `orders-api: 2.0.0 on 3 of 4 replicas, 1.8.3 on 1`.
 */
export function explainVersions(plan: RunPlan, t: number): string[] {
  return plan.services.filter((service) => service.instances.some((i) => i.replacedBy)).map((service) => {
    const counts = new Map<string, number>();
    for (let instance of service.instances) {
      while (instance.replacedBy && t >= instance.replacedBy.fromSeconds!) instance = instance.replacedBy;
      const version = text(instance.resource.attributes.find((a) => a.key === "service.version")!.value);
      counts.set(version, (counts.get(version) ?? 0) + 1);
    }
    const [first, ...rest] = [...counts].sort(([, a], [, b]) => b - a);
    const replicas = service.instances.length;
    return `${service.name}: ${first![0]} on ${first![1]} of ${replicas} replica${replicas > 1 ? "s" : ""}${
      rest.map(([version, n]) => `, ${version} on ${n}`).join("")
    }`;
  });
}

function explainRequest(plan: RunPlan, index: number, startUs: number): string {
  const spans: Emitted[] = [];
  const logs: { instance: InstancePlan; log: LogRecord }[] = [];
  simulateRequest(plan, index, startUs, {
    span: (instance, span) => spans.push({ span, service: instance.service.name, logs: [] }),
    log: (instance, log) => logs.push({ instance, log }),
    handled: () => {},
  });
  const byId = new Map(spans.map((e) => [hex(e.span.spanId), e]));
  for (const { log } of logs) byId.get(hex(log.spanId!))?.logs.push(log);
  const roots = spans.filter((e) => !e.span.parentSpanId);
  const endUs = Math.max(...spans.map((e) => e.span.endUs));
  const header =
    `request ${index}: ${roots.length === 1 ? `trace ${hex(roots[0]!.span.traceId)}` : `${roots.length} traces`}, ` +
    `${spans.length} spans, ${logs.length} log records, ${ms(endUs - startUs)}`;
  return [header, ...formatSpanTree(spans.map(treeSpan), startUs)].join("\n");
}

function treeSpan({ span, service, logs }: Emitted): TreeSpan {
  const details: string[] = [];
  if (span.attributes.length > 0) details.push(formatAttributes(span.attributes));
  for (const link of span.links) details.push(`↪ links to span ${hex(link.spanId)}`);
  for (const event of span.events) details.push(`⚑ ${event.name}: ${formatAttributes(event.attributes)}`);
  for (const { severityText, body } of logs) {
    details.push(`▸ ${severityText} ${"pieces" in body ? body.pieces.join("") : text(body)}`);
  }
  return {
    spanId: hex(span.spanId),
    parentSpanId: span.parentSpanId ? hex(span.parentSpanId) : "",
    name: span.name,
    kind: span.kind,
    service,
    startUs: span.startUs,
    endUs: span.endUs,
    error: span.status ? span.status.message : undefined,
    details,
  };
}

function formatAttributes(attributes: readonly KeyValue[]): string {
  return attributes.map((a) => `${a.key}=${text(a.value)}`).join("  ");
}

function text(value: AnyValue): string {
  if ("string" in value) return value.string;
  if ("int" in value) return String(value.int);
  if ("double" in value) return String(value.double);
  if ("bool" in value) return String(value.bool);
  if ("array" in value) return `[${value.array.map(text).join(", ")}]`;
  if ("kvlist" in value) return `{${formatAttributes(value.kvlist)}}`;
  return `<${value.bytes.length} bytes>`;
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

function ms(us: number): string {
  return `${(us / 1000).toFixed(1)} ms`;
}
