/**
 * The national-scale street input (bench/national-input.ts) loaded into a database the way the app would
 * hold it: migrated, ingested, the measures catalogue in place and a few measures published so the public
 * pages have series to show. Shared by the pages and load benchmarks.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "kysely";
import { openDatabase, type Db } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { migrations } from "../src/db/migrations/index.js";
import type { Actor } from "../src/modules/audit/actor.js";
import { ingestPath } from "../src/modules/crime/ingest.service.js";
import { loadReferenceData } from "../src/modules/crime/reference.js";
import { ensureMeasureCatalogue } from "../src/modules/measures/measures.service.js";
import type { NationalInput } from "./national-input.js";
import { timed } from "./support.js";

const benchActor: Actor = { userId: null, label: "bench", ip: null };
/** Published, so that the public pages and API have series to show. */
export const PUBLISHED_MEASURES = ["crimes.all", "crimes.neighbourhood", "outcomes.all-crime.charge-summons"];

/**
 * An SQLite file holding the input, built once per input size and schema version under `cache` (a schema
 * change builds a fresh file), and shared by the benchmarks.
 */
export async function nationalSqliteFile(cache: string, input: NationalInput): Promise<string> {
  await mkdir(cache, { recursive: true });
  const file = join(cache, `national-${input.rows}-${Object.keys(migrations).at(-1)}.sqlite`);
  if (!existsSync(file)) {
    const partial = `${file}.partial`;
    await rm(partial, { force: true });
    const db = openDatabase(`sqlite:${partial}`);
    await loadNationalData(db, input.folder);
    await db.destroy();
    await rename(partial, file);
  }
  return file;
}

/** Loads the input into a fresh PostgreSQL schema, runs `work` with it, and drops the schema. */
export async function withNationalPostgres<T>(
  url: string,
  name: string,
  input: NationalInput,
  work: (db: Db, schema: string) => Promise<T>,
): Promise<T> {
  const schema = `${name.replace(/\W/g, "_")}_${randomBytes(4).toString("hex")}`;
  const db = openDatabase(url, { searchPath: schema });
  try {
    await sql`create schema ${sql.id(schema)}`.execute(db.kysely);
    await loadNationalData(db, input.folder);
    await sql`vacuum analyze`.execute(db.kysely);
    return await work(db, schema);
  } finally {
    await sql`drop schema ${sql.id(schema)} cascade`.execute(db.kysely);
    await db.destroy();
  }
}

async function loadNationalData(db: Db, folder: string): Promise<void> {
  await migrateToLatest(db);
  const reference = await loadReferenceData();
  const ingest = await timed(async () => {
    let rows = 0;
    for await (const result of ingestPath(db, folder, { reference, actor: benchActor })) {
      if (result.status !== "loaded") throw new Error(`${result.file}: ${result.reason}`);
      rows += result.rowsAccepted;
    }
    return rows;
  });
  console.log(
    `${db.dialect}: ingested ${ingest.result.toLocaleString("en-GB")} street rows in ${ingest.seconds.toFixed(0)} s`,
  );
  await ensureMeasureCatalogue(db.kysely);
  await db.kysely
    .updateTable("measures")
    .set({ published: 1 })
    .where("id", "in", PUBLISHED_MEASURES)
    .execute();
}
