/**
 * The pages benchmark (issue 7): with the national-scale street data loaded (bench/national-input.ts),
 * how fast are the dashboard and public pages served? Target: under 150 ms at the 95th percentile
 * on SQLite and PostgreSQL; a quarterly report PDF under 3 s.
 *
 *   npm run bench:pages [-- --rows 5000000] [--source <police_uk_archive>] [--cache <folder>]
 *   BENCH_DATABASE_URL=postgres://… npm run bench:pages   (adds PostgreSQL, loaded afresh each run)
 *
 * The app is built in process (buildApp) and asked with Fastify's inject, one request at a time, so
 * the figures are the server's own time without a network or concurrency (bench/load.ts measures
 * those). The SQLite database is built once per input size and schema version, in the cache.
 * Prints figures; it asserts nothing.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "kysely";
import { buildApp } from "../src/app.js";
import { parseConfig } from "../src/config.js";
import { openDatabase, type Db } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { migrations } from "../src/db/migrations/index.js";
import type { Actor } from "../src/modules/audit/actor.js";
import { ingestPath } from "../src/modules/crime/ingest.service.js";
import { loadReferenceData } from "../src/modules/crime/reference.js";
import { ensureMeasureCatalogue } from "../src/modules/measures/measures.service.js";
import { createTestUser } from "../test/factories.js";
import { TestClient } from "../test/helpers/http.js";
import { nationalInput } from "./national-input.js";
import { benchOptions, machineLoad, percentile, timed } from "./support.js";

const PAGE_TARGET_MS = 150;
const DOCUMENT_TARGET_MS = 3_000;

interface Page {
  path: string;
  /** Asked by a signed-in OPCC user (dashboards, draft reports); otherwise by the public. */
  signedIn?: boolean;
  /** p95 target; pages default to PAGE_TARGET_MS. */
  targetMs?: number;
}

/** The pages timed, in order. Add a URL here to time it. */
const PAGES: Page[] = [
  { path: "/" },
  { path: "/", signedIn: true },
  { path: "/meetings" },
  { path: "/measures" },
  { path: "/measures/crimes.all" },
  { path: "/measures/outcomes.all-crime.charge-summons" },
  { path: "/peel-and-inspections" },
  { path: "/performance?measure=crimes.all&area=west-mercia", signedIn: true },
  { path: "/performance?measure=crimes.neighbourhood&area=west-mercia&crimeType=Burglary", signedIn: true },
  { path: "/publications" },
  { path: "/reports/quarterly/2025-26-q2", signedIn: true },
  { path: "/reports/quarterly/2025-26-q2.pdf", signedIn: true, targetMs: DOCUMENT_TARGET_MS },
];

/** Published, so that the public pages have series to show. */
const PUBLISHED_MEASURES = ["crimes.all", "crimes.neighbourhood", "outcomes.all-crime.charge-summons"];
const WARM_UP_RUNS = 3;
const TIMED_RUNS = 30;
/** Documents take seconds each: fewer runs. */
const TIMED_DOCUMENT_RUNS = 5;
const benchActor: Actor = { userId: null, label: "bench", ip: null };

interface PageFigures {
  page: Page;
  status: number;
  bytes: number;
  p50: number;
  p95: number;
}

async function main(): Promise<void> {
  const options = benchOptions();
  const reference = await loadReferenceData();
  const input = await nationalInput(options.source, options.cache, options.rows, [
    ...reference.forces.values(),
  ]);
  await mkdir(options.cache, { recursive: true });
  console.log(`Starting with ${machineLoad()}`);

  // Named after the input size and the latest migration, so a schema change builds a fresh file.
  const sqliteFile = join(
    options.cache,
    `pages-bench-${input.rows}-${Object.keys(migrations).at(-1)}.sqlite`,
  );
  if (!existsSync(sqliteFile)) {
    const partial = `${sqliteFile}.partial`;
    await rm(partial, { force: true });
    const db = openDatabase(`sqlite:${partial}`);
    await prepare(db, input.folder);
    await db.destroy();
    await rename(partial, sqliteFile);
  }
  const sqlite = openDatabase(`sqlite:${sqliteFile}`);
  const results = [{ dialect: "sqlite", figures: await timePages(sqlite) }];
  await sqlite.destroy();

  const postgresUrl = process.env.BENCH_DATABASE_URL;
  if (postgresUrl) {
    const schema = `bench_pages_${randomBytes(4).toString("hex")}`;
    const postgres = openDatabase(postgresUrl, { searchPath: schema });
    try {
      await sql`create schema ${sql.id(schema)}`.execute(postgres.kysely);
      await prepare(postgres, input.folder);
      await sql`vacuum analyze`.execute(postgres.kysely);
      results.push({ dialect: "postgres", figures: await timePages(postgres) });
    } finally {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(postgres.kysely);
      await postgres.destroy();
    }
  }

  console.log(
    `\nPages, ${input.rows.toLocaleString("en-GB")} street rows loaded; one request at a time, in process ` +
      `(target p95 < ${PAGE_TARGET_MS} ms, documents < ${DOCUMENT_TARGET_MS} ms); ${machineLoad()} at the end`,
  );
  for (const { dialect, figures } of results) {
    for (const { page, status, bytes, p50, p95 } of figures) {
      const target = page.targetMs ?? PAGE_TARGET_MS;
      console.log(
        `  ${dialect.padEnd(8)} ${`${page.path}${page.signedIn ? " (signed in)" : ""}`.padEnd(90)} ` +
          `${status} ${`${Math.round(bytes / 1024)} KB`.padStart(7)}  p50 ${p50.toFixed(1).padStart(7)} ms  ` +
          `p95 ${p95.toFixed(1).padStart(7)} ms  ${(p95 / target).toFixed(2)} × target`,
      );
    }
  }
  if (!postgresUrl) console.log("  postgres: skipped (set BENCH_DATABASE_URL to run it)");
}

/** Migrates, ingests the national input and publishes a few measures. */
async function prepare(db: Db, folder: string): Promise<void> {
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

async function timePages(db: Db): Promise<PageFigures[]> {
  const app = await buildApp({
    config: parseConfig({ LOG_LEVEL: "silent", LOAD_DEMO_DATA: "false" }),
    db,
  });
  try {
    const user = await createTestUser(db, { role: "opcc" });
    const signedIn = new TestClient(app);
    const signIn = await signedIn.signIn(user.email);
    if (signIn.statusCode !== 302) throw new Error(`signing in answered ${signIn.statusCode}`);
    const anonymous = new TestClient(app);
    const figures: PageFigures[] = [];
    for (const page of PAGES) {
      const client = page.signedIn ? signedIn : anonymous;
      const isDocument = (page.targetMs ?? PAGE_TARGET_MS) > PAGE_TARGET_MS;
      let last = await client.get(page.path);
      for (let i = 1; i < WARM_UP_RUNS; i++) await client.get(page.path);
      const times: number[] = [];
      for (let i = 0; i < (isDocument ? TIMED_DOCUMENT_RUNS : TIMED_RUNS); i++) {
        const started = process.hrtime.bigint();
        last = await client.get(page.path);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      times.sort((a, b) => a - b);
      figures.push({
        page,
        status: last.statusCode,
        bytes: last.rawPayload.length,
        p50: percentile(times, 0.5),
        p95: percentile(times, 0.95),
      });
      console.log(
        `  ${db.dialect}: ${page.path} ${last.statusCode} p95 ${figures.at(-1)?.p95.toFixed(1)} ms`,
      );
    }
    return figures;
  } finally {
    await app.close();
  }
}

await main();
