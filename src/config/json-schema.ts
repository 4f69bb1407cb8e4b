import { configSchema } from "./schema.ts";
import { SCHEMA_URL } from "./schema-url.ts";

/**
 * The config's JSON Schema (draft 2020-12), generated from the arktype schema the loader checks with,
 * so the two cannot drift. It checks structure (types, required fields, ranges, unknown keys); names
 * (span kinds, services, placeholders) and formats (rates, durations) are `validate`'s to check.
 */
export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = configSchema.toJsonSchema() as Record<string, unknown>;
  return {
    $schema,
    $id: SCHEMA_URL,
    title: "Dreamweaver config",
    description: "An imaginary system for Dreamweaver to simulate; `dreamweaver validate` checks names and formats",
    ...schema,
  };
}
