import { attribute } from "../telemetry/attribute.ts";
import type { KeyValue } from "../telemetry/records.ts";
import { writeKeyValue } from "./encode-common.ts";
import { ProtoWriter } from "./proto-writer.ts";

/**
 * An attribute that is the same in every record it goes into (a route, a port, a system name), encoded
 * to protobuf once, here, instead of in every record: build the constant attributes of an operation with
 * it when compiling the operation, and the per-record ones with `attribute`. Takes the values `attribute`
 * takes.
 *
 * @example
 * const port = constantAttribute("server.port", 8080); // compiled once, then in every span's attributes
 */
export function constantAttribute(key: string, value: string | number | boolean | readonly string[]): KeyValue {
  return preEncoded(attribute(key, value));
}

/** `kv` with its encoding (`KeyValue.encoded`): a record that holds it is written faster. */
export function preEncoded(kv: KeyValue): KeyValue {
  if (kv.encoded !== undefined) return kv;
  const writer = new ProtoWriter(64);
  writeKeyValue(writer, 1, kv);
  // Field 1's key is one byte; what follows it is the same whatever field the KeyValue is written as.
  const encoded = writer.finish().slice(1);
  // Not enumerable: records compare, print and spread as plain key-value pairs.
  return Object.defineProperty({ key: kv.key, value: kv.value }, "encoded", { value: encoded });
}
