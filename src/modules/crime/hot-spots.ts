/**
 * Hot spots: the LSOAs of a force with the most street crimes of one type in a period, with their
 * count in a comparison period (usually the same months a year before) and their share of the
 * force's total — what a hot-spot operation is planned from. Read from the LSOA and crime type
 * rollups the ingest maintains, never the raw rows.
 */
import { sql } from "kysely";
import type { Executor } from "./crime.repository.js";

export interface HotSpotsQuery {
  /** data.police.uk force id. */
  forceId: string;
  /** data.police.uk crime type label, e.g. "Burglary". */
  crimeType: string;
  /** `YYYY-MM` months of the period shown. */
  months: string[];
  /** `YYYY-MM` months it is compared with. */
  previousMonths: string[];
  limit: number;
}

export interface HotSpot {
  lsoaCode: string;
  lsoaName: string | null;
  /** ONS LAD23 code, or null when the LSOA's name does not resolve to a current local authority. */
  localAuthorityCode: string | null;
  count: number;
  previousCount: number;
  /** This LSOA's crimes as a proportion (0–1) of all the force's crimes of the type in the months, "No Location" ones included. */
  shareOfForce: number;
}

/** The `limit` LSOAs with the most crimes in `months` (at least one), most first, then by LSOA code. */
export async function hotSpots(db: Executor, q: HotSpotsQuery): Promise<HotSpot[]> {
  if (q.months.length === 0 || q.limit <= 0) return [];
  const crimeType = await db
    .selectFrom("crime_types")
    .select("id")
    .where("label", "=", q.crimeType)
    .executeTakeFirst();
  if (crimeType === undefined) return [];
  const forceTotal = await db
    .selectFrom("crime_type_counts")
    .select((eb) => eb.fn.sum<string | number | null>("count").as("total"))
    .where("force_id", "=", q.forceId)
    .where("crime_type_id", "=", crimeType.id)
    .where("month", "in", q.months)
    .executeTakeFirstOrThrow();
  const total = Number(forceTotal.total ?? 0);
  const inPeriod = (months: readonly string[]) =>
    months.length === 0
      ? sql<number>`0`
      : sql<number>`case when c.month in (${sql.join(months)}) then c.count else 0 end`;
  const rows = await db
    .selectFrom("crime_lsoa_counts as c")
    .leftJoin("crime_lsoas as l", "l.code", "c.lsoa_code")
    .select((eb) => [
      "c.lsoa_code",
      "l.name",
      "l.local_authority_code",
      eb.fn.sum<string | number>(inPeriod(q.months)).as("count"),
      eb.fn.sum<string | number>(inPeriod(q.previousMonths)).as("previous_count"),
    ])
    .where("c.force_id", "=", q.forceId)
    .where("c.crime_type_id", "=", crimeType.id)
    .where("c.month", "in", [...q.months, ...q.previousMonths])
    .where("c.lsoa_code", "is not", null)
    .groupBy(["c.lsoa_code", "l.name", "l.local_authority_code"])
    .having((eb) => eb.fn.sum(inPeriod(q.months)), ">", 0)
    .orderBy("count", "desc")
    .orderBy("c.lsoa_code")
    .limit(q.limit)
    .$narrowType<{ lsoa_code: string }>()
    .execute();
  return rows.map((row) => {
    const count = Number(row.count);
    return {
      lsoaCode: row.lsoa_code,
      lsoaName: row.name,
      localAuthorityCode: row.local_authority_code,
      count,
      previousCount: Number(row.previous_count),
      shareOfForce: total === 0 ? 0 : count / total,
    };
  });
}
