/**
 * The performance explorer's figures: a measure for an area up to a chosen period (its SPC chart and
 * MSG comparison, as measureSeries computes them), the same measure broken down by the local policing
 * areas and local authorities within the area, and the hot spots of a crime type in the period.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { ValidationError, type FieldError } from "../../lib/errors.js";
import {
  parsePeriod,
  periodContaining,
  periodDates,
  periodMonths,
  formatPeriod,
  samePeriodLastYear,
  type Period,
} from "../../stats/periods.js";
import { areaDirectory, type Area, type AreaDirectory } from "../measures/areas.js";
import { listValueAreas } from "../measures/measures.repository.js";
import { HOME_FORCE_ID, periodKindOf, type Frequency } from "../measures/measures.schema.js";
import {
  listCatalogue,
  measurePoints,
  measureSeries,
  policeUkQueryOf,
} from "../measures/measures.service.js";
import type { MeasureRow } from "../measures/measures.tables.js";
import type { MeasureSeries, SeriesPoint } from "../measures/series.js";
import { hotSpots, type HotSpot } from "../crime/hot-spots.js";
import {
  BREAKDOWN_PERIODS,
  HOT_SPOT_LIMIT,
  periodHintOf,
  periodKindsOf,
  type ExplorerQuery,
} from "./performance.schema.js";

/** The measure shown when none is chosen. */
const DEFAULT_MEASURE_ID = "crimes.all";

export type ExplorerSeries = MeasureSeries & { unavailable: string | null };

export interface Breakdown {
  areaKind: "local policing area" | "local authority";
  /** The areas with figures, each with its points in the breakdown's range. */
  areas: { area: Area; points: SeriesPoint[] }[];
}

export interface HotSpotRow extends HotSpot {
  localAuthorityName: string | null;
}

export type HotSpotsSection =
  | { state: "not-chosen" }
  | { state: "unavailable"; crimeType: string; reason: string }
  | {
      state: "shown";
      crimeType: string;
      force: Area;
      period: Period;
      previousPeriod: Period;
      rows: HotSpotRow[];
    };

export interface Explorer {
  measure: MeasureRow;
  area: Area;
  /** Null only when the measure has no figures at all for the area. */
  period: Period | null;
  series: ExplorerSeries;
  /** None for a local authority: the smallest area a measure is given for. */
  breakdowns: Breakdown[];
  hotSpots: HotSpotsSection;
  forceNames: Record<string, string>;
}

export interface ExplorerChoices {
  measures: MeasureRow[];
  areas: Area[];
  periodHint: string;
}

/**
 * What the reader may pick from: every measure they may see, and the areas the chosen measure has figures
 * for, with the area shown (when it is not among them) first.
 */
export async function explorerChoices(
  db: Kysely<Database>,
  options: { publishedOnly: boolean; measureId?: string | undefined; area?: Area | undefined },
): Promise<ExplorerChoices> {
  const measures = await listCatalogue(db, options);
  const measure = pickMeasure(measures, options.measureId) ?? pickMeasure(measures, undefined);
  const areas = await areaDirectory();
  const choices = measure ? await areaChoices(db, measure, areas) : [];
  const shown = options.area;
  return {
    measures,
    areas: shown && !choices.some((area) => area.code === shown.code) ? [shown, ...choices] : choices,
    periodHint: `Give ${periodHintOf[measure?.frequency ?? "monthly"]}.`,
  };
}

function pickMeasure(measures: MeasureRow[], id: string | undefined): MeasureRow | undefined {
  if (id !== undefined) return measures.find((m) => m.id === id);
  return measures.find((m) => m.id === DEFAULT_MEASURE_ID) ?? measures[0];
}

/** Forces, and the home force's areas, for data.police.uk measures; the areas with values for the rest. */
async function areaChoices(db: Kysely<Database>, measure: MeasureRow, areas: AreaDirectory): Promise<Area[]> {
  const home = areas.get("force", HOME_FORCE_ID);
  if (measure.source === "data.police.uk") {
    return [
      ...areas.all.filter((area) => area.type === "force"),
      ...areas.all.filter((area) => area.type !== "force" && areas.forceIdOf(area) === HOME_FORCE_ID),
    ];
  }
  const withValues = (await listValueAreas(db, measure.id))
    .map((row) => areas.get(row.area_type, row.area_code))
    .filter((area): area is Area => area !== undefined && area.code !== HOME_FORCE_ID);
  return [...(home ? [home] : []), ...withValues];
}

/**
 * Everything the explorer shows for a query, or a ValidationError naming each field that is wrong.
 * Null when the reader may see no measure at all.
 */
export async function explorePerformance(
  db: Kysely<Database>,
  query: ExplorerQuery,
  options: { publishedOnly: boolean },
): Promise<Explorer | null> {
  const measures = await listCatalogue(db, options);
  if (measures.length === 0) return null;
  const areas = await areaDirectory();
  const errors: FieldError[] = [];

  const measure = pickMeasure(measures, query.measure);
  if (!measure) errors.push({ field: "measure", text: `There is no measure "${query.measure}" to explore` });
  const area = areas.find(query.area ?? HOME_FORCE_ID);
  if (!area) {
    errors.push({
      field: "area",
      text: `There is no area "${query.area}": give a force, local policing area or local authority from the list`,
    });
  }
  let period: Period | null = null;
  if (query.period !== undefined && measure) {
    const problem = periodProblem(query.period, measure.frequency);
    if (typeof problem === "string") errors.push({ field: "period", text: problem });
    else period = problem;
  }
  if (errors.length > 0 || !measure || !area) throw new ValidationError(errors);

  const series = await measureSeries(db, measure, {
    area: area.code,
    ...(period ? { to: lastPeriodStartWithin(period, measure.frequency) } : {}),
  });
  const latest = series.points[series.points.length - 1];
  period ??= latest ? parsePeriod(latest.period) : null;

  const breakdowns =
    period && series.points.length > 0
      ? await breakdownsOf(db, measure, areasWithin(area, areas), {
          from: series.points.slice(-BREAKDOWN_PERIODS)[0]!.periodStart,
          to: lastPeriodStartWithin(period, measure.frequency),
        })
      : [];

  return {
    measure,
    area,
    period,
    series,
    breakdowns,
    hotSpots: await hotSpotsSection(db, areas, { measure, area, period, chosen: query.crimeType }),
    forceNames: Object.fromEntries(
      areas.all.filter((a) => a.type === "force").map((force) => [force.code, force.name]),
    ),
  };
}

