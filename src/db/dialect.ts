/**
 * The few places where SQLite and PostgreSQL need different SQL, kept together so the rest of the
 * code has one path. Today: loading many rows at once, inside one transaction, and reading many.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CompiledQuery, sql, type Kysely, type SelectQueryBuilder, type Transaction } from "kysely";
import { jsonArrayFrom } from "kysely/helpers/sqlite";
import { from as copyFrom } from "pg-copy-streams";
import type { Db } from "./database.js";
import { isPostgres } from "./migrations/helpers.js";
import type { Database } from "./schema.js";

export type CellValue = string | number | null;

export interface BulkTransaction {
  /** For ordinary queries; everything done through it commits or rolls back with the bulk rows. */
  trx: Transaction<Database>;
  /**
   * Appends `rows` (values in `columns` order) to `table` as fast as the database allows. Table and
   * column names are trusted (our own constants).
   */
  insert: (
    table: string,
    columns: readonly string[],
    rows: readonly (readonly CellValue[])[],
  ) => Promise<void>;
}

/**
 * Runs `work` in one transaction that can also load rows in bulk: COPY on PostgreSQL, one
 * `insert … select … from json_each(?)` per batch on SQLite. Kysely prepares every statement
 * afresh, and preparing a wide multi-row INSERT costs more than running it; the JSON statement is
 * short whatever the number of rows (measured: about 1.5 times the rows a second of 2,000-row
 * INSERTs). It all runs on the database's one Kysely connection, so in-process work queues behind
 * the load instead of blocking on SQLite's file lock.
 */
export async function inBulkTransaction<T>(db: Db, work: (bulk: BulkTransaction) => Promise<T>): Promise<T> {
  const load = db.dialect === "postgres" ? copyRows : insertJsonRows;
  return db.kysely
    .transaction()
    .execute((trx) => work({ trx, insert: (table, columns, rows) => load(trx, table, columns, rows) }));
}

/**
 * Makes transactions that name the same `key` run one after another, until the caller's transaction
 * ends. SQLite needs nothing: a transaction that starts by writing holds the database's one write
 * lock until it ends. PostgreSQL takes a transaction-scoped advisory lock on a hash of the key.
 */
export async function lockUntilCommit(bulk: BulkTransaction, key: string): Promise<void> {
  if (!isPostgres(bulk.trx)) return;
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(bulk.trx);
}

/**
 * The rows `query.execute()` gives, read faster when there are thousands. On SQLite the database
 * builds them into one JSON array for JSON.parse, as better-sqlite3 builds each row's object a column
 * at a time (the 7,392 rows of a national year's counts: 7 ms against 13). PostgreSQL builds JSON more
 * slowly than pg reads rows (32 ms against 23), so there they are read as they are. The query names
 * its columns (SQLite's json_object needs them: no selectAll), their values are text, numbers or null
 * (JSON has no blobs), and the rows come in no promised order.
 */
export async function executeManyRows<DB, TB extends keyof DB, O>(
  db: Kysely<Database>,
  query: SelectQueryBuilder<DB, TB, O>,
): Promise<O[]> {
  if (isPostgres(db)) return query.execute();
  // SQLite gives JSON as text.
  const rows = jsonArrayFrom(query).$castTo<string>();
  const { json } = await db.selectNoFrom(rows.as("json")).executeTakeFirstOrThrow();
  return JSON.parse(json) as O[];
}

async function insertJsonRows(
  trx: Transaction<Database>,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CellValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const values = columns.map((_, index) => `value ->> ${index}`).join(", ");
  const statement = `insert into ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(", ")}) select ${values} from json_each(?)`;
  await trx.executeQuery(CompiledQuery.raw(statement, [JSON.stringify(rows)]));
}

/**
 * COPY must run on the very connection that holds the caller's transaction, which Kysely keeps to
 * itself. pg's `client.query()` accepts any "submittable" object in place of SQL text and hands it
 * the connection, so the COPY stream is passed through Kysely's executeQuery as if it were SQL:
 * Kysely forwards it to the transaction's client untouched, and the data then flows through it.
 */
async function copyRows(
  trx: Transaction<Database>,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CellValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const copy = copyFrom(
    `copy ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(", ")}) from stdin`,
  );
  const submitted = trx.executeQuery({
    ...CompiledQuery.raw(""),
    sql: copy as unknown as string,
  });
  await Promise.all([submitted, pipeline(Readable.from(copyTextLines(rows)), copy)]);
}

/** PostgreSQL's COPY text format: tab-separated, `\N` for null, backslash escapes. */
function* copyTextLines(rows: readonly (readonly CellValue[])[]): Generator<string> {
  const linesPerChunk = 1_000;
  let chunk = "";
  for (let i = 0; i < rows.length; i++) {
    chunk += (rows[i] ?? []).map(copyTextValue).join("\t") + "\n";
    if ((i + 1) % linesPerChunk === 0) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk !== "") yield chunk;
}

const COPY_SPECIAL_CHARACTERS = /[\\\t\n\r]/g;
const COPY_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
};

function copyTextValue(value: CellValue): string {
  if (value === null) return "\\N";
  if (typeof value === "number") return String(value);
  return value.replace(COPY_SPECIAL_CHARACTERS, (character) => COPY_ESCAPES[character] ?? character);
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
