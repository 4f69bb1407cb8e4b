// The indented tree layout shared by `explain`, `--dry-run` and the stdout exporter.

const KIND_NAMES = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"];

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

function ms(us: number): string {
  return `${(us / 1000).toFixed(1)} ms`;
}
