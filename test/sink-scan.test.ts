import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { ExportTraceServiceRequestSchema } from "../src/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import { type ResourceLogs, ResourceLogsSchema } from "../src/gen/opentelemetry/proto/logs/v1/logs_pb.ts";
import {
  type ResourceSpans,
  ResourceSpansSchema,
  Span_SpanKind,
} from "../src/gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import { captureExports, loadSettings, runFast } from "./helpers/run.ts";
import type { ExportRequest } from "../src/plugin-host/plugin.ts";
import { stringAttribute } from "../src/receiver/otlp-attributes.ts";
import { type SpanIdLow, traceKeyHex, TraceKeys } from "../src/receiver/otlp-ids.ts";
import { MalformedMessage } from "../src/otlp/proto-reader.ts";
import { scanResourceLogs } from "../src/receiver/scan-logs.ts";
import { scanResourceSpans } from "../src/receiver/scan-spans.ts";
import { splitExportRequest } from "../src/receiver/split-export-request.ts";
import type { ReceivedLogTargets, ReceivedSpans } from "../src/receiver/trace-check.ts";
import { isValidUtf8 } from "../src/receiver/valid-utf8.ts";
import { ROOT } from "./helpers/cli.ts";

// The receiver reads requests with its own scanner instead of decoding them. These tests hold it to
// protobuf-es: the same facts out of the same bytes, and a refusal wherever decoding fails.

const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
/** An id as the receiver reports it: hex, or "" when empty or all zero. */
const idText = (bytes: Uint8Array) => (bytes.some((byte) => byte !== 0) ? hex(bytes) : "");

function spanIdText(high: number, low: SpanIdLow): string {
  if (typeof low === "string") return low.slice(1);
  if (high === 0 && low === 0) return "";
  return high.toString(16).padStart(8, "0") + low.toString(16).padStart(8, "0");
}

interface SpanView {
  trace: string;
  span: string;
  parent: string;
  kind: number;
  start: bigint;
  end: bigint;
  linksWithinTrace: string[] | undefined;
}

/** What the scanner finds in one encoded ResourceSpans, in plain terms. */
function scanned(bytes: Uint8Array) {
  const received: ReceivedSpans = { traceIds: [], spans: [] };
  const resource = scanResourceSpans(bytes, received, new TraceKeys());
  const spans: SpanView[] = received.spans.map((span, i) => {
    const links: string[] = [];
    for (let l = 0; l < (span.links?.length ?? 0); l += 2) {
      links.push(spanIdText(Number(span.links?.[l]), span.links?.[l + 1] ?? 0));
    }
    return {
      trace: traceKeyHex(received.traceIds[i] ?? ""),
      span: spanIdText(span.idHigh, span.idLow),
      parent: spanIdText(span.parentHigh, span.parentLow),
      kind: span.kind,
      start: BigInt(span.startHigh) << 32n | BigInt(span.startLow),
      end: BigInt(span.endHigh) << 32n | BigInt(span.endLow),
      linksWithinTrace: span.links === undefined ? undefined : links,
    };
  });
  return { service: resource.service, items: resource.items, spans };
}

/** The same facts out of protobuf-es's decoding. */
function decoded(bytes: Uint8Array) {
  const message: ResourceSpans = fromBinary(ResourceSpansSchema, bytes);
  const spans = message.scopeSpans.flatMap((scope) => scope.spans);
  return {
    service: stringAttribute(message.resource?.attributes ?? [], "service.name"),
    items: spans.length,
    spans: spans.map((span): SpanView => ({
      trace: idText(span.traceId),
      span: idText(span.spanId),
      parent: idText(span.parentSpanId),
      kind: span.kind,
      start: span.startTimeUnixNano,
      end: span.endTimeUnixNano,
      linksWithinTrace: span.links.length === 0
        ? undefined
        : span.links.filter((link) => idText(link.traceId) === idText(span.traceId)).map((link) => idText(link.spanId)),
    })),
  };
}

function scannedLogs(bytes: Uint8Array) {
  const targets: ReceivedLogTargets = { traceIds: [], spanHighs: [], spanLows: [] };
  const resource = scanResourceLogs(bytes, targets, new TraceKeys());
  return {
    service: resource.service,
    items: resource.items,
    targets: targets.traceIds.map((trace, i) => [
      traceKeyHex(trace),
      spanIdText(targets.spanHighs[i] ?? 0, targets.spanLows[i] ?? 0),
    ]),
  };
}

