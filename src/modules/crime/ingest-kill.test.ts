import { rootDir } from "../../lib/paths.js";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectIntact, killDelays, runKillChild } from "../../../test/reliability/kill-harness.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
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
    // Killed once its transaction holds some rows.
    const { signal, output } = await runKillChild("crime-ingest", url, big.path, { onOutput: "working" });
    expect(output).toContain("working");
    expect(output).not.toContain("done");
    expect(signal).toBe("SIGKILL");

    const after = await streetState(db);
    expect(after).toEqual(old);
    await expectIntact(db);
    // The force-month is not left locked: a new load goes through and replaces it.
    const reload = await ingestFile(
      db,
      reference,
      join(policeFixtures, "original", "2025-01-west-mercia-street.csv"),
    );
    expect(reload.status).toBe("loaded");
  });

  it(
    "leaves the old state or the new one when killed at 20 random moments",
    { timeout: 600_000 },
    async () => {
      const { db, url } = database.current();
      const big = await bigStreetFile(10);
      // An unkilled run says how long the work takes, so the kills fall before, inside and after it.
      const calibration = await runKillChild("crime-ingest", url, big.path, "never");
      expect(calibration.code).toBe(0);
      const spanMs = Math.max(50, (calibration.workMs ?? 0) * 1.5);
      const outcomes = { old: 0, new: 0 };
      for (const delay of killDelays(20, spanMs, 3)) {
        const before = await streetState(db);
        await runKillChild("crime-ingest", url, big.path, { afterReadyMs: delay });
        await expectIntact(db);
        const after = await streetState(db);
        const whole = {
          rows: big.rows,
          counted: big.rows,
          lastLogged: big.rows,
          logEntries: before.logEntries + 1,
        };
        expect([before, whole]).toContainEqual(after);
        outcomes[after.logEntries === before.logEntries ? "old" : "new"]++;
      }
      expect(outcomes.old).toBeGreaterThan(0);
    },
  );
});
