import { hint, type HintRule } from "./name-hints.ts";

// Database systems as `db.system.name` identifies them (semconv database registry, stable values where
// they exist), with what a client of each looks like on the wire.

/** How operations on the system are written: SQL-like text, key-value commands, or document commands. */
export type DbFamily = "sql" | "key-value" | "document";

export interface DbSystem {
  /** `db.system.name`. */
  readonly name: string;
  readonly family: DbFamily;
  /** The default port; undefined for embedded databases, which have no server. */
  readonly port?: number;
  /** The n-th (1-based) bind parameter as the system's drivers write it. */
  readonly parameter: (n: number) => string;
  /** `db.namespace` for a database named `database`, per the system's convention. */
  readonly namespace: (database: string) => string | undefined;
}

const positional = () => "?";
const dollar = (n: number) => `$${n}`;
const same = (database: string) => database;

export const POSTGRESQL: DbSystem = {
  name: "postgresql",
  family: "sql",
  port: 5432,
  parameter: dollar,
  // PostgreSQL: `{database}.{schema}`; applications mostly live in `public`.
  namespace: (database) => `${database}.public`,
};

const SYSTEMS: readonly HintRule<DbSystem>[] = [
  {
    value: { name: "microsoft.sql_server", family: "sql", port: 1433, parameter: (n) => `@p${n}`, namespace: same },
    contains: ["mssql", "sqlserver", "azuresql"],
  },
  {
    value: { name: "mariadb", family: "sql", port: 3306, parameter: positional, namespace: same },
    contains: ["maria"],
  },
  { value: { name: "mysql", family: "sql", port: 3306, parameter: positional, namespace: same }, contains: ["mysql"] },
  {
    value: { name: "cockroachdb", family: "sql", port: 26257, parameter: dollar, namespace: POSTGRESQL.namespace },
    contains: ["cockroach", "crdb"],
  },
  { value: POSTGRESQL, contains: ["postgres", "psql", "pgsql", "timescale"], equals: ["pg", "pgx", "pgbouncer"] },
  {
    value: { name: "oracle.db", family: "sql", port: 1521, parameter: (n) => `:${n}`, namespace: same },
    contains: ["oracle"],
  },
  // Embedded: no server, and the database is a file rather than a name.
  { value: { name: "sqlite", family: "sql", parameter: positional, namespace: () => undefined }, contains: ["sqlite"] },
  // CQL reads like SQL; ScyllaDB is reached with Cassandra drivers.
  {
    value: { name: "cassandra", family: "sql", port: 9042, parameter: positional, namespace: same },
    contains: ["cassandra", "scylla"],
  },
  {
    value: { name: "mongodb", family: "document", port: 27017, parameter: positional, namespace: same },
    contains: ["mongo"],
  },
  {
    value: { name: "memcached", family: "key-value", port: 11211, parameter: positional, namespace: () => undefined },
    contains: ["memcache"],
  },
  // Redis: `db.namespace` is the database index, "0" unless the application selects another.
  {
    value: { name: "redis", family: "key-value", port: 6379, parameter: positional, namespace: () => "0" },
    contains: ["redis", "valkey", "keydb", "dragonfly", "cache"],
  },
];

/** The system the service and template names point to, or undefined when they name none. */
export function inferDbSystem(names: readonly string[]): DbSystem | undefined {
  return hint(names, SYSTEMS);
}

/** Whether the names say "database" without naming a product, e.g. `users-db`. */
export function namesDatabase(names: readonly string[]): boolean {
  return hint(names, [{ value: true, contains: ["database"], equals: ["db", "rds", "sql", "dal", "repo"] }]) === true;
}

/** Technology and role words dropped from a service name to find the database and table it stands for. */
export const DB_NOISE: ReadonlySet<string> = new Set([
  "db",
  "database",
  "rds",
  "sql",
  "postgres",
  "postgresql",
  "psql",
  "pg",
  "pgx",
  "pgbouncer",
  "mysql",
  "mariadb",
  "maria",
  "mssql",
  "sqlserver",
  "oracle",
  "sqlite",
  "cassandra",
  "scylla",
  "mongo",
  "mongodb",
  "redis",
  "valkey",
  "memcache",
  "memcached",
  "cache",
  "cockroach",
  "cockroachdb",
  "crdb",
  "client",
  "store",
  "storage",
  "primary",
  "replica",
  "read",
  "write",
  "rw",
  "ro",
  "main",
  "svc",
  "service",
  "server",
  "cluster",
  "proxy",
  "dal",
  "repo",
]);