function decodedLogs(bytes: Uint8Array) {
  const message: ResourceLogs = fromBinary(ResourceLogsSchema, bytes);
  const records = message.scopeLogs.flatMap((scope) => scope.logRecords);
  return {
    service: stringAttribute(message.resource?.attributes ?? [], "service.name"),
    items: records.length,
    targets: records.map((record) => [idText(record.traceId), idText(record.spanId)])
      .filter(([trace, span]) => trace !== "" && span !== ""),
  };
}

/** Whether the scanner refuses a ResourceSpans; any other error than MalformedMessage fails the test. */
function refusesSpans(bytes: Uint8Array): boolean {
  try {
    scanResourceSpans(bytes, { traceIds: [], spans: [] }, new TraceKeys());
    return false;
  } catch (error) {
    if (error instanceof MalformedMessage) return true;
    throw error;
  }
}

/** Whether protobuf-es refuses a ResourceSpans, decoding it inside a request as the receiver gets it. */
function decoderRefuses(bytes: Uint8Array): boolean {
  try {
    fromBinary(
      ExportTraceServiceRequestSchema,
      new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(bytes).finish(),
    );
    return false;
  } catch {
    return true;
  }
}

async function generatedRequests(): Promise<ExportRequest[]> {
  const loaded = await loadSettings(join(ROOT, "examples", "marketplace.yaml"));
  const requests = captureExports(loaded);
  await runFast(loaded, { requests: 500, exporter: "capture", drainMs: 1000 });
  return requests;
}

const BASE = 1_750_000_000_000_000_000n;
const id = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (seed * 31 + i * 7) & 255 || 1);

type SpanInit = MessageInitShape<typeof ResourceSpansSchema>;
function resourceSpans(init: SpanInit): Uint8Array {
  return toBinary(ResourceSpansSchema, create(ResourceSpansSchema, init));
}

const attribute = (key: string, value: string) => ({ key, value: { value: { case: "stringValue" as const, value } } });

/** A resource with two services' worth of variety: links, a missing parent, odd ids, events, status. */
const VARIED = resourceSpans({
  resource: { attributes: [attribute("service.instance.id", "i-1"), attribute("service.name", "checkout")] },
  scopeSpans: [{
    scope: { name: "s", version: "1", attributes: [attribute("a", "b")] },
    spans: [
      {
        traceId: id(16, 1),
        spanId: id(8, 2),
        name: "root",
        kind: Span_SpanKind.SERVER,
        startTimeUnixNano: BASE,
        endTimeUnixNano: BASE + 5_000_000n,
        attributes: [attribute("http.route", "/é/☃/😀"), {
          key: "nested",
          value: {
            value: {
              case: "kvlistValue",
              value: { values: [{ key: "list", value: { value: { case: "arrayValue", value: { values: [{}] } } } }] },
            },
          },
        }],
        events: [{ name: "exception", timeUnixNano: BASE + 1n, attributes: [attribute("exception.type", "E")] }],
        status: { code: 2, message: "boom" },
      },
      {
        traceId: id(16, 1),
        spanId: id(8, 3),
        parentSpanId: id(8, 2),
        kind: Span_SpanKind.CONSUMER,
        startTimeUnixNano: BASE + 0xffff_ffffn,
        endTimeUnixNano: BASE + 0x1_0000_0000n,
        links: [{ traceId: id(16, 1), spanId: id(8, 2) }, { traceId: id(16, 9), spanId: id(8, 9) }],
        flags: 0x301,
      },
      // Ids OTLP does not allow (wrong lengths, all zero) are kept as a decoder keeps them.
      { traceId: id(5, 4), spanId: id(3, 5), parentSpanId: new Uint8Array(8), kind: 99 as Span_SpanKind },
      { traceId: new Uint8Array(16), spanId: id(8, 6), kind: -1 as Span_SpanKind },
      {},
    ],
  }, { spans: [{ traceId: id(16, 7), spanId: id(8, 8) }] }],
});

