import { configSchema } from "./schema.ts";

/**
 * Where the published package serves the config's JSON Schema. Unversioned on purpose: fields are only
 * ever added, so the newest schema fits every config.
 */
export const SCHEMA_URL = "https://unpkg.com/dreamweaver/dist/config.schema.json";

/** The first line of every example and of what `dreamweaver init` writes: editors validate and complete. */
export const SCHEMA_COMMENT = `# yaml-language-server: $schema=${SCHEMA_URL}`;

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
