/**
 * Series of the data.police.uk measures, read from the crime module's street crime rollups (the
 * smallest that holds the dimensions asked for) and stop-and-search rows. A month is in a series only if that force's file for it was
 * loaded; within a loaded month, a crime type with no rows counts 0.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { countsRollup } from "../crime/crime.repository.js";
import { groupOfPoliceUkLabel } from "../../stats/outcomes.js";
import { periodDates } from "../../stats/periods.js";
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
  month: string;
  numerator: number;
  /** For shares: the base; for counts: null. */
  denominator: number | null;
}

/** Each force's figure for each month in range (one force's, with `forceId`), optionally within local authorities. */
async function monthlyFigures(
  db: Kysely<Database>,
  query: PoliceUkQuery,
  scope: { forceId: string | null; localAuthorities: readonly string[] | null },
  range: MonthRange,
): Promise<MonthFigure[]> {
  const fileKind = query.kind === "crimes" || query.kind === "outcome-share" ? "street" : "stop-and-search";
  let loaded = db
    .selectFrom("crime_ingests")
    .select(["force_id", "month"])
    .distinct()
    .where("kind", "=", fileKind);
  if (scope.forceId) loaded = loaded.where("force_id", "=", scope.forceId);
  if (range.from) loaded = loaded.where("month", ">=", range.from);
  if (range.to) loaded = loaded.where("month", "<=", range.to);
  const isCrimes = query.kind === "crimes" || query.kind === "outcome-share";
  // Independent reads at once: on PostgreSQL each is a round trip, and a series makes two sets of them.
  const [months, types, inGroupIds] = await Promise.all([
    loaded.execute(),
    isCrimes
      ? db.selectFrom("crime_types").select("id").where("label", "in", query.crimeTypes).execute()
      : [],
    query.kind === "outcome-share" ? outcomeIdsIn(db, query.outcomeGroup) : null,
  ]);
  if (months.length === 0) return [];
  const figures = new Map<string, MonthFigure>(
    months.map(({ force_id, month }) => [
      `${force_id}|${month}`,
      { forceId: force_id, month, numerator: 0, denominator: query.kind.endsWith("share") ? 0 : null },
    ]),
  );
  const add = (forceId: string, month: string, numerator: number, denominator: number) => {
    const figure = figures.get(`${forceId}|${month}`);
    if (!figure) return;
    figure.numerator += numerator;
    if (figure.denominator !== null) figure.denominator += denominator;
  };

  if (isCrimes) {
    if (types.length === 0) return [...figures.values()];
    // Outcome shares: the crimes whose last outcome is in the group, summed beside all of them.
    const inGroup = inGroupIds === null ? null : [...inGroupIds];
    let counts = db
      .selectFrom(
        countsRollup({ localAuthority: scope.localAuthorities !== null, outcome: inGroup !== null }),
      )
      .select((eb) => [
        "force_id",
        "month",
        eb.fn.sum<string | number>("count").as("n"),
        ...(inGroup === null
          ? []
          : [
              eb.fn
                .sum<string | number>(
                  inGroup.length === 0
                    ? eb.lit(0)
                    : eb.case().when("last_outcome_id", "in", inGroup).then(eb.ref("count")).else(0).end(),
                )
                .as("hits"),
            ]),
      ])
      .where(
        "crime_type_id",
        "in",
        types.map((t) => t.id),
      )
      // Naming the forces lets the (force_id, month, crime_type_id) index narrow a one-month query too.
      .where("force_id", "in", [...new Set(months.map((m) => m.force_id))])
      .groupBy(["force_id", "month"]);
    if (scope.localAuthorities)
      counts = counts.where("local_authority_code", "in", [...scope.localAuthorities]);
    if (range.from) counts = counts.where("month", ">=", range.from);
    if (range.to) counts = counts.where("month", "<=", range.to);
    const rows = (await counts.execute()) as {
      force_id: string;
      month: string;
      n: string | number;
      hits?: string | number;
    }[];
    for (const row of rows) {
      const n = Number(row.n);
      add(row.force_id, row.month, row.hits === undefined ? n : Number(row.hits), n);
    }
    return [...figures.values()];
  }

  let searches = db
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
    .groupBy(["force_id", "month"]);
  if (query.kind === "searches" && query.ethnicity)
    searches = searches.where("officer_defined_ethnicity", "=", query.ethnicity);
  searches = searches.where("force_id", "in", [...new Set(months.map((m) => m.force_id))]);
  if (range.from) searches = searches.where("month", ">=", range.from);
  if (range.to) searches = searches.where("month", "<=", range.to);
  for (const row of (await searches.execute()) as {
    force_id: string;
    month: string;
    n: string | number;
    hits?: string | number;
  }[]) {
    const n = Number(row.n);
    add(row.force_id, row.month, row.hits === undefined ? n : Number(row.hits), n);
  }
  return [...figures.values()];
}

async function outcomeIdsIn(db: Kysely<Database>, group: string): Promise<Set<number>> {
  const labels = await db.selectFrom("crime_outcome_categories").select(["id", "label"]).execute();
  return new Set(labels.filter((l) => groupOfPoliceUkLabel(l.label) === group).map((l) => l.id));
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

/** Why an area has no data.police.uk series, or null if it can have one. */
export function unsupportedArea(query: PoliceUkQuery, area: Area): string | null {
  if (area.type !== "force" && (query.kind === "searches" || query.kind === "search-outcome-share")) {
    return "Stop and search data is published for forces only.";
  }
  return null;
}

export async function policeUkSeries(
  db: Kysely<Database>,
  query: PoliceUkQuery,
  area: Area,
  areas: AreaDirectory,
  range: MonthRange,
): Promise<SeriesPoint[]> {
  if (unsupportedArea(query, area)) return [];
  const forceId = areas.forceIdOf(area);
  if (forceId === null) return [];
  const localAuthorities = area.type === "force" ? null : areas.localAuthorityCodes(area);
  const figures = await monthlyFigures(db, query, { forceId, localAuthorities }, range);
  return figures.map(toPoint);
}

/** Each force's figure for one month. */
export async function policeUkForceFigures(
  db: Kysely<Database>,
  query: PoliceUkQuery,
  month: string,
): Promise<{ forceId: string; point: SeriesPoint }[]> {
  const figures = await monthlyFigures(
    db,
    query,
    { forceId: null, localAuthorities: null },
    { from: month, to: month },
  );
  return figures.map((figure) => ({ forceId: figure.forceId, point: toPoint(figure) }));
}