describe("the span scanner finds what protobuf-es decodes", () => {
  test("in the engine's own requests", async () => {
    const requests = await generatedRequests();
    const traces = requests.filter((request) => request.signal === "traces");
    const logs = requests.filter((request) => request.signal === "logs");
    expect(traces.length).toBeGreaterThan(0);
    expect(logs.length).toBeGreaterThan(0);
    for (const request of traces) {
      for (const resource of request.resources) expect(scanned(resource)).toEqual(decoded(resource));
    }
    for (const request of logs) {
      for (const resource of request.resources) expect(scannedLogs(resource)).toEqual(decodedLogs(resource));
    }
  });

  test("in spans with links, events, status, odd ids and missing fields", () => {
    const result = scanned(VARIED);
    expect(result).toEqual(decoded(VARIED));
    expect(result.service).toBe("checkout");
    expect(result.spans[1]?.linksWithinTrace).toEqual([hex(id(8, 2))]);
    expect(result.spans[2]).toMatchObject({ trace: hex(id(5, 4)), span: hex(id(3, 5)), parent: "", kind: 99 });
  });

  test("with no resource, or no service.name, or one that is not a string", () => {
    for (
      const bytes of [
        resourceSpans({ scopeSpans: [{ spans: [{}] }] }),
        resourceSpans({ resource: { attributes: [attribute("x", "y")] } }),
        resourceSpans({
          resource: {
            attributes: [
              { key: "service.name", value: { value: { case: "intValue", value: 3n } } },
              attribute("service.name", "second"),
            ],
          },
        }),
        resourceSpans({ resource: { attributes: [attribute("service.name", "")] } }),
      ]
    ) expect(scanned(bytes)).toEqual(decoded(bytes));
  });

  test("whatever the field order, with unknown fields of every wire type, repeats and long varints", () => {
    const span = new BinaryWriter();
    // Unknown fields first, of every wire type, including a group with a nested group.
    span.tag(100, WireType.Varint).uint64(1n << 62n);
    span.tag(101, WireType.Bit64).fixed64(7n);
    span.tag(102, WireType.LengthDelimited).bytes(new Uint8Array([1, 2, 3]));
    span.tag(103, WireType.StartGroup).tag(1, WireType.Varint).uint32(5);
    span.tag(2, WireType.StartGroup).tag(2, WireType.EndGroup).tag(103, WireType.EndGroup);
    span.tag(104, WireType.Bit32).fixed32(9);
    // Times before ids, a repeated trace id (the last one counts), a kind as a needlessly long varint.
    span.tag(8, WireType.Bit64).fixed64(BASE + 10n);
    span.tag(7, WireType.Bit64).fixed64(BASE);
    span.tag(1, WireType.LengthDelimited).bytes(id(16, 11));
    span.tag(2, WireType.LengthDelimited).bytes(id(8, 12));
    span.tag(1, WireType.LengthDelimited).bytes(id(16, 13));
    span.tag(6, WireType.Varint).raw(new Uint8Array([0x84, 0x80, 0x80, 0x80, 0x00]));
    // A link given before the trace id it is compared with is set.
    span.tag(13, WireType.LengthDelimited).bytes(
      new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(id(8, 14)).tag(1, WireType.LengthDelimited)
        .bytes(id(16, 13)).finish(),
    );

    const resource = (serviceName: string) =>
      new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(
        new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(
          // A value before its key; a value given twice merges, the last case of the oneof winning.
          new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(
            new BinaryWriter().tag(3, WireType.Varint).int64(4).finish(),
          ).tag(1, WireType.LengthDelimited).string("service.name").tag(2, WireType.LengthDelimited).bytes(
            new BinaryWriter().tag(1, WireType.LengthDelimited).string(serviceName).finish(),
          ).finish(),
        ).tag(9, WireType.Varint).uint32(1).finish(),
      ).finish();

    const bytes = new BinaryWriter()
      .tag(2, WireType.LengthDelimited).bytes(
        new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(span.finish()).finish(),
      )
      .raw(resource("late"))
      // A resource given twice is merged: the first service.name still counts.
      .raw(resource("later"))
      .tag(1000, WireType.LengthDelimited).string("reserved")
      .finish();

    const result = scanned(bytes);
    expect(result).toEqual(decoded(bytes));
    expect(result.service).toBe("late");
    expect(result.spans[0]).toMatchObject({ trace: hex(id(16, 13)), kind: 4, linksWithinTrace: [hex(id(8, 14))] });
  });

  test("and log records the same way", () => {
    const bytes = toBinary(
      ResourceLogsSchema,
      create(ResourceLogsSchema, {
        resource: { attributes: [attribute("service.name", "worker")] },
        scopeLogs: [{
          logRecords: [
            { traceId: id(16, 1), spanId: id(8, 2), body: { value: { case: "stringValue", value: "hi" } } },
            { traceId: id(16, 1) },
            { spanId: id(8, 2) },
            { traceId: id(16, 3), spanId: new Uint8Array(8), severityText: "INFO", eventName: "e" },
            { traceId: id(3, 3), spanId: id(5, 4), attributes: [attribute("k", "v")] },
            {},
          ],
        }],
      }),
    );
    expect(scannedLogs(bytes)).toEqual(decodedLogs(bytes));
    expect(scannedLogs(bytes).items).toBe(6);

    // Reserved field 4 and unknown fields are skipped whatever their wire type; a known one with the wrong one is not.
    const record = (raw: (writer: BinaryWriter) => BinaryWriter) =>
      new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(
        new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(raw(new BinaryWriter()).finish()).finish(),
      ).finish();
    const odd = record((w) =>
      w.tag(4, WireType.LengthDelimited).string("x").tag(9, WireType.LengthDelimited).bytes(id(16, 5))
        .tag(4, WireType.Varint).uint32(1).tag(10, WireType.LengthDelimited).bytes(id(8, 6))
        .tag(13, WireType.Bit32).fixed32(1)
    );
    expect(scannedLogs(odd)).toEqual(decodedLogs(odd));
    expect(scannedLogs(odd).targets).toEqual([[hex(id(16, 5)), hex(id(8, 6))]]);
    expect(() => scannedLogs(record((w) => w.tag(9, WireType.Varint).uint32(1)))).toThrow(MalformedMessage);
  });
});

