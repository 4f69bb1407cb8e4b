import type { OperationContext, OperationModel } from "../../../src/index.ts";
import { precomputedCalls } from "./call-outcome.ts";
import { dbAttributes, dbModel } from "./db-common.ts";
import { dbFailures } from "./db-errors.ts";
import { type DbSystem, inferDbSystem, namesDatabase, POSTGRESQL } from "./db-systems.ts";
import { documentOperation } from "./document-client.ts";
import { keyValueOperation } from "./key-value-client.ts";
import { sqlOperation } from "./sql-client.ts";

/**
 * A database client span, when the names or the operation say it is one: the system comes from the
 * service and template names (PostgreSQL when only the SQL says "database"), the shape from the system.
 */
export function databaseOperation(context: OperationContext): OperationModel | undefined {
  const names = [context.service, context.template];
  const system = inferDbSystem(names);
  if (system?.family === "key-value") return keyValueOperation(context, system);
  if (system?.family === "document") return documentOperation(context, system);
  const sql = sqlOperation(context, system ?? POSTGRESQL);
  if (sql) return sql;
  if (system || namesDatabase(names)) return summarizedOperation(context, system ?? POSTGRESQL);
  return undefined;
}

/**
 * A database call written as a name (`get-user-by-id` on `users-db`): the name is its query summary,
 * which the conventions allow to come from the application ("get user by id").
 */
function summarizedOperation(context: OperationContext, system: DbSystem): OperationModel {
  const summary = context.operation.trim();
  const attributes = dbAttributes(context, system, { summary });
  return {
    ...dbModel(context, system, summary),
    describe: precomputedCalls([attributes], dbFailures(system.name, "records", false, context.language)),
  };
}
