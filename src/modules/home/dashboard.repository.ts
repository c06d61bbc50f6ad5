import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import type { DateRange } from "../../stats/periods.js";

/**
 * The measures with a figure for a force within a date range: the force-return measures with a value
 * there, and every data.police.uk measure when a file of the force for a month in the range is loaded.
 * Only these can have exceptions in the range, so the rest need not be read at all.
 */
export async function measureIdsWithFigures(
  db: Kysely<Database>,
  forceId: string,
  range: DateRange,
): Promise<string[]> {
  const [returned, loadedMonths] = await Promise.all([
    db
      .selectFrom("measure_values")
      .select("measure_id")
      .distinct()
      .where("area_type", "=", "force")
      .where("area_code", "=", forceId)
      .where("period_end", ">=", range.start)
      .where("period_start", "<=", range.end)
      .execute(),
    db
      .selectFrom("crime_ingests")
      .select("month")
      .where("force_id", "=", forceId)
      .where("month", ">=", range.start.slice(0, 7))
      .where("month", "<=", range.end.slice(0, 7))
      .limit(1)
      .execute(),
  ]);
  const policeUk =
    loadedMonths.length === 0
      ? []
      : await db.selectFrom("measures").select("id").where("query_json", "is not", null).execute();
  return [...returned.map((row) => row.measure_id), ...policeUk.map((row) => row.id)];
}
