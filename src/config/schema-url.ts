/**
 * Where the published package serves the config's JSON Schema. Unversioned on purpose: fields are only
 * ever added, so the newest schema fits every config.
 */
export const SCHEMA_URL = "https://unpkg.com/dreamweaver/dist/config.schema.json";

/** The first line of every example and of what `dreamweaver init` writes: editors validate and complete. */
export const SCHEMA_COMMENT = `# yaml-language-server: $schema=${SCHEMA_URL}`;