describe("the span scanner refuses what protobuf-es refuses", () => {
  test("a request cut short anywhere", () => {
    let refused = 0;
    for (let length = 0; length < VARIED.length; length++) {
      const cut = VARIED.subarray(0, length);
      expect({ length, refused: refusesSpans(cut) }).toEqual({ length, refused: decoderRefuses(cut) });
      if (refusesSpans(cut)) refused++;
    }
    // Most cuts fall inside a field; the rest end the message early at a field boundary, which is valid.
    expect(refused).toBeGreaterThan(VARIED.length / 2);
  });

  test("a string that is not UTF-8, wherever it is", () => {
    const text = "text-here";
    const places: SpanInit[] = [
      { resource: { attributes: [attribute("service.name", text)] } },
      { resource: { attributes: [attribute(text, "v")] } },
      { scopeSpans: [{ scope: { name: text } }] },
      { scopeSpans: [{ spans: [{ name: text }] }] },
      { scopeSpans: [{ spans: [{ events: [{ name: text }] }] }] },
      { scopeSpans: [{ spans: [{ status: { message: text } }] }] },
      { scopeSpans: [{ spans: [{ links: [{ traceState: text }] }] }] },
      { schemaUrl: text },
    ];
    const needle = new TextEncoder().encode(text);
    for (const init of places) {
      for (const bad of [0xff, 0xc0, 0xed]) {
        const bytes = resourceSpans(init);
        const where = bytes.findIndex((_, i) => needle.every((byte, j) => bytes[i + j] === byte));
        bytes[where + 2] = bad;
        expect({ init, refused: refusesSpans(bytes) }).toEqual({ init, refused: true });
        expect(decoderRefuses(bytes)).toBe(true);
      }
    }
  });

  test("broken framing: bad tags, long varints, unfinished groups, nesting past the limit", () => {
    const spanWith = (raw: number[]) =>
      new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(
        new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(new Uint8Array(raw)).finish(),
      ).finish();
    const cases = {
      "field number 0": spanWith([0x00, 0x01]),
      "wire type 6": spanWith([0x0e]),
      "wire type 7": spanWith([0x0f]),
      "an 11-byte varint": spanWith([0x30, ...Array<number>(10).fill(0xff), 0x01]),
      "a group that never ends": spanWith([0xa3, 0x06, 0x08, 0x01]),
      "a group ended by another field's tag": spanWith([0xa3, 0x06, 0xac, 0x06]),
      "an end-group tag alone": spanWith([0xa4, 0x06]),
      "a length past the end": spanWith([0x2a, 0x7f, 0x61]),
      "a fixed64 cut short": spanWith([0x39, 1, 2, 3]),
    };
    for (const [what, bytes] of Object.entries(cases)) {
      expect({ what, refused: refusesSpans(bytes) }).toEqual({ what, refused: true });
      expect({ what, refused: decoderRefuses(bytes) }).toEqual({ what, refused: true });
    }
  });

  test("a field whose wire type does not fit its type, and a message overrunning its length", () => {
    const span = (inner: Uint8Array) =>
      new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(
        new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(inner).finish(),
      ).finish();
    // kind (an enum) sent as a length-delimited field.
    expect(refusesSpans(span(new BinaryWriter().tag(6, WireType.LengthDelimited).bytes(new Uint8Array(1)).finish())))
      .toBe(true);
    // A span whose length ends in the middle of its last field's varint.
    const overrun = new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(
      new Uint8Array([0x12, 0x02, 0x30, 0x85, 0x01]),
    ).finish();
    expect(refusesSpans(overrun)).toBe(true);
  });

  test("attribute values nested deeper than the decoder's recursion limit", () => {
    const nested = (depth: number) => {
      let value = new BinaryWriter().tag(1, WireType.LengthDelimited).string("leaf").finish();
      for (let i = 0; i < depth; i++) {
        const array = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(value).finish();
        value = new BinaryWriter().tag(5, WireType.LengthDelimited).bytes(array).finish();
      }
      const keyValue = new BinaryWriter().tag(1, WireType.LengthDelimited).string("k")
        .tag(2, WireType.LengthDelimited).bytes(value).finish();
      const resource = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(keyValue).finish();
      return new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(resource).finish();
    };
    const deepest = (refusal: (bytes: Uint8Array) => boolean) => {
      let depth = 0;
      while (!refusal(nested(depth + 1))) depth++;
      return depth;
    };
    expect(deepest(refusesSpans)).toBe(deepest(decoderRefuses));
    expect(deepest(refusesSpans)).toBeGreaterThan(40);
  });
});

