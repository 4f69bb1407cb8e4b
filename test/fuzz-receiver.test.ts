// Random and truncated OTLP bodies against the built-in receiver, over gRPC and HTTP, as protobuf and JSON,
// sometimes gzipped: every request ends in a success or an error status (never a reset stream or a crash),
// and afterwards the receiver still takes a valid request, its heap no larger than loosely bounded.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { ClientHttp2Session } from "node:http2";
import { type Sink, startSink } from "../src/receiver/start-receiver.ts";
import {
  type FuzzAnswer,
  fuzzRequest,
  grpcSession,
  isExpectedAnswer,
  type Originals,
  originalsOf,
  send,
} from "./helpers/fuzz-receiver.ts";
import { captureExports, loadExample, runFast } from "./helpers/run.ts";

const BODIES = Number(process.env.FUZZ_BODIES ?? 10_000);
/** Requests in flight at once, as several exporters would send them. */
const IN_FLIGHT = 16;
/** Heap the receiver may keep after all the bodies: its open traces and streams, never the bodies. */
const HEAP_GROWTH_BYTES = 64 * 1024 * 1024;

let sink: Sink;
let session: ClientHttp2Session;
let originals: Originals;

beforeAll(async () => {
  const example = await loadExample("marketplace.yaml");
  // One request per export call: small real bodies of every signal.
  const settings = { ...example, config: { ...example.config, output: { ...example.config.output, batchSize: 1 } } };
  const captured = captureExports(settings);
  await runFast(settings, { requests: 20, exporter: "capture" });
  originals = originalsOf(captured);
  sink = await startSink({ port: 0, httpPort: 0 });
  session = grpcSession(sink.port);
});

afterAll(async () => {
  session.close();
  await sink.close();
});

function heapUsed(): number {
  Bun.gc(true);
  return process.memoryUsage().heapUsed;
}

test(`${BODIES} damaged OTLP bodies: each answered with a success or an error status, never a crash`, async () => {
  const httpUrl = `http://127.0.0.1:${sink.httpPort}`;
  const heapBefore = heapUsed();
  const unexpected: string[] = [];
  let next = 0;
  const statuses = new Map<string, number>();
  const worker = async () => {
    for (let i = next++; i < BODIES; i = next++) {
      const request = fuzzRequest(i, originals);
      let answer: FuzzAnswer;
      try {
        answer = await send(request, session, httpUrl);
      } catch (error) {
        unexpected.push(`body ${i} (${request.transport}): ${(error as Error).message}`);
        continue;
      }
      const key = `${request.transport} ${answer.grpcStatus ?? answer.status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (!isExpectedAnswer(answer, request)) unexpected.push(`body ${i}: ${JSON.stringify(answer)}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  expect(unexpected.slice(0, 5)).toEqual([]);
  // Both kinds of answer happened on both transports: the bodies reached the decoders, valid and not.
  for (const key of ["grpc 0", "http 200", "http 400"]) expect(statuses.get(key) ?? 0).toBeGreaterThan(0);
  expect([...statuses.keys()].some((key) => key.startsWith("grpc ") && key !== "grpc 0")).toBe(true);

  // Still answering, on both ports.
  const valid = { signal: "traces", json: false, gzip: false } as const;
  const body = originals.protobuf.traces[0]!;
  const envelope = new Uint8Array([0, ...new Uint8Array(new Uint32Array([body.length]).buffer).reverse(), ...body]);
  expect(await send({ ...valid, transport: "grpc", body: envelope }, session, httpUrl)).toMatchObject({
    grpcStatus: "0",
  });
  expect(await send({ ...valid, transport: "http", body }, session, httpUrl)).toEqual({ status: 200 });
  sink.report();
  expect(heapUsed() - heapBefore).toBeLessThan(HEAP_GROWTH_BYTES);
}, 300_000);
