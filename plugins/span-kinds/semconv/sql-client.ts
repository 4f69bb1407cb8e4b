import { constantAttribute, type OperationContext, type OperationModel } from "../../../src/index.ts";
import { precomputedCalls } from "./call-outcome.ts";
import { databaseName, dbAttributes, dbModel, WRITES } from "./db-common.ts";
import { dbFailures } from "./db-errors.ts";
import type { DbSystem } from "./db-systems.ts";
import { SYNTHESIZED_VERBS, synthesizeSql } from "./sql-synthesis.ts";
import { parseSql, SQL_VERBS, type SqlStatement } from "./sql-text.ts";

// A SQL (or CQL) client span: `SELECT`, `SELECT users` or a whole statement. The span is named after the
// query summary, e.g. `SELECT users` (semconv database spans, "Name": `{db.query.summary}` first).

const IDENTIFIER = /^[A-Za-z_][\w$.]*$/;

/** A SQL operation on `system`, or undefined when the operation does not start with a SQL verb. */
export function sqlOperation(context: OperationContext, system: DbSystem): OperationModel | undefined {
  const statements = statementsOf(context, system);
  if (!statements) return undefined;
  // Made-up variants differ in columns only: one operation, table and summary for all of them.
  const { operation, collection, summary, procedure } = statements[0]!;
  const fixed = dbAttributes(context, system, { operation, collection, summary, procedure });
  const variants = statements.map((statement) => [...fixed, constantAttribute("db.query.text", statement.text)]);
  const failures = dbFailures(
    system.name,
    collection ?? databaseName(context),
    WRITES.has(operation ?? ""),
    context.language,
  );
  return {
    ...dbModel(context, system, summary),
    describe: precomputedCalls(variants, failures),
  };
}

/** The statements an operation stands for: made up for `VERB [table]`, parsed when written out. */
function statementsOf(context: OperationContext, system: DbSystem): SqlStatement[] | undefined {
  const parts = context.operation.trim().split(/\s+/);
  const verb = parts[0]!.toUpperCase();
  if (!SQL_VERBS.has(verb)) return undefined;
  const table = parts.length === 2 && IDENTIFIER.test(parts[1]!) ? parts[1] : undefined;
  if (SYNTHESIZED_VERBS.has(verb) && (parts.length === 1 || table !== undefined)) {
    return synthesizeSql(verb, table ?? databaseName(context), system).map(parseSql);
  }
  return [parseSql(context.operation)];
}
