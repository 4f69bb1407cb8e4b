import type { OperationContext, OperationModel } from "../../../src/index.ts";
import { precomputedCalls } from "./call-outcome.ts";
import { databaseName, dbAttributes, dbModel, dbSpanName, WRITES } from "./db-common.ts";
import { dbFailures } from "./db-errors.ts";
import type { DbSystem } from "./db-systems.ts";

// MongoDB (semconv MongoDB): `db.operation.name` is the command sent (`find`, `insert`, `aggregate`...),
// `db.collection.name` the collection, required. Driver method names map to the wire command they send.

const COMMANDS: Readonly<Record<string, string>> = {
  select: "find",
  find: "find",
  findone: "find",
  insert: "insert",
  insertone: "insert",
  insertmany: "insert",
  update: "update",
  upsert: "update",
  updateone: "update",
  updatemany: "update",
  replaceone: "update",
  delete: "delete",
  deleteone: "delete",
  deletemany: "delete",
  findoneandupdate: "findAndModify",
  findoneanddelete: "findAndModify",
  findandmodify: "findAndModify",
  aggregate: "aggregate",
  count: "count",
  countdocuments: "aggregate",
  distinct: "distinct",
  bulkwrite: "bulkWrite",
  getmore: "getMore",
};

/** `find`, `insertOne users`, `SELECT`... on a document store. */
export function documentOperation(context: OperationContext, system: DbSystem): OperationModel {
  const [word = "find", collectionWord] = context.operation.trim().split(/\s+/);
  const command = COMMANDS[word.toLowerCase()] ?? word;
  const collection = collectionWord ?? databaseName(context);
  const name = dbSpanName(command, collection);
  const attributes = dbAttributes(context, system, { operation: command, collection, summary: name });
  const failures = dbFailures(system.name, collection, WRITES.has(command.toUpperCase()), context.language);
  return {
    ...dbModel(context, system, name),
    describe: precomputedCalls([attributes], failures),
  };
}
