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
 * Runs `work` in one transaction that can also load rows in bulk: COPY on PostgreSQL, INSERTs of
 * 50 rows on SQLite. SQLite's statements are compiled once and kept (see withStatementCache), so
 * short fixed-size INSERTs beat one `insert … select … from json_each(?)` per batch, which spent as
 * long in JSON.stringify and SQLite's JSON parser as in the inserts (measured: street crimes written
 * in half the time). It all runs on the database's one Kysely connection, so in-process work queues
 * behind the load instead of blocking on SQLite's file lock.
 */
export async function inBulkTransaction<T>(db: Db, work: (bulk: BulkTransaction) => Promise<T>): Promise<T> {
  const load = db.dialect === "postgres" ? copyRows : insertRows;
  return db.kysely.transaction().execute(async (trx) => {
    // One load in flight while the caller prepares the next batch: PostgreSQL writes one batch while
    // Node parses the next, on the other core. A failed load surfaces at the next insert or below.
    let loading: Promise<void> = Promise.resolve();
    const insert: BulkTransaction["insert"] = async (table, columns, rows) => {
      await loading;
      loading = load(trx, table, columns, rows);
      loading.catch(() => undefined); // awaited later; not an unhandled rejection meanwhile
    };
    try {
      const result = await work({ trx, insert });
      await loading;
      return result;
    } finally {
      // Never end the transaction with a COPY still running on its connection.
      await loading.catch(() => undefined);
    }
  });
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

/** Rows per SQLite INSERT: short statements, compiled once each (the statement cache) and reused. */
const ROWS_PER_INSERT = 50;

async function insertRows(
  trx: Transaction<Database>,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CellValue[])[],
): Promise<void> {
  const head = `insert into ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(", ")}) values `;
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const full = head + Array.from({ length: ROWS_PER_INSERT }, () => tuple).join(", ");
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const count = Math.min(ROWS_PER_INSERT, rows.length - start);
    const statement =
      count === ROWS_PER_INSERT ? full : head + Array.from({ length: count }, () => tuple).join(", ");
    // Filled by hand: Array.prototype.flat was most of the time spent here.
    const parameters: CellValue[] = new Array<CellValue>(count * columns.length);
    let at = 0;
    for (let row = start; row < start + count; row++)
      for (const cell of rows[row] ?? []) parameters[at++] = cell;
    await trx.executeQuery(CompiledQuery.raw(statement, parameters));
  }
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
    const row = rows[i] ?? [];
    for (let column = 0; column < row.length; column++) {
      chunk += (column === 0 ? "" : "\t") + copyTextValue(row[column] ?? null);
    }
    chunk += "\n";
    if ((i + 1) % linesPerChunk === 0) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk !== "") yield chunk;
}

const COPY_SPECIAL_CHARACTER = /[\\\t\n\r]/;
const COPY_SPECIAL_CHARACTERS = new RegExp(COPY_SPECIAL_CHARACTER.source, "g");
const COPY_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
};

function copyTextValue(value: CellValue): string {
  if (value === null) return "\\N";
  if (typeof value === "number") return String(value);
  // Nearly every value has nothing to escape; a test is far cheaper than a replace with a callback.
  if (!COPY_SPECIAL_CHARACTER.test(value)) return value;
  return value.replace(COPY_SPECIAL_CHARACTERS, (character) => COPY_ESCAPES[character] ?? character);
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
