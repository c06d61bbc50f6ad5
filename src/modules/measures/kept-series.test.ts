import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { openDatabase, type Db } from "../../db/database.js";
import { nowIso } from "../../lib/time.js";
import { msgPeerIds } from "../crime/msg-groups.service.js";
import { loadReferenceData } from "../crime/reference.js";
import { ingestFile, policeFixtures } from "../crime/test-support.js";
import { findMeasure, insertAnnotation } from "./measures.repository.js";
import { ensureMeasureCatalogue, measureSeries, type MeasureSeriesView } from "./measures.service.js";

// Real data.police.uk files (Open Government Licence v3.0), see test/fixtures/police-uk/README.md.
const january = join(policeFixtures, "original", "2025-01-west-mercia-street.csv");
const may = join(policeFixtures, "original", "2025-05-west-mercia-street.csv");

const database = useTestDatabase();
const db = () => database.current().db;

beforeAll(async () => {
  const result = await ingestFile(db(), await loadReferenceData(), january);
  expect(result.status).toBe("loaded");
  await ensureMeasureCatalogue(db().kysely);
});

async function seriesOf(measureId: string, executor: Db["kysely"] = db().kysely) {
  const measure = await findMeasure(executor, measureId);
  if (!measure) throw new Error(`no measure ${measureId}`);
  return measureSeries(executor, measure, { area: "west-mercia" });
}

/** The forces a series is compared with, whether in the comparison or left out of it for want of data. */
const comparedForces = ({ msg }: MeasureSeriesView) =>
  msg.comparison ? [...msg.comparison.forces, ...msg.comparison.excluded].map((force) => force.forceId) : [];

/** Another connection, as another app process or the CLI holds, with the kept series of its own. */
async function withOtherConnection(work: (other: Db) => Promise<void>): Promise<void> {
  const other = openDatabase(database.current().url, { poolSize: 1 });
  try {
    await work(other);
  } finally {
    await other.destroy();
  }
}

describe("a measure's series, kept while its figures are unchanged", () => {
  it("is served again as it was, and cannot be changed by whoever is served it", async () => {
    const first = await seriesOf("crimes.all");
    expect(first.points.map((point) => point.period)).toEqual(["2025-01"]);
    expect(await seriesOf("crimes.all")).toBe(first);
    expect(() => (first.points as unknown[]).push({})).toThrow(TypeError);
    expect(() => {
      (first.points[0] as { value: number }).value = 0;
    }).toThrow(TypeError);
  });

  it("is worked out again after a change to anything it is read from, by this process or another", async () => {
    // A file loaded: a new month.
    const before = await seriesOf("crimes.all");
    expect((await ingestFile(db(), await loadReferenceData(), may)).status).toBe("loaded");
    expect((await seriesOf("crimes.all")).points.map((point) => point.period)).toEqual([
      "2025-01",
      "2025-05",
    ]);
    expect(before.points).toHaveLength(1);

    await withOtherConnection(async (other) => {
      // A note added elsewhere.
      await insertAnnotation(other.kysely, {
        measure_id: "crimes.all",
        date: "2025-03-01",
        text: "Added by another process",
        rebase: 0,
        created_by: "test",
        created_at: nowIso(),
      });
      expect((await seriesOf("crimes.all")).annotations.map((note) => note.text)).toEqual([
        "Added by another process",
      ]);

      // A value given for a force-return measure, in plain SQL.
      const returned = (await ensureReturnMeasure()).id;
      expect((await seriesOf(returned)).points).toEqual([]);
      await other.kysely
        .insertInto("measure_values")
        .values(valueOf(returned, "west-mercia", 163))
        .execute();
      expect((await seriesOf(returned)).points.map((point) => point.value)).toEqual([81.5]);

      // The Most Similar Group: its name, then its members.
      await other.kysely
        .updateTable("msg_groups")
        .set({ name: "Renamed elsewhere" })
        .where("force_id", "=", "west-mercia")
        .execute();
      expect((await seriesOf("crimes.all")).msgGroup).toBe("Renamed elsewhere");
      const member = [...(await msgPeerIds(other.kysely, "west-mercia"))!.forceIds].find(
        (id) => id !== "west-mercia",
      )!;
      await other.kysely
        .insertInto("measure_values")
        .values(valueOf(returned, member, 150))
        .execute();
      expect(comparedForces(await seriesOf(returned))).toContain(member);
      await other.kysely.deleteFrom("msg_group_members").where("force_id", "=", member).execute();
      expect(comparedForces(await seriesOf(returned))).not.toContain(member);

      // Which outcomes count as charge/summons.
      const charged = async () => (await seriesOf("outcomes.all-crime.charge-summons")).points[0]!.numerator;
      const chargedBefore = await charged();
      await other.kysely
        .updateTable("crime_outcome_categories")
        .set({ outcome_group: "charge_summons" })
        .where("label", "=", "Investigation complete; no suspect identified")
        .execute();
      expect(await charged()).toBeGreaterThan(chargedBefore!);
    });
  });

  it("is neither served nor kept inside a transaction, which sees its own changes", async () => {
    const committed = await seriesOf("crimes.all");
    const rolledBack = new Error("roll back");
    const outcome = await db()
      .kysely.transaction()
      .execute(async (trx) => {
        await insertAnnotation(trx, {
          measure_id: "crimes.all",
          date: "2025-04-01",
          text: "Never committed",
          rebase: 0,
          created_by: "test",
          created_at: nowIso(),
        });
        const measure = (await findMeasure(trx, "crimes.all"))!;
        const seen = await measureSeries(trx, measure, { area: "west-mercia" });
        expect(seen.annotations.map((note) => note.text)).toContain("Never committed");
        throw rolledBack;
      })
      .catch((error: unknown) => error);
    expect(outcome).toBe(rolledBack);
    const after = await seriesOf("crimes.all");
    expect(after.annotations.map((note) => note.text)).not.toContain("Never committed");
    expect(after.annotations).toEqual(committed.annotations);
  });
});

/** A force's share for January 2025, out of 200, as a return gives it. */
function valueOf(measureId: string, forceId: string, numerator: number) {
  return {
    measure_id: measureId,
    period: "2025-01",
    period_start: "2025-01-01",
    period_end: "2025-01-31",
    area_type: "force" as const,
    area_code: forceId,
    value: (numerator / 200) * 100,
    numerator,
    denominator: 200,
    note: null,
    import_id: null,
    created_at: nowIso(),
    updated_at: nowIso(),
  };
}

/** A monthly percentage whose values come from the force's return, with none yet for West Mercia. */
async function ensureReturnMeasure() {
  return db()
    .kysely.selectFrom("measures")
    .selectAll()
    .where("source", "=", "force return")
    .where("unit", "=", "%")
    .where("frequency", "=", "monthly")
    .orderBy("id")
    .executeTakeFirstOrThrow();
}
