// Reading SQL written in an operation, once at compile time: the sanitized text (`db.query.text`), the
// operation, the single collection and the low-cardinality summary (`db.query.summary`), following the
// database conventions' "Sanitization of db.query.text" and "Generating a summary of the query text".

/** Statements whose first word makes an operation SQL. */
export const SQL_VERBS: ReadonlySet<string> = new Set([
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
  "WITH",
  "CREATE",
  "ALTER",
  "DROP",
  "TRUNCATE",
  "BEGIN",
  "COMMIT",
  "ROLLBACK",
  "SAVEPOINT",
  "SHOW",
  "EXPLAIN",
  "VACUUM",
  "ANALYZE",
  "GRANT",
  "COPY",
]);

/** Statement keywords that start an operation inside a query, and that the summary keeps. */
const OPERATIONS = new Set(["SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "CALL", "EXEC", "EXECUTE"]);
/** After these, UPDATE/INSERT are clauses of another statement (ON CONFLICT DO UPDATE, MERGE ... THEN INSERT). */
const CLAUSE_PREFIXES = new Set(["DO", "THEN", "KEY"]);
/** The table follows these keywords. */
const TABLE_BEFORE = new Set(["FROM", "JOIN", "INTO", "UPDATE", "TABLE"]);
const PROCEDURE_BEFORE = new Set(["CALL", "EXEC", "EXECUTE"]);
const KEYWORDS = new Set(["SELECT", "SET", "WHERE", "VALUES", "ONLY", "LATERAL", "IF", "NOT", "EXISTS", "TOP"]);
const TOKEN = /"[^"]+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$.]*|\(/g;

/** One SQL statement as the conventions describe it. */
export interface SqlStatement {
  readonly text: string;
  /** `db.operation.name`: set only when the statement has a single operation. */
  readonly operation?: string;
  /** `db.collection.name`: set only when the statement touches a single table. */
  readonly collection?: string;
  readonly procedure?: string;
  /** `db.query.summary`: operations and tables in order, e.g. `INSERT archive SELECT orders`. */
  readonly summary: string;
}

/** Replaces literals with `?` so no value leaks into `db.query.text`; bind parameters stay as written. */
export function sanitizeSql(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, "?")
    .replace(/(?<![\w$@:.?])-?\d+(?:\.\d+)?(?![\w.])/g, "?")
    .replace(/\s+/g, " ")
    .trim();
}

/** Parses a statement; literal values are removed first. */
export function parseSql(sql: string): SqlStatement {
  const text = sanitizeSql(sql);
  const tokens = [...text.matchAll(TOKEN)].map((match) => match[0]);
  const summary: string[] = [];
  const operations = new Set<string>();
  const tables: string[] = [];
  let procedure: string | undefined;
  // DDL and transaction control (CREATE, TRUNCATE, BEGIN...) are operations only as the first word.
  const first = tokens[0]?.toUpperCase() ?? "";
  if (SQL_VERBS.has(first) && !OPERATIONS.has(first) && first !== "WITH") {
    operations.add(first);
    summary.push(first);
  }
  tokens.forEach((token, i) => {
    const upper = token.toUpperCase();
    const previous = tokens[i - 1]?.toUpperCase() ?? "";
    const next = tokens[i + 1];
    if (OPERATIONS.has(upper) && !CLAUSE_PREFIXES.has(previous)) {
      operations.add(upper);
      summary.push(upper);
      if (PROCEDURE_BEFORE.has(upper) && next !== undefined && next !== "(") {
        procedure = unquote(next);
        summary.push(procedure);
      }
    }
    const table = TABLE_BEFORE.has(upper) && !CLAUSE_PREFIXES.has(previous) ? next : undefined;
    if (table !== undefined && table !== "(" && !KEYWORDS.has(table.toUpperCase())) {
      tables.push(unquote(table));
      summary.push(unquote(table));
    }
  });
  const single = (values: readonly string[]) => (new Set(values).size === 1 ? values[0] : undefined);
  const operation = single([...operations]);
  const collection = single(tables);
  return {
    text,
    ...(operation !== undefined && { operation }),
    ...(collection !== undefined && { collection }),
    ...(procedure !== undefined && { procedure }),
    summary: (summary.length > 0 ? summary.join(" ") : (tokens[0] ?? text).toUpperCase()).slice(0, 255),
  };
}

function unquote(identifier: string): string {
  const first = identifier[0];
  return first === '"' || first === "`" || first === "[" ? identifier.slice(1, -1) : identifier;
}
