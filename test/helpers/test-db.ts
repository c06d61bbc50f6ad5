import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, type Db } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";

/** PostgreSQL when TEST_DATABASE_URL is set (CI runs the suite on both); otherwise an SQLite file. */
export const testDialect = process.env.TEST_DATABASE_URL ? "postgres" : "sqlite";

export interface TestDatabase {
  db: Db;
  /** A URL another process (the CLI, a second app) can open to reach the same data. */
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own: a temporary SQLite file, or a new schema in the test PostgreSQL. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const suffix = randomBytes(6).toString("hex");
  const postgresUrl = process.env.TEST_DATABASE_URL;
  if (postgresUrl) {
    const schema = `test_${suffix}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const db = openDatabase(postgresUrl, { searchPath: schema, poolSize: 4 });
    await migrateToLatest(db);
    const url = withSearchPath(postgresUrl, schema);
    return {
      db,
      url,
      drop: async () => {
        await db.destroy();
        const cleaner = openDatabase(postgresUrl, { poolSize: 1 });
        await sql`drop schema ${sql.id(schema)} cascade`.execute(cleaner.kysely);
        await cleaner.destroy();
      },
    };
  }
  const file = join(tmpdir(), `scrutineer-test-${suffix}.sqlite`);
  const url = `sqlite:${file}`;
  const db = openDatabase(url);
  await migrateToLatest(db);
  return {
    db,
    url,
    drop: async () => {
      await db.destroy();
      for (const extension of ["", "-wal", "-shm"]) rmSync(`${file}${extension}`, { force: true });
    },
  };
}

/** libpq's `options` parameter in the URL sets the search path for any client that opens it (pg, pg_dump). */
export function withSearchPath(url: string, schema: string): string {
  // Percent-encoded by hand: libpq does not read "+" as a space, as URLSearchParams would write it.
  const separator = url.includes("?") ? "&" : "?";
  return `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** Gives the test file one fresh database, created before its tests and dropped after them. */
export function useTestDatabase(): { current: () => TestDatabase } {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    current: () => {
      if (!database) throw new Error("The test database is created in beforeAll; use it inside a test");
      return database;
    },
  };
}
