import { expect, test } from "bun:test";
import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { readRejectedItems, readRetryInfo } from "../src/index.ts";
import { MalformedMessage, ProtoReader } from "../src/otlp/proto-reader.ts";

/** Export*ServiceResponse { partial_success { rejected = 1; error_message = 2 } }. */
function response(rejected: number | bigint, extra = (w: BinaryWriter) => w): Uint8Array {
  const partial = new BinaryWriter().uint32(8).int64(rejected).uint32(18).string("some were refused").finish();
  return extra(new BinaryWriter().uint32(10).bytes(partial)).finish();
}

/** RetryInfo { retry_delay { seconds = 1; nanos = 2 } }. */
function retryInfo(seconds: number, nanos: number): Uint8Array {
  const duration = new BinaryWriter().uint32(8).int64(seconds).uint32(16).int32(nanos).finish();
  return new BinaryWriter().uint32(10).bytes(duration).finish();
}

test("int64 reads every varint as protobuf-es does, within a number's precision", () => {
  const values = [
    0n,
    1n,
    127n,
    128n,
    300n,
    2n ** 28n - 1n,
    2n ** 28n,
    2n ** 31n,
    2n ** 32n + 5n,
    2n ** 35n,
    2n ** 53n - 1n,
  ];
  for (const value of [...values, ...values.map((v) => -v), -(2n ** 63n)]) {
    const bytes = new BinaryWriter().int64(value).finish();
    const reader = new ProtoReader(bytes);
    expect({ value, read: reader.int64() }).toEqual({ value, read: Number(new BinaryReader(bytes).int64()) });
    expect(reader.pos).toBe(bytes.length);
  }
  expect(() => new ProtoReader(new Uint8Array([0x80, 0x80])).int64()).toThrow(MalformedMessage);
  expect(() => new ProtoReader(new Uint8Array(11).fill(0xff)).int64()).toThrow(MalformedMessage);
});

test("the rejected count of a partial success, 0 without one", () => {
  expect(readRejectedItems(response(3))).toBe(3);
  expect(readRejectedItems(response(5_000_000_000))).toBe(5_000_000_000);
  expect(readRejectedItems(new Uint8Array())).toBe(0);
  // An unknown field before it is skipped, as a decoder skips it.
  expect(readRejectedItems(response(7, (w) => w.uint32(16).uint32(1)))).toBe(7);
  expect(readRejectedItems(new BinaryWriter().uint32(10).bytes(new Uint8Array()).finish())).toBe(0);
});

test("a response that is not valid protobuf is refused", () => {
  const valid = response(3);
  expect(() => readRejectedItems(valid.subarray(0, valid.length - 1))).toThrow(MalformedMessage);
  // partial_success as a varint: the wrong wire type for a message.
  expect(() => readRejectedItems(new Uint8Array([0x08, 0x03]))).toThrow(MalformedMessage);
});

test("RetryInfo gives its delay in ms, none without a retry_delay, never a negative one", () => {
  expect(readRetryInfo(retryInfo(1, 500_000_000))).toEqual({ delayMs: 1500 });
  expect(readRetryInfo(retryInfo(0, 250_000))).toEqual({ delayMs: 0.25 });
  expect(readRetryInfo(retryInfo(-3, 0))).toEqual({ delayMs: 0 });
  expect(readRetryInfo(new Uint8Array())).toEqual({});
  expect(() => readRetryInfo(retryInfo(1, 0).subarray(0, 3))).toThrow(MalformedMessage);
});
