/**
 * A quick measurement (not the benchmark, which lives in bench/): how many rows a second the ingest
 * loads from the real West Mercia 2025 street files (in the demo monthly archives), into the
 * database named by DATABASE_URL (a fresh temporary SQLite file when unset), against parsing the
 * same files without storing them. Run it on an otherwise idle machine.
 *
 *   npx tsx scripts/ingest-throughput.ts [path ...]
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { systemActor } from "../src/modules/audit/actor.js";
import { readPoliceCsvs } from "../src/modules/crime/archive.js";
import { ingestPath } from "../src/modules/crime/ingest.service.js";
import { parsePoliceCsv } from "../src/modules/crime/parse.js";
import { rootDir } from "../src/lib/paths.js";
import { loadReferenceData } from "../src/modules/crime/reference.js";

const archives = join(rootDir, "data", "demo", "police-uk");
const paths = process.argv.slice(2);
if (paths.length === 0) {
  for (let month = 1; month <= 12; month++)
    paths.push(join(archives, `2025-${String(month).padStart(2, "0")}.zip`));
}
const forceIds = ["west-mercia"];
const reference = await loadReferenceData();

let started = performance.now();
let parsedRows = 0;
for (const path of paths) {
  for await (const member of readPoliceCsvs(path, { forceIds })) {
    for await (const batch of parsePoliceCsv(member.stream, {
      file: member.file,
      forces: reference.forces,
    })) {
      parsedRows += batch.rows.length;
    }
  }
}
const parseSeconds = (performance.now() - started) / 1000;
console.log(
  `parse only: ${parsedRows} rows in ${parseSeconds.toFixed(2)} s = ${Math.round(parsedRows / parseSeconds)} rows/s`,
);

const temporaryFile = join(tmpdir(), `scrutineer-throughput-${process.pid}.sqlite`);
const url = process.env.DATABASE_URL ?? `sqlite:${temporaryFile}`;
const db = openDatabase(url);
await migrateToLatest(db);
for (const pass of ["empty database", "replacing the same months"]) {
  started = performance.now();
  let loadedRows = 0;
  for (const path of paths) {
    for await (const result of ingestPath(db, path, { reference, actor: systemActor, forceIds })) {
      if (result.status === "rejected") throw new Error(result.reason);
      loadedRows += result.rowsAccepted;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `ingest into ${db.dialect} (${pass}): ${loadedRows} rows in ${seconds.toFixed(2)} s = ${Math.round(loadedRows / seconds)} rows/s`,
  );
}
await db.destroy();
if (!process.env.DATABASE_URL)
  for (const suffix of ["", "-wal", "-shm"]) rmSync(temporaryFile + suffix, { force: true });
