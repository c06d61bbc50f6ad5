/**
 * The load benchmark (issue 8): 200 concurrent clients for 60 s against Scrutineer running as its
 * own process on localhost, over a mix of public pages, signed-in dashboard pages and API reads,
 * with the national-scale street data loaded; on SQLite and (with BENCH_DATABASE_URL) PostgreSQL.
 * The target: no errors, 99th percentile under 500 ms. The app runs as deployed: one web process per core
 * (WEB_PROCESSES), unless --processes says otherwise.
 *
 * A server that has just started is slower than one that has run for a while (V8 compiles the code that
 * runs most, caches fill): in one SQLite run, the requests answered in each 5 s rose from 2,100 in the
 * first to 4,300 by the fifth, and in three others the 60 s after 30 s of load served 10-32% more a second.
 * So the same clients first warm the server up for --warm-up seconds, and the 60 s are timed after that,
 * on new connections. The warm-up's figures are printed too: they are what a server under this load
 * gives in the first seconds after it starts. Between the two, the same clients ask for /healthz alone
 * (one row read) for 10 s: a reference run, the least a request costs on this machine at that moment,
 * and the timed figures are printed as ratios to it, since the machine's speed moves between runs.
 *
 *   npm run bench:load [-- --duration 60] [--warm-up 30] [--connections 200] [--processes N] [--rows 5000000] [--source …] [--cache …]
 *   BENCH_DATABASE_URL=postgres://… npm run bench:load
 *
 * The data is the national input of bench/national-input.ts (real 2025 street rows spread over all
 * 44 forces), ingested once into an SQLite file in the cache, and into a fresh schema on PostgreSQL
 * each run. Prints figures; it asserts nothing.
 */
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { openDatabase } from "../src/db/database.js";
import { loadReferenceData } from "../src/modules/crime/reference.js";
import { createTestUser } from "../test/factories.js";
import { withSearchPath } from "../test/helpers/test-db.js";
import { signInOverHttp, startAppProcess } from "../test/multiprocess/app-process.js";
import { nationalSqliteFile, PUBLISHED_MEASURES, withNationalPostgres } from "./national-data.js";
import { nationalInput } from "./national-input.js";
import { benchOptions, machineLoad } from "./support.js";

const TARGET_P99_MS = 500;
/** How long the same clients ask for /healthz alone, between the warm-up and the timed run. */
const REFERENCE_SECONDS = 10;

interface LoadFigures {
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "60" },
      "warm-up": { type: "string", default: "30" },
      connections: { type: "string", default: "200" },
      processes: { type: "string", default: String(availableParallelism()) },
      source: { type: "string" },
      cache: { type: "string" },
      rows: { type: "string" },
    },
  });
  const duration = Number(values.duration);
  const warmUp = Number(values["warm-up"]);
  const connections = Number(values.connections);
  const processes = Number(values.processes);
  if (!(duration > 0) || [connections, processes].some((n) => !Number.isInteger(n) || n < 1))
    throw new Error("--duration (seconds), --connections and --processes must be positive numbers");
  if (!(warmUp >= 0)) throw new Error("--warm-up must be a number of seconds, 0 for none");
  const options = benchOptions(
    (["source", "cache", "rows"] as const).flatMap((name) =>
      values[name] === undefined ? [] : [`--${name}`, values[name]],
    ),
  );
  const reference = await loadReferenceData();
  const input = await nationalInput(options.source, options.cache, options.rows, [
    ...reference.forces.values(),
  ]);
  const settings = {
    duration,
    warmUp,
    connections,
    processes,
    uploads: join(options.cache, "load-bench-uploads"),
  };
  const sqliteFile = await nationalSqliteFile(options.cache, input);
  const results = [await runLoad(`sqlite:${sqliteFile}`, "sqlite", settings)];

  const postgresUrl = process.env.BENCH_DATABASE_URL;
  if (postgresUrl) {
    results.push(
      await withNationalPostgres(postgresUrl, "bench_load", input, (_db, schema) =>
        runLoad(withSearchPath(postgresUrl, schema), "postgres", settings),
      ),
    );
  }

  console.log(
    `\nLoad: ${connections} clients for ${duration} s against ${processes} web process(es), after ` +
      `${warmUp} s of warm-up, ${input.rows.toLocaleString("en-GB")} street rows loaded ` +
      `(target: no errors, p99 < ${TARGET_P99_MS} ms); ${machineLoad()}`,
  );
  for (const { dialect, warmUp: cold, reference, timed } of results) {
    if (cold) console.log(`  ${dialect.padEnd(8)} warm-up, from the start: ${describe(cold)}`);
    console.log(`  ${dialect.padEnd(8)} reference, /healthz alone: ${describe(reference)}`);
    console.log(`  ${dialect.padEnd(8)} timed${cold ? ", after the warm-up" : ""}: ${describe(timed)}`);
    console.log(
      `  ${dialect.padEnd(8)} timed ÷ reference: requests/s ${(timed.requestsPerSecond / reference.requestsPerSecond).toFixed(2)}, ` +
        `p99 ${(timed.p99 / reference.p99).toFixed(1)}`,
    );
  }
  if (!postgresUrl) console.log("  postgres: skipped (set BENCH_DATABASE_URL to run it)");
}

