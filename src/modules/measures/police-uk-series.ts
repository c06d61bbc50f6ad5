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
  /** The area within the force counted (a key of Scope.parts), or null for the whole force. */
  part: string | null;
  month: string;
  numerator: number;
  /** For shares: the base; for counts: null. */
  denominator: number | null;
}

/** What monthlyFigures counts: every force, or one; each whole, or as parts made of local authorities. */
interface Scope {
  forceId: string | null;
  /** Area code → the ONS codes of its local authorities; null to count the whole force. */
  parts: ReadonlyMap<string, readonly string[]> | null;
}

/**
 * Each force's figure for each month in range, ordered by month: whole, or for each part of the force.
 * Parts are read together, grouped by local authority, and each summed from its own authorities: an
 * LPA and the authorities it is made of cost one query, not one each.
 */
async function monthlyFigures(
  db: Kysely<Database>,
  query: PoliceUkQuery,
  scope: Scope,
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
  loaded = loaded.orderBy("month");
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
          denominator: query.kind.endsWith("share") ? 0 : null,
        },
      ]),
    ),
  );
  const partsOfAuthority = new Map<string, string[]>();
  for (const [part, authorities] of scope.parts ?? []) {
    for (const code of authorities) partsOfAuthority.set(code, [...(partsOfAuthority.get(code) ?? []), part]);
  }
  /** Adds a row's counts to the whole force, or to each part holding the row's local authority. */
  const add = (
    row: { force_id: string; month: string; local_authority_code?: string | null },
    numerator: number,
    denominator: number,
  ) => {
    const code = row.local_authority_code;
    const into = scope.parts === null ? [null] : code ? (partsOfAuthority.get(code) ?? []) : [];
    for (const part of into) {
      const figure = figures.get(keyOf(row.force_id, row.month, part));
      if (!figure) continue;
      figure.numerator += numerator;
      if (figure.denominator !== null) figure.denominator += denominator;
    }
  };

  if (isCrimes) {
    // An area made of no local authority counts nothing (and `in ()` is no SQL PostgreSQL takes).
    if (types.length === 0 || (scope.parts !== null && partsOfAuthority.size === 0)) {
      return [...figures.values()];
    }
    // Outcome shares: the crimes whose last outcome is in the group, summed beside all of them.
    const inGroup = inGroupIds === null ? null : [...inGroupIds];
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
    if (scope.parts !== null) {
      counts = counts
        .where("local_authority_code", "in", [...partsOfAuthority.keys()])
        .groupBy("local_authority_code");
    }
    if (range.from) counts = counts.where("month", ">=", range.from);
    if (range.to) counts = counts.where("month", "<=", range.to);
    const rows = (await counts
      .$if(scope.parts !== null, (qb) => qb.select("local_authority_code"))
      .execute()) as {
      force_id: string;
      month: string;
      local_authority_code?: string | null;
      n: string | number;
      hits?: string | number;
    }[];
    for (const row of rows) {
      const n = Number(row.n);
      add(row, row.hits === undefined ? n : Number(row.hits), n);
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
    add(row, row.hits === undefined ? n : Number(row.hits), n);
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

/**
 * Each area's series, by area code: a force's counted whole, and the areas within each force (its LPAs,
 * its local authorities) read together, so a breakdown by area costs one query rather than one an area.
 * An area the data does not cover has no points.
 */
export async function policeUkSeries(
  db: Kysely<Database>,
  query: PoliceUkQuery,
  wanted: readonly Area[],
  areas: AreaDirectory,
  range: MonthRange,
): Promise<Map<string, SeriesPoint[]>> {
  const series = new Map<string, SeriesPoint[]>(wanted.map((area) => [area.code, []]));
  const reads: Promise<void>[] = [];
  const partsByForce = new Map<string, Map<string, readonly string[]>>();
  for (const area of wanted) {
    const forceId = areas.forceIdOf(area);
    if (unsupportedArea(query, area) || forceId === null) continue;
    if (area.type === "force") {
      reads.push(
        monthlyFigures(db, query, { forceId, parts: null }, range).then((figures) => {
          series.set(area.code, figures.map(toPoint));
        }),
      );
    } else {
      const parts = partsByForce.get(forceId) ?? new Map<string, readonly string[]>();
      partsByForce.set(forceId, parts.set(area.code, areas.localAuthorityCodes(area)));
    }
  }
  for (const [forceId, parts] of partsByForce) {
    reads.push(
      monthlyFigures(db, query, { forceId, parts }, range).then((figures) => {
        for (const figure of figures) {
          if (figure.part !== null) series.get(figure.part)?.push(toPoint(figure));
        }
      }),
    );
  }
  await Promise.all(reads);
  return series;
}

/** Each force's figure for one month. */
export async function policeUkForceFigures(
  db: Kysely<Database>,
  query: PoliceUkQuery,
  month: string,
): Promise<{ forceId: string; point: SeriesPoint }[]> {
  const figures = await monthlyFigures(db, query, { forceId: null, parts: null }, { from: month, to: month });
  return figures.map((figure) => ({ forceId: figure.forceId, point: toPoint(figure) }));
}
