/**
 * Series of the data.police.uk measures, read from the crime module's street crime rollups (the
 * smallest that holds the dimensions asked for) and stop-and-search rows. A month is in a series only if that force's file for it was
 * loaded; within a loaded month, a crime type with no rows counts 0.
 */
import {
  isExpression,
  sql,
  type Expression,
  type Kysely,
  type SelectQueryBuilder,
  type SqlBool,
} from "kysely";
import { isPostgres } from "../../db/migrations/helpers.js";
import { pushTo } from "../../lib/collections.js";
import type { Database } from "../../db/schema.js";
import { countsRollup } from "../crime/crime.repository.js";
import { msgPeerIdsQuery } from "../crime/msg-groups.repository.js";
import { findDataGaps, type DataGap } from "../../stats/msg.js";
import { monthsFromTo, periodDates } from "../../stats/periods.js";
import type { Area, AreaDirectory } from "./areas.js";
import type { PoliceUkQuery } from "./measures.schema.js";
import type { SeriesPoint } from "./series.js";

export interface MonthRange {
  /** `YYYY-MM`, inclusive; open when absent. */
  from?: string | undefined;
  to?: string | undefined;
}

interface MonthFigure {
  forceId: string;
  /** The area within the force counted (a key of Scope.parts), or null for the whole force. */
  part: string | null;
  month: string;
  numerator: number;
  /** For shares: the base; for counts: null. */
  denominator: number | null;
}

/** What monthlyFigures counts: some forces, each whole, or one force as parts made of local authorities. */
interface Scope {
  forceIds: readonly string[];
  /** Area code → the ONS codes of its local authorities; null to count each force whole. */
  parts: ReadonlyMap<string, readonly string[]> | null;
  /** With forces whole: also this force's Most Similar Group peers, in its latest loaded month in range only. */
  peersAtLatestOf?: string | undefined;
}

/**
 * The rows a read takes: of the forces named (or of a subquery's), in a range of months or in the one month
 * a subquery gives.
 */
interface Slice {
  forceIds: readonly string[] | Expression<string>;
  months: MonthRange | Expression<string | null>;
}

/**
 * Narrows a read of a table with force_id and month columns to a slice. Naming the forces lets the
 * (force_id, month, …) indexes of the rollups and ingests narrow the read.
 */
function inSlice<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  slice: Slice,
): SelectQueryBuilder<DB, TB, O> {
  const month = sql.ref<string>("month");
  const narrowed = query.where(sql.ref<string>("force_id"), "in", slice.forceIds);
  if (isExpression(slice.months)) return narrowed.where(month, "=", slice.months);
  const { from, to } = slice.months;
  return narrowed
    .$if(from !== undefined, (qb) => qb.where(month, ">=", from!))
    .$if(to !== undefined, (qb) => qb.where(month, "<=", to!));
}

/** The read of each slice, as one statement (union all). */
function acrossSlices<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  slices: readonly Slice[],
): SelectQueryBuilder<DB, TB, O> {
  return slices.map((slice) => inSlice(query, slice)).reduce((all, more) => all.unionAll(more));
}

/** A query that counts street crimes (of some types), rather than stop and searches. */
type CrimeQuery = Extract<PoliceUkQuery, { crimeTypes: string[] }>;
const countsCrimes = (query: PoliceUkQuery): query is CrimeQuery => "crimeTypes" in query;

interface CountRow {
  force_id: string;
  month: string;
  local_authority_code?: string | null;
  n: string | number;
  hits?: string | number;
}

/**
 * Each force's figure for each month in range, ordered by month: whole, or for each part of the force.
 * Parts are read together, grouped by local authority, and each summed from its own authorities: an
 * LPA and the authorities it is made of cost one query, not one each. The months loaded and the counts
 * are read at once: on PostgreSQL each query is a round trip. A force's peers come in the same two
 * statements (union all), their month given by a subquery: not a third query after the force's months.
 */
