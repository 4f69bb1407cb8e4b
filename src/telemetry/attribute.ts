import type { KeyValue } from "./records.ts";

/**
 * A span, log or resource attribute from a plain value: integers become OTLP ints, other numbers
 * doubles, arrays of strings string arrays.
 *
 * @example
 * attribute("http.response.status_code", 200) // { key, value: { int: 200 } }
 */
export function attribute(key: string, value: string | number | boolean | readonly string[]): KeyValue {
  if (typeof value === "string") return { key, value: { string: value } };
  if (typeof value === "boolean") return { key, value: { bool: value } };
  if (typeof value === "number") return { key, value: Number.isInteger(value) ? { int: value } : { double: value } };
  return { key, value: { array: value.map((item) => ({ string: item })) } };
}