/** The period the text names, or why it cannot be used for a measure of this frequency. */
function periodProblem(text: string, frequency: Frequency): Period | string {
  let period: Period;
  try {
    period = parsePeriod(text);
  } catch {
    return `"${text}" is not a period: give ${periodHintOf[frequency]}`;
  }
  if (!periodKindsOf[frequency].includes(period.kind)) {
    return `This measure is ${frequency}, so "${text}" cannot be used: give ${periodHintOf[frequency]}`;
  }
  return period;
}

/** The start of the last of the measure's own periods inside the chosen period: the series runs up to it. */
function lastPeriodStartWithin(period: Period, frequency: Frequency): string {
  // Every frequency's period kind is one periodContaining knows (week, month or quarter).
  const kind = periodKindOf[frequency] as Parameters<typeof periodContaining>[0];
  return periodDates(periodContaining(kind, periodDates(period).end)).start;
}

/** The areas an area is broken down into: a force into its LPAs and local authorities, an LPA into its authorities. */
function areasWithin(area: Area, areas: AreaDirectory): { areaKind: Breakdown["areaKind"]; areas: Area[] }[] {
  const authorities = (codes: readonly string[]) =>
    codes.map((code) => areas.get("local_authority", code)).filter((a): a is Area => a !== undefined);
  switch (area.type) {
    case "force":
      return [
        {
          areaKind: "local policing area",
          areas: areas.all.filter((a) => a.type === "lpa" && areas.forceIdOf(a) === area.code),
        },
        { areaKind: "local authority", areas: authorities(areas.localAuthorityCodes(area)) },
      ];
    case "lpa":
      return [{ areaKind: "local authority", areas: authorities(areas.localAuthorityCodes(area)) }];
    case "local_authority":
      return [];
  }
}

/**
 * Each breakdown's areas with figures, by name. Only their figures are drawn, so the points are read
 * without a series' statistics, and for every area of every breakdown at once.
 */
async function breakdownsOf(
  db: Kysely<Database>,
  measure: MeasureRow,
  within: { areaKind: Breakdown["areaKind"]; areas: Area[] }[],
  range: { from: string; to: string },
): Promise<Breakdown[]> {
  const points = await measurePoints(
    db,
    measure,
    within.flatMap((breakdown) => breakdown.areas),
    range,
  );
  return within.map(({ areaKind, areas }) => ({
    areaKind,
    areas: areas
      .map((area) => ({ area, points: points.get(area.code) ?? [] }))
      .filter((part) => part.points.length > 0)
      .sort((a, b) => a.area.name.localeCompare(b.area.name)),
  }));
}

/**
 * The LSOAs of the area's force with the most crimes of a type in the period (the one chosen, else the
 * first the measure counts), against the same period last year.
 */
async function hotSpotsSection(
  db: Kysely<Database>,
  areas: AreaDirectory,
  selection: { measure: MeasureRow; area: Area; period: Period | null; chosen: string | undefined },
): Promise<HotSpotsSection> {
  const crimeType = selection.chosen ?? crimeTypesOf(selection.measure)[0];
  if (crimeType === undefined) return { state: "not-chosen" };
  const forceId = areas.forceIdOf(selection.area);
  const force = forceId === null ? undefined : areas.get("force", forceId);
  if (!force)
    return { state: "unavailable", crimeType, reason: `${selection.area.name} is in no police force area.` };
  const { period } = selection;
  if (!period) return { state: "unavailable", crimeType, reason: "Choose a period to see its hot spots." };
  const previousPeriod = samePeriodLastYear(period);
  const rows = await hotSpots(db, {
    forceId: force.code,
    crimeType,
    months: periodMonths(period),
    previousMonths: periodMonths(previousPeriod),
    limit: HOT_SPOT_LIMIT,
  });
  return {
    state: "shown",
    crimeType,
    force,
    period,
    previousPeriod,
    rows: rows.map((row) => ({
      ...row,
      localAuthorityName:
        row.localAuthorityCode === null
          ? null
          : (areas.get("local_authority", row.localAuthorityCode)?.name ?? row.localAuthorityCode),
    })),
  };
}

function crimeTypesOf(measure: MeasureRow): string[] {
  const query = policeUkQueryOf(measure);
  return query !== null && "crimeTypes" in query ? query.crimeTypes : [];
}

/** The canonical query string of what is shown, for the CSV link and the form. */
export function explorerQueryString(explorer: Explorer): string {
  const params = new URLSearchParams({ measure: explorer.measure.id, area: explorer.area.code });
  if (explorer.period) params.set("period", formatPeriod(explorer.period));
  if (explorer.hotSpots.state !== "not-chosen") params.set("crimeType", explorer.hotSpots.crimeType);
  return params.toString();
}
