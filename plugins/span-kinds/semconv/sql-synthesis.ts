import type { DbSystem } from "./db-systems.ts";

// Plausible parameterized statements for an operation written as a bare verb (`SELECT`) or a verb and a
// table (`SELECT users`): what an ORM or a repository class would send, in the system's dialect.
// Parameterized text is what the conventions collect by default.

/** Verbs a statement can be made up for; other verbs (BEGIN, COMMIT...) are sent as written. */
export const SYNTHESIZED_VERBS: ReadonlySet<string> = new Set([
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "UPSERT",
  "MERGE",
  "REPLACE",
  "CALL",
  "EXEC",
  "EXECUTE",
]);

/** One or more statements for `verb` on `table`; several for SELECT, since a repository reads in several ways. */
export function synthesizeSql(verb: string, table: string, system: DbSystem): string[] {
  const p = system.parameter;
  switch (verb) {
    case "SELECT":
      return [
        `SELECT * FROM ${table} WHERE id = ${p(1)}`,
        `SELECT id, status, created_at, updated_at FROM ${table} WHERE id = ${p(1)}`,
        `SELECT id, status, created_at FROM ${table} WHERE account_id = ${p(1)} ORDER BY created_at DESC ${
          limit(system, p(2))
        }`,
      ];
    case "INSERT":
      return [`INSERT INTO ${table} (id, status, created_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})`];
    case "UPDATE":
      return [`UPDATE ${table} SET status = ${p(1)}, updated_at = ${p(2)} WHERE id = ${p(3)}`];
    case "DELETE":
      return [`DELETE FROM ${table} WHERE id = ${p(1)}`];
    case "UPSERT":
      return [upsert(table, system)];
    case "MERGE":
      return [merge(table, system)];
    case "REPLACE":
      return [`REPLACE INTO ${table} (id, status, updated_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})`];
    default:
      // CALL, EXEC, EXECUTE: a stored procedure named after the table.
      return system.name === "microsoft.sql_server"
        ? [`EXEC refresh_${table} ${p(1)}`]
        : [`CALL refresh_${table}(${p(1)})`];
  }
}

function limit(system: DbSystem, parameter: string): string {
  if (system.name === "microsoft.sql_server") return `OFFSET 0 ROWS FETCH NEXT ${parameter} ROWS ONLY`;
  if (system.name === "oracle.db") return `FETCH FIRST ${parameter} ROWS ONLY`;
  return `LIMIT ${parameter}`;
}

/** An insert-or-update as each dialect spells it; in CQL every INSERT already is one. */
function upsert(table: string, system: DbSystem): string {
  const p = system.parameter;
  const insert = `INSERT INTO ${table} (id, status, updated_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})`;
  switch (system.name) {
    case "postgresql":
    case "cockroachdb":
    case "sqlite":
      return `${insert} ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at`;
    case "mysql":
    case "mariadb":
      return `${insert} ON DUPLICATE KEY UPDATE status = VALUES(status), updated_at = VALUES(updated_at)`;
    case "cassandra":
      return insert;
    default:
      return merge(table, system);
  }
}

function merge(table: string, system: DbSystem): string {
  const p = system.parameter;
  return `MERGE INTO ${table} AS target USING (VALUES (${p(1)}, ${
    p(2)
  })) AS source (id, status) ON target.id = source.id ` +
    "WHEN MATCHED THEN UPDATE SET status = source.status " +
    "WHEN NOT MATCHED THEN INSERT (id, status) VALUES (source.id, source.status)";
}
