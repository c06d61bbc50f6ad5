import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, type SqliteDatabase } from "kysely";
import pg from "pg";
import { OwnSchemaPostgresDialect } from "./postgres-introspector.js";
import { preparingPool } from "./prepared-statements.js";
import type { Database } from "./schema.js";

export type DialectName = "sqlite" | "postgres";

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  /** Where the data lives, for messages: a file path or the PostgreSQL URL without its password. */
  location: string;
  /** PostgreSQL only: the schema chosen by OpenOptions.searchPath or the URL, when not the default. */
  schema?: string;
  destroy(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL only: the schema to work in (each test file gets its own). */
  searchPath?: string;
  poolSize?: number;
}

export function dialectOf(url: string): DialectName {
  return url.startsWith("sqlite:") ? "sqlite" : "postgres";
}

export function openDatabase(url: string, options: OpenOptions = {}): Db {
  return dialectOf(url) === "sqlite" ? openSqlite(url) : openPostgres(url, options);
}

function openSqlite(url: string): Db {
  const path = url.slice("sqlite:".length);
  const inMemory = path === ":memory:";
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const connection = new SQLite(path);
  connection.pragma("journal_mode = WAL");
  connection.pragma("foreign_keys = ON");
  // Several processes (the app and the CLI) may write: wait for a lock rather than fail at once.
  connection.pragma("busy_timeout = 10000");
  connection.pragma("synchronous = NORMAL");
  const kysely = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(connection) }),
  });
  return {
    kysely,
    dialect: "sqlite",
    location: inMemory ? ":memory:" : resolve(path),
    destroy: () => kysely.destroy(),
  };
}

/**
 * Kysely prepares every query it runs, and better-sqlite3 compiles the SQL each time; pages run the same
 * few dozen statements over and over, so compiled ones are kept, the least recently used dropped first.
 */
function withStatementCache(connection: SQLite.Database, size = 256): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => connection.close(),
    prepare(sql) {
      const statement = statements.get(sql) ?? connection.prepare(sql);
      statements.delete(sql);
      statements.set(sql, statement);
      if (statements.size > size) statements.delete(statements.keys().next().value as string);
      return statement;
    },
  };
}

/** A schema named in a PostgreSQL URL, as libpq's `options=-c search_path=…`. */
export function postgresSchemaIn(url: string): string | undefined {
  return /search_path=([A-Za-z_][\w$]*)/.exec(new URL(url).searchParams.get("options") ?? "")?.[1];
}

function openPostgres(url: string, options: OpenOptions): Db {
  const schema = options.searchPath ?? postgresSchemaIn(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
  });
  const kysely = new Kysely<Database>({
    dialect: new OwnSchemaPostgresDialect({ pool: preparingPool(pool) }),
  });
  const location = url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
  return {
    kysely,
    dialect: "postgres",
    location,
    ...(schema ? { schema } : {}),
    destroy: () => kysely.destroy(),
  };
}
