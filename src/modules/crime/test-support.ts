import { rootDir } from "../../lib/paths.js";
/**
 * Helpers for the crime module's tests (database snapshots, ingesting files by path). Kept out of
 * the test files so the ingest, counts, route and kill tests share one copy.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "../../db/database.js";
import { systemActor } from "../audit/actor.js";
import { ingestPoliceCsv, type IngestOptions, type IngestResult } from "./ingest.service.js";
import { type ReferenceData } from "./reference.js";

export const policeFixtures = join(rootDir, "test", "fixtures", "police-uk");

export function ingestFile(
  db: Db,
  reference: ReferenceData,
  path: string,
  options: Partial<IngestOptions> = {},
): Promise<IngestResult> {
  return ingestPoliceCsv(
    db,
    { file: path, stream: createReadStream(path) },
    { reference, actor: systemActor, ...options },
  );
}

const temporaryFolders: string[] = [];

/** Writes `text` as `name` in a fresh temporary folder and returns its path. */
export async function writeTemporaryCsv(name: string, text: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "scrutineer-crime-"));
  temporaryFolders.push(folder);
  const path = join(folder, name);
  await writeFile(path, text);
  return path;
}

/** Removes what writeTemporaryCsv wrote; for afterAll. */
export async function removeTemporaryCsvs(): Promise<void> {
  for (const folder of temporaryFolders.splice(0)) await rm(folder, { recursive: true, force: true });
}

const CRIME_DATA_TABLES = [
  "crime_forces",
  "crime_lsoas",
  "crime_types",
  "crime_outcome_categories",
  "crime_street_crimes",
  "crime_outcome_events",
  "crime_stop_searches",
  "crime_monthly_counts",
  "crime_lsoa_counts",
  "crime_type_counts",
  "crime_outcome_counts",
] as const;

/** Every row of the crime data tables, in a stable order, to compare whole states. */
export async function snapshotCrimeData(db: Db): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const table of CRIME_DATA_TABLES) {
    const rows = await db.kysely.selectFrom(table).selectAll().execute();
    snapshot[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return snapshot;
}

export async function countRows(db: Db, table: "crime_ingests" | "audit_log"): Promise<number> {
  const row = await db.kysely
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string | number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
