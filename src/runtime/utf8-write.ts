// Writing a string's UTF-8 into a byte array at an offset, the fastest way each runtime has.
import { Buffer } from "node:buffer";

/** Writes `value` as UTF-8 into `bytes` (from `utf8Writer`) at `offset`; returns the bytes written. */
export type Utf8Write = (bytes: Uint8Array, value: string, offset: number) => number;

type NodeUtf8Write = (this: Uint8Array, value: string, offset: number) => number;

/**
 * Node's `Buffer.prototype.utf8Write`, where it is native (Bun, Node): a string into a buffer at an offset for a
 * fixed ~20-60 ns, where TextEncoder's `encodeInto` needs a subarray and a result object per call (~50-120 ns).
 * Deno's is JavaScript, slower than `encodeInto`: undefined there, and callers use `encodeInto`.
 */
const native: NodeUtf8Write | undefined = typeof (globalThis as { Deno?: unknown }).Deno === "undefined"
  ? (Buffer.prototype as unknown as { utf8Write?: NodeUtf8Write }).utf8Write
  : undefined;

/** The runtime's native UTF-8 writer, undefined where it has none worth using. */
export const nativeUtf8Write: Utf8Write | undefined = native &&
  ((bytes, value, offset) => native.call(bytes, value, offset));

/** `bytes` as the writer of `nativeUtf8Write` wants it (a Buffer over the same memory), or as it is. */
export function utf8Writable(bytes: Uint8Array): Uint8Array {
  return native ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}
