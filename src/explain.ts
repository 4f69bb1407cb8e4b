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
 * One span as a tree line shows it, whatever it was decoded from: the simulator's records (explain,
 * `--dry-run`) or OTLP protobuf (the stdout exporter), so both print the same trees.
 */
export interface TreeSpan {
  /** Hex span id. */
  readonly spanId: string;
  /** Hex parent span id, empty for a root. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP `Span.SpanKind` value. */
  readonly kind: number;
  readonly service: string;
  readonly startUs: number;
  readonly endUs: number;
  /** Present when the status is ERROR: its message, possibly empty. */
  readonly error?: string | undefined;
  /** Lines printed under the span: attributes, links, events, logs. */
  readonly details?: readonly string[];
}

/**
 * Spans as indented trees, children in start order; offsets are relative to `originUs`. A span whose
 * parent is not in the list is a root, so a batch that holds part of a trace still prints.
 */
export function formatSpanTree(spans: readonly TreeSpan[], originUs: number): string[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = Map.groupBy(spans, (s) => (ids.has(s.parentSpanId) ? s.parentSpanId : ""));
  for (const list of children.values()) list.sort((a, b) => a.startUs - b.startUs);
  const lines: string[] = [];
  const walk = (span: TreeSpan, prefix: string, last: boolean, depth: number) => {
    const branch = depth === 0 ? "" : last ? "└─ " : "├─ ";
    const inner = depth === 0 ? "" : last ? "   " : "│  ";
    const status = span.error !== undefined ? `  ✗ ERROR${span.error ? ` (${span.error})` : ""}` : "";
    lines.push(
      `${prefix}${branch}${span.name}  [${KIND_NAMES[span.kind] ?? span.kind} ${span.service}]  +${
        ms(span.startUs - originUs)
      }  ${ms(span.endUs - span.startUs)}${status}`,
    );
    const kids = children.get(span.spanId) ?? [];
    const detail = `${prefix}${inner}${kids.length > 0 ? "│ " : "  "}`;
    for (const line of span.details ?? []) lines.push(`${detail}${line}`);
    kids.forEach((child, i) => walk(child, prefix + inner, i === kids.length - 1, depth + 1));
  };
  for (const root of children.get("") ?? []) walk(root, "", true, 0);
  return lines;
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
  for (const log of logs) details.push(`▸ ${log.severityText} ${text(log.body)}`);
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
