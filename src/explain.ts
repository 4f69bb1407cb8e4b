import type { InstancePlan, RunPlan } from "./engine/plan.ts";
import { simulateRequest } from "./engine/simulate.ts";
import type { AnyValue, KeyValue, LogRecord, SpanRecord } from "./telemetry/records.ts";

const KIND_NAMES = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"];

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
  const intervalUs = 1e6 / plan.ratePerSecond;
  return indices.map((index) => explainRequest(plan, index, Math.round(startUs + index * intervalUs))).join("\n\n");
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
  const children = Map.groupBy(spans, (e) => (e.span.parentSpanId ? hex(e.span.parentSpanId) : ""));
  for (const list of children.values()) list.sort((a, b) => a.span.startUs - b.span.startUs);
  const roots = children.get("") ?? [];
  const endUs = Math.max(...spans.map((e) => e.span.endUs));
  const header =
    `request ${index}: ${roots.length === 1 ? `trace ${hex(roots[0]!.span.traceId)}` : `${roots.length} traces`}, ` +
    `${spans.length} spans, ${logs.length} log records, ${ms(endUs - startUs)}`;
  const lines = [header];
  const walk = (emitted: Emitted, prefix: string, last: boolean, depth: number) => {
    const branch = depth === 0 ? "" : last ? "└─ " : "├─ ";
    const inner = depth === 0 ? "" : last ? "   " : "│  ";
    const { span } = emitted;
    const status = span.status ? `  ✗ ERROR${span.status.message ? ` (${span.status.message})` : ""}` : "";
    lines.push(
      `${prefix}${branch}${span.name}  [${KIND_NAMES[span.kind]} ${emitted.service}]  +${ms(span.startUs - startUs)}  ${
        ms(span.endUs - span.startUs)
      }${status}`,
    );
    const detail = `${prefix}${inner}${(children.get(hex(span.spanId))?.length ?? 0) > 0 ? "│ " : "  "}`;
    if (span.attributes.length > 0) lines.push(`${detail}${formatAttributes(span.attributes)}`);
    for (const link of span.links) lines.push(`${detail}↪ links to span ${hex(link.spanId)}`);
    for (const event of span.events) lines.push(`${detail}⚑ ${event.name}: ${formatAttributes(event.attributes)}`);
    for (const log of emitted.logs) lines.push(`${detail}▸ ${log.severityText} ${text(log.body)}`);
    const kids = children.get(hex(span.spanId)) ?? [];
    kids.forEach((child, i) => walk(child, prefix + inner, i === kids.length - 1, depth + 1));
  };
  for (const root of roots) walk(root, "", true, 0);
  return lines.join("\n");
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
