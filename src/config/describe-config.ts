import { type ServiceNode, spansPerRequest } from "./graph.ts";
import { formatDuration } from "./units.ts";
import type { Settings } from "./settings.ts";

/** What `validate` reports: the config as Dreamweaver understood it. */
export interface ConfigDescription {
  readonly file: string;
  readonly seed: string;
  readonly workload: {
    readonly ratePerSecond: number;
    readonly durationSeconds: number;
    readonly arrivals?: string;
    /** Expected: with Poisson arrivals the run's count is random around it. */
    readonly requests: number;
    /** `--duration inf`: until stopped. */
    readonly endless?: boolean;
    /** `--requests N`: the run stops after N. */
    readonly maxRequests?: number;
  };
  /** OTEL_RESOURCE_ATTRIBUTES, added to every service's resource. */
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  /** The effective output, after the environment and flags; header values masked. */
  readonly output: {
    readonly endpoint: string;
    readonly protocol: string;
    readonly compression: string;
    readonly timeoutMs: number;
    readonly batchSize: number;
    readonly headers: Readonly<Record<string, string>>;
    readonly tls?: {
      readonly caFile?: string;
      readonly certFile?: string;
      readonly keyFile?: string;
      readonly insecure?: boolean;
    };
    readonly exporters: readonly string[];
  };
  readonly services: readonly {
    readonly name: string;
    readonly template: string;
    readonly spanKind: string | null;
    readonly downstream: readonly string[];
    readonly metrics: number;
    readonly logTemplates: number;
  }[];
  readonly entryPoints: readonly { readonly name: string; readonly spansPerRequest: number }[];
  readonly edges: number;
  readonly depth: number;
  /** Mean over entry points, which are chosen uniformly. */
  readonly spansPerRequest: number;
  readonly plugins: readonly string[];
}

/** Headers may carry credentials: only their names are shown. */
const MASK = "***";

/** What `validate` prints: the effective settings, as every source made them. */
export function describeSettings({ file, config, graph, registry, run }: Settings): ConfigDescription {
  const { output } = config;
  const entryPoints = graph.entryPoints.map((node) => ({ name: node.name, spansPerRequest: spansPerRequest(node) }));
  const mean = entryPoints.reduce((sum, e) => sum + e.spansPerRequest, 0) / entryPoints.length;
  return {
    file,
    seed: config.seed,
    workload: {
      ...config.workload,
      requests: Math.floor(config.workload.ratePerSecond * config.workload.durationSeconds),
    },
    ...(config.resourceAttributes && {
      resourceAttributes: Object.fromEntries(config.resourceAttributes.map(({ key, value }) => [key, String(value)])),
    }),
    output: {
      endpoint: output.endpoint.url,
      protocol: output.protocol,
      compression: output.compression,
      timeoutMs: output.timeoutMs,
      batchSize: output.batchSize,
      headers: Object.fromEntries(Object.keys(output.headers).map((name) => [name, MASK])),
      ...(output.tls && { tls: output.tls }),
      exporters: run.exporters.map((choice) => choice.spec),
    },
    services: graph.services.map((node: ServiceNode) => ({
      name: node.name,
      template: node.template.name,
      spanKind: node.template.traces?.spanKind ?? null,
      downstream: node.downstream.map((callee) => callee.name),
      metrics: node.template.metrics.length,
      logTemplates: node.template.logs.length,
    })),
    entryPoints,
    edges: graph.edges.length,
    depth: graph.depth,
    spansPerRequest: Math.round(mean * 100) / 100,
    plugins: registry.plugins.map((plugin) => plugin.name),
  };
}

/** The human-readable form of a description: a few aligned lines, services as a table. */
export function formatDescription(d: ConfigDescription): string {
  const { workload } = d;
  const until = workload.maxRequests === undefined ? " until stopped" : "";
  const rate = `${workload.ratePerSecond} requests/s` +
    (workload.endless ? until : ` for ${formatDuration(workload.durationSeconds)}`);
  const count = workload.endless ? "" : ` ${workload.arrivals === "uniform" ? "=" : "≈"} ${workload.requests} requests`;
  const stop = workload.maxRequests === undefined ? "" : `, stopping after ${workload.maxRequests} requests`;
  const rows = d.services.map((s) => [
    s.name,
    s.template,
    s.spanKind ?? "(no spans)",
    s.downstream.length > 0 ? `-> ${s.downstream.join(", ")}` : "",
  ]);
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  const entries = d.entryPoints.map((e) => `${e.name} (${e.spansPerRequest} spans/request)`).join(", ");
  return [
    `${d.file}: valid`,
    `  seed          ${JSON.stringify(d.seed)}`,
    `  workload      ${rate}${count}${stop} (${workload.arrivals ?? "poisson"} arrivals)`,
    `  output        ${d.output.endpoint} (${d.output.protocol}${
      d.output.compression === "none" ? "" : `, ${d.output.compression}`
    }), ${d.output.batchSize} requests per export, timeout ${d.output.timeoutMs} ms`,
    ...(Object.keys(d.output.headers).length > 0
      ? [`  headers       ${Object.keys(d.output.headers).map((name) => `${name}: ${MASK}`).join(", ")}`]
      : []),
    ...(d.output.tls ? [`  tls           ${formatTls(d.output.tls)}`] : []),
    `  exporters     ${d.output.exporters.join(", ")}`,
    ...(d.resourceAttributes
      ? [`  resource      ${Object.entries(d.resourceAttributes).map(([k, v]) => `${k}=${v}`).join(", ")}`]
      : []),
    `  services      ${d.services.length}, ${d.edges} ${d.edges === 1 ? "edge" : "edges"}, depth ${d.depth}`,
    ...rows.map((r) => `    ${r.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell)).join("  ")}`.trimEnd()),
    `  entry points  ${entries}`,
    `  spans/request ${d.spansPerRequest} on average`,
    `  plugins       ${d.plugins.join(", ")}`,
  ].join("\n");
}

function formatTls(tls: NonNullable<ConfigDescription["output"]["tls"]>): string {
  const parts = [
    tls.caFile && `CA ${tls.caFile}`,
    tls.certFile && `client certificate ${tls.certFile}`,
    tls.keyFile && `key ${tls.keyFile}`,
    tls.insecure && "insecure (not verified)",
  ];
  return parts.filter(Boolean).join(", ") || "system certificates";
}
