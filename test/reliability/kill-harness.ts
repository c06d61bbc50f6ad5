/**
 * Runs a job of kill-child.ts in another process and SIGKILLs it at a chosen moment: when it
 * prints a word, or a delay after it says "ready". Shared by every kill test.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { sql } from "kysely";
import pg from "pg";
import { expect } from "vitest";
import { dialectOf, type Db } from "../../src/db/database.js";
import { rootDir } from "../../src/lib/paths.js";
import type { KillJob } from "./kill-child.js";

export type KillMoment = { onOutput: string } | { afterReadyMs: number } | "never";

export interface ChildRun {
  signal: NodeJS.Signals | null;
  code: number | null;
  output: string;
  /** From "ready" to "done" when the child finished. */
  workMs: number | null;
}

let bundled: Promise<string> | undefined;

/**
 * kill-child.ts and the app code it runs, compiled once per test process by esbuild (the compiler tsx uses) into
 * one plain script: a child then starts in about 0.5 s instead of 2 s under tsx's loader, which counts when
 * each job starts 20 times per database. The file sits under the repository so its packages resolve; one per
 * test process (files of a process share it), and those of processes that have ended are removed.
 */
function killChildScript(): Promise<string> {
  bundled ??= (async () => {
    const folder = join(rootDir, "node_modules", ".cache", "scrutineer");
    mkdirSync(folder, { recursive: true });
    for (const name of readdirSync(folder)) {
      const pid = /^kill-child-(\d+)\.mjs$/.exec(name)?.[1];
      if (pid !== undefined && !isRunning(Number(pid))) rmSync(join(folder, name), { force: true });
    }
    const script = join(folder, `kill-child-${process.pid}.mjs`);
    await build({
      entryPoints: [join(rootDir, "test", "reliability", "kill-child.ts")],
      outfile: script,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "error",
    });
    return script;
  })();
  return bundled;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function runKillChild(
  job: KillJob,
  url: string,
  file: string,
  kill: KillMoment,
): Promise<ChildRun> {
  const script = await killChildScript();
  const postgres = dialectOf(url) === "postgres";
  const name = `scrutineer-kill-${process.pid}-${++childrenStarted}`;
  const childUrl = postgres ? withApplicationName(url, name) : url;
  const run = await new Promise<ChildRun>((resolve, reject) => {
    // A plain node process running the work itself, so the kill reaches it (no wrapper in between).
    const child = spawn(process.execPath, [script, job, childUrl, file], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    let readyAt: number | null = null;
    let doneAt: number | null = null;
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (readyAt === null && output.includes("ready")) {
        readyAt = performance.now();
        if (typeof kill === "object" && "afterReadyMs" in kill)
          setTimeout(() => child.kill("SIGKILL"), kill.afterReadyMs);
      }
      if (doneAt === null && output.includes("done")) doneAt = performance.now();
      if (typeof kill === "object" && "onOutput" in kill && output.includes(kill.onOutput))
        child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      resolve({
        signal,
        code,
        output,
        workMs: readyAt !== null && doneAt !== null ? doneAt - readyAt : null,
      }),
    );
  });
  if (postgres) await untilBackendsEnd(url, name);
  return run;
}

let childrenStarted = 0;

function withApplicationName(url: string, name: string): string {
  const named = new URL(url);
  named.searchParams.set("application_name", name);
  return named.toString();
}

/**
 * A killed child's PostgreSQL backend lives on until it has dealt with what the child sent last: a COMMIT
 * already on the wire still lands after the child is gone. Wait for its backends to end, so the state read
 * next is final.
 */
async function untilBackendsEnd(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let waited = 0; ; waited += 20) {
      const { rows } = await client.query<{ n: string }>(
        "select count(*) as n from pg_stat_activity where application_name = $1",
        [name],
      );
      if (Number(rows[0]?.n) === 0) return;
      if (waited > 10_000) throw new Error(`the backends of ${name} are still running after 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await client.end();
  }
}

/** Kill moments spread over `spanMs` after "ready", from a fixed seed so a failure can be replayed. */
export function killDelays(count: number, spanMs: number, seed = 8): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.round(unit * spanMs);
  });
}

/** SQLite's own check of its file; PostgreSQL keeps its files consistent through its write-ahead log. */
export async function expectIntact(db: Db): Promise<void> {
  if (db.dialect !== "sqlite") return;
  const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db.kysely);
  expect(check.rows).toEqual([{ integrity_check: "ok" }]);
}

/** Rows per table, to tell "nothing changed" and "the whole unit landed" apart from anything in between. */
export async function countTables(db: Db, tables: readonly string[]): Promise<number[]> {
  const counts: number[] = [];
  for (const table of tables) {
    const row = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}`.execute(
      db.kysely,
    );
    counts.push(Number(row.rows[0]?.n));
  }
  return counts;
}