async function monthlyFigures(
  db: Kysely<Database>,
  query: PoliceUkQuery,
  scope: Scope,
  range: MonthRange,
): Promise<MonthFigure[]> {
  const kind = fileKindOf(query);
  const ingests = db.selectFrom("crime_ingests").where("kind", "=", kind);
  const slices: Slice[] = [{ forceIds: scope.forceIds, months: range }];
  if (scope.peersAtLatestOf !== undefined) {
    const latest = inSlice(ingests, { forceIds: [scope.peersAtLatestOf], months: range })
      .select((eb) => eb.fn.max("month").as("month"))
      .$asScalar();
    slices.push({ forceIds: msgPeerIdsQuery(db, scope.peersAtLatestOf).$asScalar(), months: latest });
  }
  const partsOfAuthority = new Map<string, string[]>();
  for (const [part, authorities] of scope.parts ?? []) {
    for (const code of authorities) partsOfAuthority.set(code, [...(partsOfAuthority.get(code) ?? []), part]);
  }
  const [months, rows] = await Promise.all([
    acrossSlices(ingests.select(["force_id", "month"]).distinct(), slices)
      .orderBy("month")
      .execute(),
    countsCrimes(query)
      ? crimeCounts(db, query, scope, [...partsOfAuthority.keys()], slices)
      : searchCounts(db, query, slices),
  ]);
  const parts = scope.parts === null ? [null] : [...scope.parts.keys()];
  const keyOf = (forceId: string, month: string, part: string | null) => `${forceId}|${month}|${part}`;
  const figures = new Map<string, MonthFigure>(
    months.flatMap(({ force_id, month }) =>
      parts.map((part): [string, MonthFigure] => [
        keyOf(force_id, month, part),
        {
          forceId: force_id,
          part,
          month,
          numerator: 0,
          denominator: query.kind === "crimes" || query.kind === "searches" ? null : 0,
        },
      ]),
    ),
  );
  // A row counts towards its whole force, or towards each part holding its local authority; a month
  // whose file was not loaded has no figure, whatever rows it has.
  for (const row of rows) {
    const code = row.local_authority_code;
    const into = scope.parts === null ? [null] : code ? (partsOfAuthority.get(code) ?? []) : [];
    const n = Number(row.n);
    for (const part of into) {
      const figure = figures.get(keyOf(row.force_id, row.month, part));
      if (!figure) continue;
      figure.numerator += row.hits === undefined ? n : Number(row.hits);
      if (figure.denominator !== null) figure.denominator += n;
    }
  }
  return [...figures.values()];
}

/** That a rollup row's crime type is one of these, by label. */
function isOfTypes(db: Kysely<Database>, labels: readonly string[]): Expression<SqlBool> {
  const typeIds = db.selectFrom("crime_types").select("id").where("label", "in", labels);
  const column = sql.ref("crime_type_id");
  // PostgreSQL joins `in (subquery)`, losing the index's order, and sorts thousands of rows;
  // `= any(array(subquery))` is worked out once and stays a condition on the index.
  return isPostgres(db)
    ? sql<SqlBool>`${column} = any(array(${typeIds}))`
    : sql<SqlBool>`${column} in (${typeIds})`;
}

/** Street crimes of the query's types by force and month (and local authority, for parts), for each slice. */
async function crimeCounts(
  db: Kysely<Database>,
  query: CrimeQuery,
  scope: Scope,
  authorities: readonly string[],
  slices: readonly Slice[],
): Promise<CountRow[]> {
  // An area made of no local authority counts nothing (and `in ()` is no SQL PostgreSQL takes).
  if (scope.parts !== null && authorities.length === 0) return [];
  // Outcome shares and rates: the crimes whose last outcome is in the groups, summed beside all of them.
  const groups =
    query.kind === "outcome-share"
      ? [query.outcomeGroup]
      : query.kind === "positive-outcome-rate"
        ? query.outcomeGroups
        : null;
  const inGroup =
    groups === null
      ? null
      : db.selectFrom("crime_outcome_categories").select("id").where("outcome_group", "in", groups);
  const ofTypes = isOfTypes(db, query.crimeTypes);
  if (inGroup !== null && scope.parts === null) {
    // Whole forces: all the crimes from the rollup by type, those in the group from the one by outcome,
    // through its (force, outcome, …) index: the group's rows alone, not every outcome's of each month.
    // West Mercia's charge/summons series (36 months and its peers) took 3.3 ms rather than 4.2 (p50,
    // PostgreSQL, bench:measures' data, the two ways in turn in one process).
    const all = db
      .selectFrom("crime_type_counts")
      .select(["force_id", "month", "count as n", sql<number>`0`.as("hits")])
      .where(ofTypes);
    const hits = db
      .selectFrom("crime_outcome_counts")
      .select(["force_id", "month", sql<number>`0`.as("n"), "count as hits"])
      .where(ofTypes)
      .where("last_outcome_id", "in", inGroup);
    return await db
      .selectFrom(acrossSlices(all, slices).unionAll(acrossSlices(hits, slices)).as("rows"))
      .select((eb) => [
        "force_id",
        "month",
        eb.fn.sum<string | number>("n").as("n"),
        eb.fn.sum<string | number>("hits").as("hits"),
      ])
      .groupBy(["force_id", "month"])
      .execute();
  }
  let counts = db
    .selectFrom(countsRollup({ localAuthority: scope.parts !== null, outcome: inGroup !== null }))
    .select((eb) => [
      "force_id",
      "month",
      eb.fn.sum<string | number>("count").as("n"),
      ...(inGroup === null
        ? []
        : [
            eb.fn
              .sum<string | number>(
                eb.case().when("last_outcome_id", "in", inGroup).then(eb.ref("count")).else(0).end(),
              )
              .as("hits"),
          ]),
    ])
    .where(ofTypes)
    .groupBy(["force_id", "month"]);
  if (scope.parts !== null) {
    // On PostgreSQL the codes go as one array: a kept (generic) plan builds `in ($1, $2, …)` into an
    // array again for every row it reads, which doubled this query's time on the report page.
    counts = counts
      .where((eb) =>
        isPostgres(db)
          ? eb("local_authority_code", "=", sql<string>`any(${[...authorities]})`)
          : eb("local_authority_code", "in", authorities),
      )
      .groupBy("local_authority_code");
  }
  return await acrossSlices(
    counts.$if(scope.parts !== null, (qb) => qb.select("local_authority_code")),
    slices,
  ).execute();
}

