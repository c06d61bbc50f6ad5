/**
 * Runs a job of kill-child.ts in another process and SIGKILLs it at a chosen moment: when it
 * prints a word, or a delay after it says "ready". Shared by every kill test.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { sql } from "kysely";
import { expect } from "vitest";
import type { Db } from "../../src/db/database.js";
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

export function runKillChild(job: KillJob, url: string, file: string, kill: KillMoment): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    // node with tsx's loader (what `npx tsx` runs) in this one process, so the kill reaches the work itself.
    const script = join(rootDir, "test", "reliability", "kill-child.ts");
    const child = spawn(process.execPath, ["--import", "tsx", script, job, url, file], {
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
