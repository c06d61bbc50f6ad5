import { join } from "node:path";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { up as createRollups } from "../../db/migrations/0010-crime-rollups.js";
import { rootDir } from "../../lib/paths.js";
import { systemActor } from "../audit/actor.js";
import { ingestPath } from "./ingest.service.js";
import { loadReferenceData } from "./reference.js";
import { snapshotCrimeData } from "./test-support.js";

const database = useTestDatabase();
const ROLLUPS = ["crime_lsoa_counts", "crime_type_counts", "crime_outcome_counts"] as const;

beforeAll(async () => {
  const reference = await loadReferenceData();
  for (const month of ["2025-01", "2025-02"]) {
    const archive = join(rootDir, "data", "demo", "police-uk", `${month}.zip`);
    for await (const result of ingestPath(database.current().db, archive, {
      reference,
      actor: systemActor,
      forceIds: ["west-mercia", "norfolk"],
    })) {
      expect(result.status).toBe("loaded");
    }
  }
}, 120_000);

describe("crime rollups", () => {
  it("count every street crime once, by force-month, LSOA and crime type", async () => {
    const { kysely } = database.current().db;
    const raw = await kysely
      .selectFrom("crime_street_crimes")
      .select((eb) => [
        "force_id",
        "month",
        "lsoa_code",
        "crime_type_id",
        eb.fn.countAll<string | number>().as("n"),
      ])
      .groupBy(["force_id", "month", "lsoa_code", "crime_type_id"])
      .execute();
    const rolled = await kysely.selectFrom("crime_lsoa_counts").selectAll().execute();
    const asLines = (
      rows: { force_id: string; month: string; lsoa_code: string | null; crime_type_id: number }[],
      count: (i: number) => number,
    ) =>
      rows
        .map((row, i) => `${row.force_id}|${row.month}|${row.lsoa_code}|${row.crime_type_id}|${count(i)}`)
        .sort();
    expect(raw.length).toBeGreaterThan(1000);
    expect(asLines(rolled, (i) => Number(rolled[i]?.count))).toEqual(asLines(raw, (i) => Number(raw[i]?.n)));

    const totals = async (table: (typeof ROLLUPS)[number] | "crime_monthly_counts") =>
      Number(
        (
          await kysely
            .selectFrom(table)
            .select((eb) => eb.fn.sum<string | number>("count").as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const rawTotal = (
      await kysely
        .selectFrom("crime_street_crimes")
        .select((eb) => eb.fn.countAll<string | number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n;
    for (const table of [...ROLLUPS, "crime_monthly_counts"] as const)
      expect(await totals(table)).toBe(Number(rawTotal));
  });

  it("are rebuilt from the loaded rows by the migration, as the ingest wrote them", async () => {
    const { db } = database.current();
    const before = await snapshotCrimeData(db);
    for (const table of ROLLUPS) await sql`drop table ${sql.id(table)}`.execute(db.kysely);
    await createRollups(db.kysely);
    const after = await snapshotCrimeData(db);
    for (const table of ROLLUPS) {
      expect(after[table]?.length).toBeGreaterThan(0);
      expect(after[table]).toEqual(before[table]);
    }
  });
});