/** Stop-and-search records by force and month, for each slice. */
async function searchCounts(
  db: Kysely<Database>,
  query: Exclude<PoliceUkQuery, CrimeQuery>,
  slices: readonly Slice[],
): Promise<CountRow[]> {
  const ethnicity = query.kind === "searches" ? query.ethnicity : undefined;
  const searches = db
    .selectFrom("crime_stop_searches")
    .select((eb) => [
      "force_id",
      "month",
      eb.fn.countAll<string | number>().as("n"),
      ...(query.kind === "search-outcome-share"
        ? [
            eb.fn
              .sum<string | number>(eb.case().when("outcome", "=", query.outcome).then(1).else(0).end())
              .as("hits"),
          ]
        : []),
    ])
    .$if(ethnicity !== undefined, (qb) => qb.where("officer_defined_ethnicity", "=", ethnicity!))
    .groupBy(["force_id", "month"]);
  return await acrossSlices(searches, slices).execute();
}

function toPoint(figure: MonthFigure): SeriesPoint {
  const { start, end } = periodDates({
    kind: "month",
    year: Number(figure.month.slice(0, 4)),
    month: Number(figure.month.slice(5, 7)),
  });
  const share = figure.denominator !== null;
  return {
    period: figure.month,
    periodStart: start,
    periodEnd: end,
    // A share of nothing is shown as 0% but carries its zero base, so tests and funnels leave it out.
    value: share
      ? figure.denominator
        ? (figure.numerator / figure.denominator) * 100
        : 0
      : figure.numerator,
    numerator: share ? figure.numerator : null,
    denominator: figure.denominator,
    note: null,
  };
}

/** The kind of file whose records a query counts. */
export const fileKindOf = (query: PoliceUkQuery) => (countsCrimes(query) ? "street" : "stop-and-search");

/**
 * Force-months missing, or loaded with under half the force's median month of records, from the first
 * month any of the forces loaded to the last. The volumes come ordered by month.
 */
export function gapsInVolumes(
  volumes: readonly { force_id: string; month: string; rows: number }[],
): DataGap[] {
  const first = volumes[0];
  const last = volumes[volumes.length - 1];
  if (!first || !last) return [];
  const counts = new Map<string, Record<string, number>>();
  for (const { force_id, month, rows } of volumes) {
    const byMonth = counts.get(force_id) ?? {};
    byMonth[month] = rows;
    counts.set(force_id, byMonth);
  }
  return findDataGaps(
    [...counts].map(([forceId, byMonth]) => ({ forceId, counts: byMonth })),
    monthsFromTo(first.month, last.month),
  );
}

/** Why an area has no data.police.uk series, or null if it can have one. */
export function unsupportedArea(query: PoliceUkQuery, area: Area): string | null {
  if (area.type !== "force" && (query.kind === "searches" || query.kind === "search-outcome-share")) {
    return "Stop and search data is published for forces only.";
  }
  return null;
}

/**
 * Each area's series, by area code: a force's counted whole, and the areas within each force (its LPAs,
 * its local authorities) read together, so a breakdown by area costs one query rather than one an area.
 * An area the data does not cover has no points. With peersAtLatestOf (a force wanted whole), its Most
 * Similar Group peers come too, each with its figure for that force's latest loaded month in range.
 */
export async function policeUkSeries(
  db: Kysely<Database>,
  query: PoliceUkQuery,
  wanted: readonly Area[],
  areas: AreaDirectory,
  range: MonthRange,
  peersAtLatestOf?: string,
): Promise<Map<string, SeriesPoint[]>> {
  const series = new Map<string, SeriesPoint[]>(wanted.map((area) => [area.code, []]));
  const wholeForces: string[] = [];
  const partsByForce = new Map<string, Map<string, readonly string[]>>();
  for (const area of wanted) {
    const forceId = areas.forceIdOf(area);
    if (unsupportedArea(query, area) || forceId === null) continue;
    if (area.type === "force") wholeForces.push(forceId);
    else {
      const parts = partsByForce.get(forceId) ?? new Map<string, readonly string[]>();
      partsByForce.set(forceId, parts.set(area.code, areas.localAuthorityCodes(area)));
    }
  }
  // Whole forces (a force and its peers) in one read; each force's parts in another.
  const reads = [...partsByForce].map(([forceId, parts]) =>
    monthlyFigures(db, query, { forceIds: [forceId], parts }, range),
  );
  if (wholeForces.length > 0) {
    const peersOf =
      peersAtLatestOf !== undefined && wholeForces.includes(peersAtLatestOf) ? peersAtLatestOf : undefined;
    reads.push(
      monthlyFigures(db, query, { forceIds: wholeForces, parts: null, peersAtLatestOf: peersOf }, range),
    );
  }
  for (const figures of await Promise.all(reads)) {
    for (const figure of figures) pushTo(series, figure.part ?? figure.forceId, toPoint(figure));
  }
  return series;
}
