// What the semantic conventions say about the metrics Dreamweaver emits or users commonly configure: the
// instrument, the unit and the brief an instrumentation registers as the description
// (@opentelemetry/semantic-conventions 1.45; rpc.*.duration as semconv 1.38 and earlier defined them).

/** One convention metric: the instrument it is, its unit, and its description. */
export interface ConventionMetric {
  readonly instrument: "histogram" | "counter" | "updowncounter" | "gauge";
  readonly unit: string;
  readonly description: string;
}

const histogram = (unit: string, description: string): ConventionMetric => ({
  instrument: "histogram",
  unit,
  description,
});
const counter = (unit: string, description: string): ConventionMetric => ({ instrument: "counter", unit, description });
const upDown = (unit: string, description: string): ConventionMetric => ({
  instrument: "updowncounter",
  unit,
  description,
});
const gauge = (unit: string, description: string): ConventionMetric => ({ instrument: "gauge", unit, description });

const CONVENTIONS: ReadonlyMap<string, ConventionMetric> = new Map([
  ["http.server.request.duration", histogram("s", "Duration of HTTP server requests.")],
  ["http.client.request.duration", histogram("s", "Duration of HTTP client requests.")],
  ["http.server.active_requests", upDown("{request}", "Number of active HTTP server requests.")],
  ["http.client.active_requests", upDown("{request}", "Number of active HTTP requests.")],
  [
    "http.client.open_connections",
    upDown("{connection}", "Number of outbound HTTP connections that are currently active or idle on the client."),
  ],
  ["http.server.request.body.size", histogram("By", "Size of HTTP server request bodies.")],
  ["http.server.response.body.size", histogram("By", "Size of HTTP server response bodies.")],
  ["db.client.operation.duration", histogram("s", "Duration of database client operations.")],
  [
    "db.client.connection.count",
    upDown("{connection}", "The number of connections that are currently in state described by the `state` attribute."),
  ],
  ["rpc.server.call.duration", histogram("s", "Measures the duration of an incoming Remote Procedure Call (RPC).")],
  ["rpc.client.call.duration", histogram("s", "Measures the duration of an outgoing Remote Procedure Call (RPC).")],
  ["rpc.server.duration", histogram("ms", "Measures the duration of inbound RPC.")],
  ["rpc.client.duration", histogram("ms", "Measures the duration of outbound RPC.")],
  [
    "messaging.client.operation.duration",
    histogram("s", "Duration of messaging operation initiated by a producer or consumer client."),
  ],
  ["messaging.process.duration", histogram("s", "Duration of processing operation.")],
  [
    "messaging.client.sent.messages",
    counter("{message}", "Number of messages producer attempted to send to the broker."),
  ],
  [
    "messaging.client.consumed.messages",
    counter("{message}", "Number of messages that were delivered to the application."),
  ],
  ["process.memory.usage", upDown("By", "The amount of physical memory in use.")],
  ["container.memory.usage", counter("By", "Memory usage of the container.")],
  ["system.memory.usage", upDown("By", "Reports memory by state.")],
  ["jvm.memory.used", upDown("By", "Measure of memory used.")],
  ["jvm.thread.count", upDown("{thread}", "Number of executing platform threads.")],
  ["jvm.cpu.recent_utilization", gauge("1", "Recent CPU utilization for the process as reported by the JVM.")],
  ["go.memory.used", upDown("By", "Memory used by the Go runtime.")],
  ["v8js.memory.heap.used", gauge("By", "Heap Memory size allocated.")],
  [
    "kestrel.active_connections",
    upDown("{connection}", "Number of connections that are currently active on the server."),
  ],
]);

/** The convention for a metric name, if there is one. */
export function convention(name: string): ConventionMetric | undefined {
  return CONVENTIONS.get(name);
}

const INSTRUMENT_PHRASE: Readonly<Record<string, string>> = {
  sum: "Number of",
  updowncounter: "Current number of",
  gauge: "Current",
  histogram: "Distribution of",
};

/**
 * A metric's description: the convention's brief, or for a name of the user's own a plain sentence made
 * from it ("orders.processed" as a counter: "Number of orders processed."), as a developer would write.
 */
export function describeMetric(name: string, kind: "sum" | "updowncounter" | "gauge" | "histogram"): string {
  const known = convention(name);
  if (known) return known.description;
  const words = name.split(/[._\s]+/).filter((w) => w !== "" && w !== "total").join(" ");
  return `${INSTRUMENT_PHRASE[kind]} ${words || name}.`;
}