describe("around the scanners", () => {
  test("an export request is split into its resources, unknown fields skipped", () => {
    const first = resourceSpans({ resource: { attributes: [attribute("service.name", "a")] } });
    const second = resourceSpans({ scopeSpans: [{ spans: [{}] }] });
    const request = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(first).tag(7, WireType.Varint).uint32(1)
      .tag(1, WireType.LengthDelimited).bytes(second).finish();
    expect(splitExportRequest(request)).toEqual([first, second]);
    expect(() => splitExportRequest(request.subarray(0, request.length - 1))).toThrow(MalformedMessage);
    expect(() => splitExportRequest(new Uint8Array([0x08, 0x01]))).toThrow(MalformedMessage);
  });

  test("UTF-8 is checked as TextDecoder's fatal mode checks it", () => {
    const decoder = new TextDecoder("utf-8", { fatal: true });
    const samples = [
      [0x61],
      [0xc3, 0xa9],
      [0xe2, 0x98, 0x83],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xf4, 0x8f, 0xbf, 0xbf],
      [0xc0, 0x80],
      [0xc1, 0xbf],
      [0xe0, 0x80, 0x80],
      [0xe0, 0x9f, 0xbf],
      [0xed, 0xa0, 0x80],
      [0xf0, 0x80, 0x80, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0x80],
      [0xe2, 0x98],
      [0xf0, 0x9f, 0x98],
      [0xc3],
      [0xe2, 0x28, 0xa1],
    ];
    for (const sample of samples) {
      const bytes = Uint8Array.from(sample);
      let valid = true;
      try {
        decoder.decode(bytes);
      } catch {
        valid = false;
      }
      expect({ sample, valid: isValidUtf8(bytes, 0, bytes.length) }).toEqual({ sample, valid });
      // Four bytes at a time, at every alignment, with ASCII around.
      for (let before = 0; before < 5; before++) {
        const padded = Uint8Array.from([...Array<number>(before).fill(0x61), ...sample, 0x62, 0x63, 0x64, 0x65]);
        const view = new DataView(padded.buffer);
        expect({ sample, before, valid: isValidUtf8(padded, 0, padded.length, view) }).toEqual({
          sample,
          before,
          valid,
        });
      }
    }
  });

  test("trace keys stay exact when recent ids share a hash", () => {
    const keys = new TraceKeys();
    const a = id(16, 1);
    // Same first 52 bits, different rest: the cache's hash collides, the keys must not.
    const b = a.slice();
    b[15] = (b[15] ?? 0) ^ 0xff;
    expect(traceKeyHex(keys.key(a, 0, 16))).toBe(hex(a));
    expect(traceKeyHex(keys.key(b, 0, 16))).toBe(hex(b));
    expect(keys.key(a, 0, 16)).toBe(keys.key(a.slice(), 0, 16));
    expect(keys.key(new Uint8Array(16), 0, 16)).toBe("");
  });
});
