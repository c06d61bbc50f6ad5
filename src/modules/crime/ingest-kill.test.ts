import { rootDir } from "../../lib/paths.js";
import { spawn } from "node:child_process";
import { sql } from "kysely";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDialect, useTestDatabase } from "../../../test/helpers/test-db.js";
import type { Db } from "../../db/database.js";
import { readPoliceCsvs } from "./archive.js";
import { loadReferenceData, type ReferenceData } from "./reference.js";
import { ingestFile, policeFixtures, removeTemporaryCsvs, writeTemporaryCsv } from "./test-support.js";

const database = useTestDatabase();
let reference: ReferenceData;
beforeAll(async () => {
  reference = await loadReferenceData();
});
afterAll(removeTemporaryCsvs);

/** The real West Mercia January 2025 street file, its rows repeated to make a file that takes a while to load. */
async function bigStreetFile(copies: number): Promise<{ path: string; rows: number }> {
  const archive = join(rootDir, "data", "demo", "police-uk", "2025-01.zip");
  let text = "";
  for await (const member of readPoliceCsvs(archive, { forceIds: ["west-mercia"] })) {
    for await (const chunk of member.stream) text += String(chunk);
  }
  const [header, ...lines] = text.trimEnd().split("\n");
  const body = lines.join("\n");
  const path = await writeTemporaryCsv(
    "2025-01-west-mercia-street.csv",
    `${header}\n${Array<string>(copies).fill(body).join("\n")}\n`,
  );
  return { path, rows: lines.length * copies };
}

/** Starts the ingest in another process and SIGKILLs it once its transaction holds some rows. */
function ingestAndKill(
  url: string,
  path: string,
): Promise<{ signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    // node with tsx's loader (what `npx tsx` runs) in this one process, so the kill reaches the ingest itself.
    const script = join(rootDir, "src", "modules", "crime", "ingest-kill.child.ts");
    const child = spawn(process.execPath, ["--import", "tsx", script, url, path], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("loading")) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => resolve({ signal, output }));
  });
}

async function streetState(db: Db) {
  const rows = await db.kysely
    .selectFrom("crime_street_crimes")
    .select((eb) => eb.fn.countAll<string | number>().as("n"))
    .where("force_id", "=", "west-mercia")
    .where("month", "=", "2025-01")
    .executeTakeFirstOrThrow();
  const counted = await db.kysely
    .selectFrom("crime_monthly_counts")
    .select((eb) => eb.fn.sum<string | number>("count").as("n"))
    .where("force_id", "=", "west-mercia")
    .where("month", "=", "2025-01")
    .executeTakeFirstOrThrow();
  const logged = await db.kysely
    .selectFrom("crime_ingests")
    .select("rows_accepted")
    .orderBy("id", "desc")
    .execute();
  return {
    rows: Number(rows.n),
    counted: Number(counted.n),
    lastLogged: logged[0]?.rows_accepted,
    logEntries: logged.length,
  };
}

describe("killing the process in the middle of an ingest", () => {
  it("leaves the old state or the new one, never a mix", { timeout: 120_000 }, async () => {
    const { db, url } = database.current();
    await ingestFile(db, reference, join(policeFixtures, "original", "2025-01-west-mercia-street.csv"));
    const old = await streetState(db);
    expect(old).toEqual({ rows: 6, counted: 6, lastLogged: 6, logEntries: 1 });

    const big = await bigStreetFile(25);
    const { signal, output } = await ingestAndKill(url, big.path);
    expect(output).toContain("loading");
    expect(output).not.toContain("loaded");
    expect(signal).toBe("SIGKILL");

    const after = await streetState(db);
    expect(after).toEqual(old);
    if (testDialect === "sqlite") {
      const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db.kysely);
      expect(check.rows).toEqual([{ integrity_check: "ok" }]);
    }
    // The force-month is not left locked: a new load goes through and replaces it.
    const reload = await ingestFile(
      db,
      reference,
      join(policeFixtures, "original", "2025-01-west-mercia-street.csv"),
    );
    expect(reload.status).toBe("loaded");
  });
});
