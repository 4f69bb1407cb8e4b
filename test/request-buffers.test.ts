import { expect, test } from "bun:test";
import { encodeExportRequest } from "../src/otlp/encode.ts";
import { RequestBuffers } from "../src/otlp/request-buffers.ts";

const resources = [Uint8Array.of(1, 2, 3), new Uint8Array(300).fill(7)];

test("a request encoded into a reused buffer has the bytes of one encoded alone, after the same headroom", () => {
  const buffers = new RequestBuffers();
  const alone = encodeExportRequest(resources, 5);
  const buffer = buffers.take(alone.length);
  buffer.fill(0xff);
  const into = encodeExportRequest(resources, 5, buffer);
  expect(into.buffer).toBe(buffer.buffer);
  expect([...into.subarray(5)]).toEqual([...alone.subarray(5)]);
  expect(into.length).toBe(alone.length);
});

test("a buffer given back is taken again for a request it can hold; a larger request gets a new one", () => {
  const buffers = new RequestBuffers();
  const first = buffers.take(1000);
  buffers.giveBack(first);
  expect(buffers.take(900)).toBe(first);
  buffers.giveBack(first);
  const larger = buffers.take(first.length + 1);
  expect(larger).not.toBe(first);
  expect(larger.length).toBeGreaterThan(first.length);
  // A buffer too small for the request is left alone, and the request is written into memory of its own.
  expect(encodeExportRequest(resources, 5, new Uint8Array(10)).length).toBe(encodeExportRequest(resources, 5).length);
});

test("with many calls in flight at first, later larger requests still reuse their buffers", () => {
  const buffers = new RequestBuffers();
  // A run with output.concurrency 12 starts with small requests, all in flight at once...
  const small = Array.from({ length: 12 }, () => buffers.take(50_000));
  for (const buffer of small) buffers.giveBack(buffer);
  // ...then larger ones, one at a time.
  for (let i = 0; i < 100; i++) buffers.giveBack(buffers.take(3_000_000));
  expect(buffers.allocated).toBe(13);
});
