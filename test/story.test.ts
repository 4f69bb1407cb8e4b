import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { failureKind } from "../src/engine/failure.ts";
import { type Sink, startSink } from "../src/receiver/start-receiver.ts";
import { ROOT } from "./helpers/cli.ts";
import { decodeOfficially, type OfficialKeyValue, serviceName } from "./helpers/official-decoder.ts";
import { loadSettings, runFast } from "./helpers/run.ts";

// What the built-in receiver received from test/fixtures/story.yaml, read as an SRE reads traces: one
// request tells one story (reads read, writes write, one root cause per failure, durations that add up)
// and its logs say what its spans say.

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  service: string;
  startNs: bigint;
  endNs: bigint;
  attributes: Map<string, string>;
  status?: { code: number; message?: string };
  exception?: { type: string; message: string };
  children: Span[];
}

interface Log {
  spanId: string;
  traceId: string;
  timeNs: bigint;
  body: string;
  service: string;
  scope: string;
  severityNumber: number;
  eventName: string;
  attributes: Map<string, string>;
}

const sinks: Sink[] = [];
afterAll(() => Promise.all(sinks.map((s) => s.close())));

/** Runs `config` unpaced into a built-in receiver and returns what it received, spans linked to their children. */
async function received(config: string, requests: number): Promise<{ spans: Map<string, Span>; logs: Log[] }> {
  const spans = new Map<string, Span>();
  const logs: Log[] = [];
  const sink = await startSink({
    port: 0,
    traceIdleMs: 60_000,
    onRequest: (signal, bytes) => {
      if (signal === "traces") collectSpans(bytes, spans);
      if (signal === "logs") collectLogs(bytes, logs);
    },
  });
  sinks.push(sink);
  const loaded = await loadSettings(join(ROOT, config));
  await runFast(loaded, { requests, endpoint: { url: `http://127.0.0.1:${sink.port}`, tls: false } });
  for (const span of spans.values()) spans.get(span.parentSpanId)?.children.push(span);
  for (const span of spans.values()) span.children.sort((a, b) => Number(a.startNs - b.startNs));
  return { spans, logs };
}

let spans = new Map<string, Span>();
let logs: Log[] = [];
beforeAll(async () => {
  ({ spans, logs } = await received("test/fixtures/story.yaml", 3000));
}, 60_000);

function text(value: OfficialKeyValue["value"]): string {
  return value.stringValue ?? value.intValue ?? String(value.doubleValue ?? value.boolValue ?? "");
}

function attributeMap(attributes: readonly OfficialKeyValue[]): Map<string, string> {
  return new Map(attributes.map((a) => [a.key, text(a.value)]));
}

function collectSpans(bytes: Uint8Array, spans: Map<string, Span>): void {
  for (const resourceSpans of decodeOfficially("traces", bytes).resourceSpans ?? []) {
    const service = serviceName(resourceSpans.resource);
    for (const scope of resourceSpans.scopeSpans) {
      for (const raw of scope.spans) {
        const s = raw as typeof raw & {
          status?: { code: number; message?: string };
          events: { name: string; attributes: OfficialKeyValue[] }[];
        };
        const event = s.events.find((e) => e.name === "exception");
        const eventAttributes = event && attributeMap(event.attributes);
        spans.set(s.spanId, {
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId,
          name: s.name,
          kind: s.kind,
          service,
          startNs: BigInt(s.startTimeUnixNano),
          endNs: BigInt(s.endTimeUnixNano),
          attributes: attributeMap(s.attributes),
          ...(s.status?.code === 2 && { status: s.status }),
          ...(eventAttributes && {
            exception: {
              type: eventAttributes.get("exception.type")!,
              message: eventAttributes.get("exception.message")!,
            },
          }),
          children: [],
        });
      }
    }
  }
}

function collectLogs(bytes: Uint8Array, logs: Log[]): void {
  for (const resourceLogs of decodeOfficially("logs", bytes).resourceLogs ?? []) {
    const service = serviceName(resourceLogs.resource);
    for (const scopeLogs of resourceLogs.scopeLogs) {
      const scope = (scopeLogs as typeof scopeLogs & { scope?: { name: string } }).scope?.name ?? "";
      for (const raw of scopeLogs.logRecords) {
        const log = raw as typeof raw & { attributes: OfficialKeyValue[]; eventName?: string };
        logs.push({
          spanId: log.spanId,
          traceId: log.traceId,
          timeNs: BigInt(log.timeUnixNano),
          body: log.body?.stringValue ?? "",
          service,
          scope,
          severityNumber: log.severityNumber,
          eventName: log.eventName ?? "",
          attributes: attributeMap(log.attributes),
        });
      }
    }
  }
}

const durationMs = (span: Span) => Number(span.endNs - span.startNs) / 1e6;
const roots = (all = spans) => [...all.values()].filter((s) => s.parentSpanId === "");

/** Every span under `span`, itself included. */
function subtree(span: Span): Span[] {
  return [span, ...span.children.flatMap(subtree)];
}

/** Database operations that only read (SQL, Redis, MongoDB). */
const READ_OPERATIONS = new Set(["SELECT", "GET", "MGET", "HGET", "HGETALL", "EXISTS", "SCAN", "FIND", "AGGREGATE"]);

