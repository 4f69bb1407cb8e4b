import type { AnyValue, KeyValue } from "../gen/opentelemetry/proto/common/v1/common_pb.ts";

/** The string value of attribute `key`, or undefined when it is missing or not a string. */
export function stringAttribute(attributes: readonly KeyValue[], key: string): string | undefined {
  for (const attribute of attributes) {
    if (attribute.key === key && attribute.value?.value.case === "stringValue") return attribute.value.value.value;
  }
  return undefined;
}

/** The name receivers use for a resource without service.name, as the OpenTelemetry SDKs do. */
export const UNKNOWN_SERVICE = "unknown_service";

/**
 * A canonical text for a set of attributes: the same set in any order gives the same text, so it can
 * key a metric stream.
 */
export function attributesKey(attributes: readonly KeyValue[]): string {
  return attributes.map((attribute) => `${JSON.stringify(attribute.key)}=${anyValueText(attribute.value)}`).sort()
    .join(",");
}

function anyValueText(value: AnyValue | undefined): string {
  const inner = value?.value;
  if (inner?.case === undefined) return "null";
  switch (inner.case) {
    case "stringValue":
      return JSON.stringify(inner.value);
    case "arrayValue":
      return `[${inner.value.values.map(anyValueText).join(",")}]`;
    case "kvlistValue":
      return `{${attributesKey(inner.value.values)}}`;
    case "bytesValue":
      return `b"${Array.from(inner.value, (byte) => byte.toString(16).padStart(2, "0")).join("")}"`;
    default:
      // Tagged so that the int 1, the double 1 and the string "1" stay different streams.
      return `${inner.case}:${String(inner.value)}`;
  }
}
