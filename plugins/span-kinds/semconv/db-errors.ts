import { constantAttribute } from "../../../src/index.ts";
import type { Failure } from "./call-outcome.ts";

// How database calls fail, per system. Per the database conventions, `error.type` matches
// `db.response.status_code` when the database answered with one (SQLSTATE, vendor error number, Redis
// error prefix), else it is a low-cardinality identifier such as `timeout` or the exception type.

interface DbError {
  /** `db.response.status_code`, when the database returned one. */
  readonly code?: string;
  /** `error.type` when there is no code. */
  readonly errorType?: string;
  readonly type: string;
  /** `{table}` is replaced by the collection name. */
  readonly message: string;
  /** Only writes can fail this way (constraint violations, read-only replicas). */
  readonly writes?: true;
}

const CLIENT_TIMEOUT: DbError = {
  errorType: "timeout",
  type: "TimeoutError",
  message: "Timed out acquiring a connection from the pool after 30000 ms",
};

const POSTGRESQL: readonly DbError[] = [
  { code: "57014", type: "QueryCanceled", message: "canceling statement due to statement timeout" },
  { code: "40P01", type: "DeadlockDetected", message: "deadlock detected" },
  { code: "40001", type: "SerializationFailure", message: "could not serialize access due to concurrent update" },
  { code: "53300", type: "TooManyConnections", message: "sorry, too many clients already" },
  { code: "08006", type: "ConnectionFailure", message: "server closed the connection unexpectedly" },
  {
    code: "23505",
    type: "UniqueViolation",
    message: 'duplicate key value violates unique constraint "{table}_pkey"',
    writes: true,
  },
  CLIENT_TIMEOUT,
];

const MYSQL: readonly DbError[] = [
  { code: "1205", type: "LockWaitTimeout", message: "Lock wait timeout exceeded; try restarting transaction" },
  {
    code: "1213",
    type: "DeadlockFound",
    message: "Deadlock found when trying to get lock; try restarting transaction",
  },
  { code: "1040", type: "TooManyConnections", message: "Too many connections" },
  { code: "2013", type: "ConnectionLost", message: "Lost connection to MySQL server during query" },
  {
    code: "3024",
    type: "QueryTimeout",
    message: "Query execution was interrupted, maximum statement execution time exceeded",
  },
  { code: "1062", type: "DuplicateEntry", message: "Duplicate entry for key '{table}.PRIMARY'", writes: true },
  CLIENT_TIMEOUT,
];

const SQL_SERVER: readonly DbError[] = [
  {
    code: "1205",
    type: "SqlException",
    message:
      "Transaction was deadlocked on lock resources with another process and has been chosen as the deadlock victim",
  },
  { code: "1222", type: "SqlException", message: "Lock request time out period exceeded" },
  { code: "-2", type: "SqlException", message: "Execution Timeout Expired" },
  {
    code: "2627",
    type: "SqlException",
    message: "Violation of PRIMARY KEY constraint 'PK_{table}'. Cannot insert duplicate key in object 'dbo.{table}'",
    writes: true,
  },
  CLIENT_TIMEOUT,
];

const ORACLE: readonly DbError[] = [
  { code: "ORA-00060", type: "SQLException", message: "ORA-00060: deadlock detected while waiting for resource" },
  { code: "ORA-01013", type: "SQLTimeoutException", message: "ORA-01013: user requested cancel of current operation" },
  { code: "ORA-12170", type: "SQLRecoverableException", message: "ORA-12170: TNS:Connect timeout occurred" },
  {
    code: "ORA-00001",
    type: "SQLIntegrityConstraintViolationException",
    message: "ORA-00001: unique constraint ({table}_PK) violated",
    writes: true,
  },
];

const SQLITE: readonly DbError[] = [
  { code: "5", type: "SQLITE_BUSY", message: "database is locked" },
  { code: "10", type: "SQLITE_IOERR", message: "disk I/O error" },
  { code: "19", type: "SQLITE_CONSTRAINT", message: "UNIQUE constraint failed: {table}.id", writes: true },
];

const CASSANDRA: readonly DbError[] = [
  {
    errorType: "ReadTimeoutException",
    type: "ReadTimeoutException",
    message:
      "Cassandra timeout during read query at consistency LOCAL_QUORUM (2 responses were required but only 1 replica responded)",
  },
  {
    errorType: "WriteTimeoutException",
    type: "WriteTimeoutException",
    message:
      "Cassandra timeout during SIMPLE write query at consistency LOCAL_QUORUM (2 replica were required but only 1 acknowledged the write)",
    writes: true,
  },
  {
    errorType: "UnavailableException",
    type: "UnavailableException",
    message: "Not enough replicas available for query at consistency LOCAL_QUORUM (2 required but only 1 alive)",
  },
  { errorType: "OverloadedException", type: "OverloadedException", message: "Queried host was overloaded" },
];

const MONGODB: readonly DbError[] = [
  { code: "50", type: "MongoServerError", message: "operation exceeded time limit" },
  { code: "189", type: "MongoServerError", message: "Primary stepped down while waiting for replication" },
  { code: "91", type: "MongoServerError", message: "The server is in quiesce mode and will shut down" },
  {
    code: "11000",
    type: "MongoServerError",
    message: "E11000 duplicate key error collection: {table} index: _id_",
    writes: true,
  },
  { errorType: "timeout", type: "MongoServerSelectionError", message: "Server selection timed out after 30000 ms" },
];

