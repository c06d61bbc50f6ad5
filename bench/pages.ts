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
 * Before each timed request it asks for /healthz (one row read): a reference run, the least a request
 * costs at that moment, and each page's p50 is printed as a multiple of it.
 * Prints figures; it asserts nothing.
 */
import { buildApp } from "../src/app.js";
import { parseConfig } from "../src/config.js";
import { openDatabase, type Db } from "../src/db/database.js";
import { loadReferenceData } from "../src/modules/crime/reference.js";
import { createTestUser } from "../test/factories.js";
import { TestClient } from "../test/helpers/http.js";
import { nationalSqliteFile, withNationalPostgres } from "./national-data.js";
import { nationalInput } from "./national-input.js";
import { benchOptions, machineLoad, percentile, timedAgainstReference } from "./support.js";

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

const WARM_UP_RUNS = 3;
const TIMED_RUNS = 30;
/** Documents take seconds each: fewer runs. */
const TIMED_DOCUMENT_RUNS = 5;

interface PageFigures {
  page: Page;
  status: number;
  bytes: number;
  /** The first request, before any chart drawing is kept (src/lib/charts.ts). */
  firstMs: number;
  p50: number;
  p95: number;
  /** /healthz, asked just before each timed request. */
  referenceP50: number;
}

async function main(): Promise<void> {
  const options = benchOptions();
  const reference = await loadReferenceData();
  const input = await nationalInput(options.source, options.cache, options.rows, [
    ...reference.forces.values(),
  ]);
  console.log(`Starting with ${machineLoad()}`);

  const sqlite = openDatabase(`sqlite:${await nationalSqliteFile(options.cache, input)}`);
  const results = [{ dialect: "sqlite", figures: await timePages(sqlite) }];
  await sqlite.destroy();

  const postgresUrl = process.env.BENCH_DATABASE_URL;
  if (postgresUrl) {
    const figures = await withNationalPostgres(postgresUrl, "bench_pages", input, (db) => timePages(db));
    results.push({ dialect: "postgres", figures });
  }

  console.log(
    `\nPages, ${input.rows.toLocaleString("en-GB")} street rows loaded; one request at a time, in process ` +
      `(target p95 < ${PAGE_TARGET_MS} ms, documents < ${DOCUMENT_TARGET_MS} ms); ${machineLoad()} at the end`,
  );
  for (const { dialect, figures } of results) {
    for (const { page, status, bytes, firstMs, p50, p95, referenceP50 } of figures) {
      const target = page.targetMs ?? PAGE_TARGET_MS;
      console.log(
        `  ${dialect.padEnd(8)} ${`${page.path}${page.signedIn ? " (signed in)" : ""}`.padEnd(90)} ` +
          `${status} ${`${Math.round(bytes / 1024)} KB`.padStart(7)}  first ${firstMs.toFixed(0).padStart(5)} ms  p50 ${p50.toFixed(1).padStart(7)} ms  ` +
          `p95 ${p95.toFixed(1).padStart(7)} ms  ${(p95 / target).toFixed(2)} × target  ` +
          `p50 ${(p50 / referenceP50).toFixed(1).padStart(6)} × /healthz (${referenceP50.toFixed(2)} ms)`,
      );
    }
  }
  if (!postgresUrl) console.log("  postgres: skipped (set BENCH_DATABASE_URL to run it)");
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
      const first = process.hrtime.bigint();
      await client.get(page.path);
      const firstMs = Number(process.hrtime.bigint() - first) / 1e6;
      for (let i = 1; i < WARM_UP_RUNS; i++) await client.get(page.path);
      // The reference, just before each request: the health check (one row read), the least a request costs.
      const { times, referenceTimes, last } = await timedAgainstReference(
        isDocument ? TIMED_DOCUMENT_RUNS : TIMED_RUNS,
        () => anonymous.get("/healthz"),
        () => client.get(page.path),
      );
      figures.push({
        page,
        status: last.statusCode,
        bytes: last.rawPayload.length,
        firstMs,
        p50: percentile(times, 0.5),
        p95: percentile(times, 0.95),
        referenceP50: percentile(referenceTimes, 0.5),
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