/** What a span does to data, from its HTTP method or database operation. */
function writes(span: Span): boolean {
  const method = span.attributes.get("http.request.method");
  if (method !== undefined) return !["GET", "HEAD", "OPTIONS"].includes(method);
  const operation = span.attributes.get("db.operation.name");
  if (operation !== undefined) return !READ_OPERATIONS.has(operation.toUpperCase());
  return span.kind === 4; // a PRODUCER publishes
}

describe("a request is one story", () => {
  test("a read at the edge only reads downstream, except the write its template's calls: configures", () => {
    const reads = roots().filter((root) => root.attributes.get("http.request.method") === "GET");
    expect(reads.length).toBeGreaterThan(1000);
    const written = new Set<string>();
    for (const root of reads) {
      for (const span of subtree(root).filter(writes)) written.add(`${span.service} ${span.name}`);
    }
    // items' "GET /items/{id}" lists INSERT in its calls: the audit log; nothing else writes.
    expect([...written]).toEqual(["audit-db INSERT audit"]);
  });

  test("a write at the edge writes downstream", () => {
    const posts = roots().filter((root) => root.attributes.get("http.request.method") === "POST");
    const writing = posts.filter((root) => subtree(root).some((s) => s !== root && s.kind === 3 && writes(s)));
    expect(writing.length / posts.length).toBeGreaterThan(0.9);
  });

  test("each failure has one root cause: every failed span above it reports its exception and message", () => {
    let chains = 0;
    for (const span of spans.values()) {
      if (!span.status || !span.exception) continue;
      // The failed spans below this one that it failed because of (through the CLIENT span of each hop).
      const below = failedBelow(span);
      if (below.length === 0) continue;
      chains++;
      expect(below.map((s) => s.exception!.type)).toContain(span.exception.type);
      // HTTP server instrumentations leave the status description empty; the others state the exception's.
      if (span.status.message !== "") expect(span.status.message).toBe(span.exception.message);
    }
    expect(chains).toBeGreaterThan(100);
  });

  test("callers report the root cause's kind: 504 above a timeout, 503 above a refusal, 500 otherwise", () => {
    const seen = new Set<string>();
    for (const span of spans.values()) {
      const status = span.attributes.get("http.response.status_code");
      if (span.kind !== 2 || !span.status || status === undefined) continue;
      const root = deepest(span);
      if (root === span) continue;
      const message = root.exception!.message;
      const expected = { timeout: "504", unavailable: "503", internal: "500" }[failureKind(root.exception!)];
      seen.add(expected);
      expect({ message, status }).toEqual({ message, status: expected });
    }
    expect([...seen].sort()).toEqual(["500", "503", "504"]);
  });

  test("a handler makes no further calls after a failed call it does not handle", () => {
    let checked = 0;
    for (const span of spans.values()) {
      if (span.kind !== 2 || !span.status) continue;
      const failedChild = span.children.find((c) => c.status);
      if (!failedChild) continue;
      checked++;
      expect(span.children.filter((c) => c.startNs > failedChild.endNs).map((c) => c.name)).toEqual([]);
    }
    expect(checked).toBeGreaterThan(100);
  });

  test("a timed-out call lasts its timeout; a refused one is fast", () => {
    let timeouts = 0;
    let refusals = 0;
    for (const span of spans.values()) {
      if (!span.exception || failedBelow(span).length > 0) continue;
      const stated = /after (\d+) ms/.exec(span.exception.message);
      if (stated) {
        timeouts++;
        expect(Math.abs(durationMs(span) - Number(stated[1]))).toBeLessThan(0.01);
      }
      if (/ECONNREFUSED|too many clients|max number of clients/i.test(span.exception.message)) {
        refusals++;
        expect(durationMs(span)).toBeLessThan(3.01);
      }
    }
    expect(timeouts).toBeGreaterThan(20);
    expect(refusals).toBeGreaterThan(5);
  });

  test("a server span lasts at least as long as its sequential calls together", () => {
    let checked = 0;
    for (const span of spans.values()) {
      if (span.kind !== 2) continue;
      const sync = span.children.filter((c) => c.kind !== 5);
      if (sync.length < 2) continue;
      checked++;
      const calls = sync.reduce((sum, c) => sum + durationMs(c), 0);
      expect(durationMs(span)).toBeGreaterThanOrEqual(calls);
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

/** The failed spans this span failed because of: failed children, through the CLIENT span of each call. */
function failedBelow(span: Span): Span[] {
  return span.children.filter((c) => c.status).flatMap((c) => (c.exception ? [c] : failedBelow(c)));
}

/** Where a failure started: the deepest failed span below, following failed children. */
function deepest(span: Span): Span {
  const below = failedBelow(span);
  return below.length === 0 ? span : deepest(below[0]!);
}

describe("logs are written from their span", () => {
  const spanOf = (log: Log) => spans.get(log.spanId)!;

  test("the logged method, path, client address and duration are the span's", () => {
    const access = logs.filter((l) => / from .* took \d+ ms$/.test(l.body));
    expect(access.length).toBeGreaterThan(2000);
    for (const log of access) {
      const span = spanOf(log);
      const [, method, path, ip, took] = /^(\S+) (\S+) from (\S+) took (\d+) ms$/.exec(log.body)!;
      expect({ method, path, ip }).toEqual({
        method: span.attributes.get("http.request.method")!,
        path: span.attributes.get("url.path")!,
        ip: span.attributes.get("client.address")!,
      });
      // Rounded to the millisecond from whole microseconds; the wire adds up to a microsecond of nanoseconds.
      expect(Math.abs(Number(took) - durationMs(span))).toBeLessThanOrEqual(0.501);
      // Written as the request completes, not before.
      expect(Math.abs(Number(log.timeNs - span.endNs))).toBeLessThan(10_000);
    }
  });

  test("span values in a pattern: {span:http.route} and {duration_ms}", () => {
    const completed = logs.filter((l) => l.body.startsWith("Completed "));
    expect(completed.length).toBeGreaterThan(2000);
    for (const log of completed) {
      const span = spanOf(log);
      const [, route, ms] = /^Completed (\S+) in ([\d.]+) ms$/.exec(log.body)!;
      expect(route).toBe(span.attributes.get("http.route")!);
      expect(Math.abs(Number(ms) - durationMs(span))).toBeLessThan(0.001);
    }
  });

  test("an error log names the span's status code and error; exception logs are `exception` events", () => {
    const failures = logs.filter((l) => l.body.startsWith("request failed with "));
    expect(failures.length).toBeGreaterThan(50);
    for (const log of failures) {
      const span = spanOf(log);
      expect(log.body).toBe(
        `request failed with ${span.attributes.get("http.response.status_code")}: ${span.exception!.message}`,
      );
    }
    const exceptions = logs.filter((l) => l.attributes.has("exception.type"));
    expect(exceptions.length).toBeGreaterThan(50);
    for (const log of exceptions) {
      expect(log.eventName).toBe("exception");
      expect(log.attributes.get("exception.type")).toBe(spanOf(log).exception!.type);
    }
  });

  test("records carry thread attributes as Java's appenders do, code attributes as Python's, a scope per logger", () => {
    const gateway = logs.filter((l) => l.service === "gateway" && l.body.includes(" took "));
    expect(new Set(gateway.map((l) => l.scope))).toEqual(new Set(["com.example.gateway.GatewayController"]));
    for (const log of gateway) {
      expect(log.attributes.get("thread.name")).toMatch(/^http-nio-8080-exec-\d+$/);
      expect(Number(log.attributes.get("thread.id"))).toBeGreaterThan(0);
      expect(log.attributes.has("code.function.name")).toBe(false);
    }
    const items = logs.filter((l) => l.service === "items" && l.body.startsWith("Completed "));
    expect(new Set(items.map((l) => l.scope))).toEqual(new Set(["items.handlers"]));
    for (const log of items) {
      expect(log.attributes.get("code.file.path")).toBe("/app/items/handlers.py");
      expect(log.attributes.get("code.function.name")).toMatch(/^(get|put|post)_items/);
      expect(Number(log.attributes.get("code.line.number"))).toBeGreaterThan(0);
      expect(log.attributes.has("thread.name")).toBe(false);
    }
  });
});

describe("every example tells one story", () => {
  for (const example of readdirSync(join(ROOT, "examples")).filter((name) => name.endsWith(".yaml"))) {
    test(example, async () => {
      const { spans, logs } = await received(`examples/${example}`, 1500);
      // A read at the edge writes nothing downstream (no example configures calls:).
      for (const root of roots(spans)) {
        if (root.attributes.get("http.request.method") !== "GET") continue;
        expect(subtree(root).filter(writes).map((s) => `${s.service} ${s.name}`)).toEqual([]);
      }
      // Durations compose: a server span outlasts its sequential calls together (parallel ones overlap).
      for (const span of spans.values()) {
        const sync = span.children.filter((c) => c.kind !== 5);
        const overlapping = sync.some((c, i) => i > 0 && c.startNs < sync[i - 1]!.endNs);
        if (span.kind !== 2 || overlapping) continue;
        expect(durationMs(span)).toBeGreaterThanOrEqual(sync.reduce((sum, c) => sum + durationMs(c), 0));
      }
      // Every failed span above a failure reports the failure's exception.
      for (const span of spans.values()) {
        const below = span.exception ? failedBelow(span) : [];
        if (below.length > 0) expect(below.map((s) => s.exception!.type)).toContain(span.exception!.type);
      }
      // A duration in a log below error severity is its span's (error logs quote the failure's own timeout).
      let durations = 0;
      for (const log of logs) {
        const stated = /(\d+) ?ms\b/.exec(log.body);
        if (!stated || log.severityNumber >= 17) continue;
        durations++;
        expect(Math.abs(Number(stated[1]) - durationMs(spans.get(log.spanId)!))).toBeLessThanOrEqual(0.501);
      }
      if (example === "ecommerce.yaml" || example === "marketplace.yaml") expect(durations).toBeGreaterThan(500);
    }, 60_000);
  }
});
