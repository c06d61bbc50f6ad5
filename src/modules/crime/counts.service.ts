/**
 * Street crime counts for one or more forces over a range of months, grouped by the dimensions
 * asked for, read from the monthly aggregates the ingest maintains. Labels are data.police.uk's
 * (force ids, crime types, outcome categories) and ONS's (local authority names).
 */
import { z } from "zod";
import type { Db } from "../../db/database.js";
import { AppError } from "../../lib/errors.js";
import { labelsById, sumMonthlyCounts, type MonthlyCountGroup } from "./crime.repository.js";
import type { ReferenceData } from "./reference.js";

export const COUNT_DIMENSIONS = ["month", "crime-type", "local-authority", "lpa", "outcome"] as const;
export type CountDimension = (typeof COUNT_DIMENSIONS)[number];

const COLUMN_NAMES: Readonly<Record<CountDimension, string>> = {
  month: "month",
  "crime-type": "crime_type",
  "local-authority": "local_authority",
  lpa: "lpa",
  outcome: "outcome",
};

const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month as YYYY-MM");

export const countsQuerySchema = z
  .object({
    forceIds: z.array(z.string().regex(/^[a-z][a-z-]*[a-z]$/, "must be data.police.uk force ids")).min(1),
    from: monthSchema,
    to: monthSchema,
    by: z
      .array(z.enum(COUNT_DIMENSIONS))
      .min(1)
      .refine((by) => new Set(by).size === by.length, "names a dimension twice")
      .refine(
        (by) => !(by.includes("lpa") && by.includes("local-authority")),
        "may group by lpa or local-authority, not both",
      ),
  })
  .refine((query) => query.from <= query.to, { message: "from must not be after to", path: ["from"] });
export type CountsQuery = z.infer<typeof countsQuerySchema>;

export interface CountsTable {
  columns: string[];
  rows: (string | number)[][];
}

/**
 * One row per group, columns `force`, then the dimensions in the order asked, then `count`; sorted
 * by those columns. A crime with no local authority (no location, or an LSOA from before a boundary
 * change) or outside the force's local policing areas has a blank local_authority or lpa.
 */
export async function countStreetCrimes(
  db: Db,
  reference: ReferenceData,
  query: CountsQuery,
): Promise<CountsTable> {
  const unknown = query.forceIds.filter((id) => !reference.forces.has(id));
  if (unknown.length > 0) throw new AppError(`Unknown force: ${unknown.join(", ")}`, "validation", 422);
  // The labels and the counts are independent reads: on PostgreSQL each is a round trip.
  const [values, groups] = await Promise.all([
    dimensionValues(db, reference, query),
    sumMonthlyCounts(db.kysely, {
      forceIds: query.forceIds,
      from: query.from,
      to: query.to,
      byMonth: query.by.includes("month"),
      byCrimeType: query.by.includes("crime-type"),
      byLocalAuthority: query.by.includes("local-authority") || query.by.includes("lpa"),
      byOutcome: query.by.includes("outcome"),
    }),
  ]);
  const keyed = groups.map((group) => {
    const key = [group.force_id];
    for (const value of values) key.push(value(group));
    return { key, count: Number(group.count) };
  });
  // Sorted, the groups of one key are adjacent, so local authorities merged into their local policing
  // area are summed in one pass (measured: half the time of a Map keyed by the joined columns).
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  const merged: typeof keyed = [];
  for (const group of keyed) {
    const last = merged.at(-1);
    if (last !== undefined && compareKeys(last.key, group.key) === 0) last.count += group.count;
    else merged.push(group);
  }
  const rows = merged.map(({ key, count }) => [...key, count]);
  return { columns: ["force", ...query.by.map((dimension) => COLUMN_NAMES[dimension]), "count"], rows };
}

/** For each dimension asked, in order, how to read it from a group: a month, a label or a name. */
async function dimensionValues(
  db: Db,
  reference: ReferenceData,
  query: CountsQuery,
): Promise<((group: MonthlyCountGroup) => string)[]> {
  const values: ((group: MonthlyCountGroup) => string)[] = [];
  for (const dimension of query.by) {
    switch (dimension) {
      case "month":
        values.push((group) => group.month ?? "");
        break;
      case "crime-type": {
        const labels = await labelsById(db.kysely, "crime_types");
        values.push((group) => labelOf(labels, group.crime_type_id));
        break;
      }
      case "local-authority":
        values.push((group) => localAuthorityName(reference, group.local_authority_code ?? null));
        break;
      case "lpa": {
        const areaOf = localPolicingAreaLookup(reference, query.forceIds);
        values.push((group) => areaOf(group.force_id, group.local_authority_code ?? null));
        break;
      }
      case "outcome": {
        const labels = await labelsById(db.kysely, "crime_outcome_categories");
        values.push((group) => labelOf(labels, group.last_outcome_id));
        break;
      }
    }
  }
  return values;
}

function labelOf(labels: ReadonlyMap<number, string>, id: number | null | undefined): string {
  return id === null || id === undefined ? "" : (labels.get(id) ?? "");
}

function localAuthorityName(reference: ReferenceData, code: string | null): string {
  if (code === null) return "";
  return reference.localAuthorities.byCode.get(code)?.name ?? code;
}

function localPolicingAreaLookup(
  reference: ReferenceData,
  forceIds: readonly string[],
): (forceId: string, localAuthorityCode: string | null) => string {
  const areaByForceAndAuthority = new Map<string, string>();
  for (const area of reference.localPolicingAreas) {
    for (const code of area.lad23Codes) areaByForceAndAuthority.set(`${area.forceId}|${code}`, area.name);
  }
  const withoutAreas = forceIds.filter(
    (id) => !reference.localPolicingAreas.some((area) => area.forceId === id),
  );
  if (withoutAreas.length > 0) {
    throw new AppError(
      `No local policing areas are known for ${withoutAreas.join(", ")} (see data/reference/local-policing-areas.csv)`,
      "validation",
      422,
    );
  }
  return (forceId, code) => (code === null ? "" : (areaByForceAndAuthority.get(`${forceId}|${code}`) ?? ""));
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const left = a[i] ?? "";
    const right = b[i] ?? "";
    if (left !== right) return left < right ? -1 : 1;
  }
  return 0;
}

export function toCsv(table: CountsTable): string {
  return [table.columns, ...table.rows].map((row) => row.map(csvField).join(",")).join("\n") + "\n";
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