function describe(f: LoadFigures): string {
  return (
    `${Math.round(f.requestsPerSecond).toLocaleString("en-GB")} requests/s ` +
    `(${f.requests.toLocaleString("en-GB")} in all); latency p50 ${f.p50} ms, p90 ${f.p90} ms, ` +
    `p99 ${f.p99} ms, max ${f.max} ms; errors ${f.errors} (timeouts ${f.timeouts}), non-2xx ${f.non2xx}`
  );
}

interface LoadSettings {
  duration: number;
  /** Seconds of the same load before the timed run; 0 for none. */
  warmUp: number;
  connections: number;
  processes: number;
  /** Where the app may keep uploads (none are made). */
  uploads: string;
}

async function runLoad(
  url: string,
  dialect: string,
  settings: LoadSettings,
): Promise<{ dialect: string; warmUp: LoadFigures | null; reference: LoadFigures; timed: LoadFigures }> {
  const { duration, warmUp, connections } = settings;
  const db = openDatabase(url, { poolSize: 1 });
  const user = await createTestUser(db, { role: "opcc" });
  await db.destroy();
  const app = await startAppProcess({
    DATABASE_URL: url,
    SESSION_SECRET: randomBytes(24).toString("hex"),
    LOAD_DEMO_DATA: "false",
    UPLOAD_DIR: settings.uploads,
    WEB_PROCESSES: String(settings.processes),
  });
  try {
    const cookie = await signInOverHttp(app.baseUrl, user.email);
    const signedIn = { cookie };
    const series = (id: string) => `/api/measures/${encodeURIComponent(id)}/series?area=west-mercia`;
    // Each client goes round this list: public pages, the signed-in dashboards, and API reads.
    const requests: { path: string; headers?: Record<string, string> }[] = [
      { path: "/" },
      { path: "/meetings" },
      { path: "/measures" },
      { path: `/measures/${PUBLISHED_MEASURES[0]}` },
      { path: "/", headers: signedIn },
      { path: "/actions", headers: signedIn },
      { path: "/measures", headers: signedIn },
      { path: "/api/measures" },
      { path: series(PUBLISHED_MEASURES[0]!) },
      { path: series(PUBLISHED_MEASURES[2]!) },
      { path: "/api/measures", headers: signedIn },
      { path: series(PUBLISHED_MEASURES[1]!), headers: signedIn },
    ];
    // Each request once, unloaded: all must answer 200, and their times show where a slow mix comes from.
    const single: string[] = [];
    for (const request of requests) {
      const started = performance.now();
      const response = await fetch(`${app.baseUrl}${request.path}`, {
        headers: request.headers ?? {},
        redirect: "manual",
      });
      await response.arrayBuffer();
      if (response.status !== 200)
        throw new Error(`${request.path} answered ${response.status} before the load`);
      single.push(
        `${request.path}${request.headers ? " (signed in)" : ""} ${Math.round(performance.now() - started)} ms`,
      );
    }
    console.log(`${dialect}: one request each, before the load: ${single.join("; ")}`);
    const load = async (
      seconds: number,
      what: string,
      mix: { path: string; headers?: Record<string, string> }[],
    ): Promise<LoadFigures> => {
      console.log(`${dialect}: ${what}: ${connections} clients for ${seconds} s against ${app.baseUrl} ...`);
      const result = await autocannon({
        url: app.baseUrl,
        connections,
        duration: seconds,
        requests: mix,
        timeout: 10,
      });
      const figures = figuresOf(result);
      console.log(`${dialect}: ${what}: ${JSON.stringify(figures)}`);
      return figures;
    };
    const cold = warmUp > 0 ? await load(warmUp, "warm-up", requests) : null;
    // The reference: the same clients on the health check (one row read), the least a request costs here.
    const reference = await load(REFERENCE_SECONDS, "reference", [{ path: "/healthz" }]);
    return { dialect, warmUp: cold, reference, timed: await load(duration, "timed", requests) };
  } finally {
    // Whatever the server still holds from the load is of no interest now.
    await app.stop("SIGKILL");
  }
}

function figuresOf(result: autocannon.Result): LoadFigures {
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

await main();