const REDIS: readonly DbError[] = [
  { code: "ERR", type: "ReplyError", message: "ERR max number of clients reached" },
  { code: "OOM", type: "ReplyError", message: "OOM command not allowed when used memory > 'maxmemory'", writes: true },
  { code: "LOADING", type: "ReplyError", message: "LOADING Redis is loading the dataset in memory" },
  {
    code: "READONLY",
    type: "ReplyError",
    message: "READONLY You can't write against a read only replica",
    writes: true,
  },
  { code: "CLUSTERDOWN", type: "ReplyError", message: "CLUSTERDOWN The cluster is down" },
  { errorType: "timeout", type: "TimeoutError", message: "Command timed out after 500 ms" },
];

const MEMCACHED: readonly DbError[] = [
  { errorType: "SERVER_ERROR", type: "MemcachedServerError", message: "SERVER_ERROR out of memory storing object" },
  { errorType: "timeout", type: "TimeoutError", message: "Operation timed out after 500 ms" },
];

const BY_SYSTEM: Readonly<Record<string, readonly DbError[]>> = {
  postgresql: POSTGRESQL,
  cockroachdb: POSTGRESQL,
  mysql: MYSQL,
  mariadb: MYSQL,
  "microsoft.sql_server": SQL_SERVER,
  "oracle.db": ORACLE,
  sqlite: SQLITE,
  cassandra: CASSANDRA,
  mongodb: MONGODB,
  redis: REDIS,
  memcached: MEMCACHED,
};

/** MySQL error names, which Node's mysql2 reports as `err.code`. */
const MYSQL_NAMES: Readonly<Record<string, string>> = {
  "1205": "ER_LOCK_WAIT_TIMEOUT",
  "1213": "ER_LOCK_DEADLOCK",
  "1040": "ER_CON_COUNT_ERROR",
  "2013": "PROTOCOL_CONNECTION_LOST",
  "3024": "ER_QUERY_TIMEOUT",
  "1062": "ER_DUP_ENTRY",
};

type Shape = (error: DbError, message: string) => { type: string; message: string };
const typed = (type: string): Shape => (_, message) => ({ type, message });

/**
 * How each language's usual driver for a system reports a database error: its exception class, and the
 * message as that driver words it. Languages and systems not listed keep the driver-neutral form.
 */
const DRIVERS: Readonly<Record<string, Readonly<Record<string, Shape>>>> = {
  postgresql: {
    java: (_, message) => ({ type: "org.postgresql.util.PSQLException", message: `ERROR: ${message}` }),
    go: ({ code }, message) => ({ type: "*pgconn.PgError", message: `ERROR: ${message} (SQLSTATE ${code})` }),
    python: ({ type }, message) => ({
      type: type === "TooManyConnections" || type === "ConnectionFailure"
        ? "psycopg2.OperationalError"
        : `psycopg2.errors.${type}`,
      message,
    }),
    // node-postgres errors carry the SQLSTATE as `code`, which the SDK takes as the type.
    nodejs: ({ code }, message) => ({ type: code!, message }),
    dotnet: ({ code }, message) => ({ type: "Npgsql.PostgresException", message: `${code}: ${message}` }),
  },
  mysql: {
    java: typed("java.sql.SQLException"),
    go: ({ code }, message) => ({ type: "*mysql.MySQLError", message: `Error ${code} (HY000): ${message}` }),
    python: typed("pymysql.err.OperationalError"),
    nodejs: ({ code }, message) => ({ type: MYSQL_NAMES[code!] ?? "Error", message }),
    dotnet: typed("MySqlConnector.MySqlException"),
  },
  "microsoft.sql_server": {
    java: typed("com.microsoft.sqlserver.jdbc.SQLServerException"),
    go: typed("mssql.Error"),
    python: typed("pyodbc.Error"),
    nodejs: typed("RequestError"),
    dotnet: typed("Microsoft.Data.SqlClient.SqlException"),
  },
  redis: {
    java: typed("io.lettuce.core.RedisCommandExecutionException"),
    go: typed("proto.RedisError"),
    python: typed("redis.exceptions.ResponseError"),
    dotnet: typed("StackExchange.Redis.RedisServerException"),
  },
  mongodb: {
    java: typed("com.mongodb.MongoCommandException"),
    go: typed("mongo.CommandError"),
    python: typed("pymongo.errors.OperationFailure"),
    dotnet: typed("MongoDB.Driver.MongoCommandException"),
  },
};
const DRIVER_ALIASES: Readonly<Record<string, string>> = { cockroachdb: "postgresql", mariadb: "mysql" };

/**
 * The ways an operation on `table` of `system` can fail; writes can also break constraints. Errors the
 * database answered with are worded as the `language`'s driver reports them; client-side timeouts are
 * left to the language's own timeout exception.
 */
export function dbFailures(system: string, table: string, write: boolean, language?: string): Failure[] {
  const errors = (BY_SYSTEM[system] ?? [CLIENT_TIMEOUT]).filter((error) => write || !error.writes);
  const driver = language === undefined ? undefined : DRIVERS[DRIVER_ALIASES[system] ?? system]?.[language];
  return errors.map((error) => {
    const { code, errorType, type } = error;
    const message = error.message.replaceAll("{table}", table);
    return {
      attributes: code === undefined
        ? [constantAttribute("error.type", errorType ?? "_OTHER")]
        : [constantAttribute("error.type", code), constantAttribute("db.response.status_code", code)],
      exception: driver && code !== undefined ? driver(error, message) : { type, message },
    };
  });
}
