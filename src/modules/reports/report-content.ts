/**
 * The figures of the quarterly performance report, gathered for one quarter from what the other modules
 * already compute: measure series (change tests, SPC, MSG comparison) from the measures service, their
 * sentences from charts/describe, intervals from stats/intervals, the HMICFRS register and the action
 * tracker. Nothing statistical is computed here; quarter totals of crime counts are sums of their months.
 */
import type { Kysely } from "kysely";
import {
  describeCountChange,
  describeMsg,
  describeProportionChange,
  describeSmallMultiples,
  describeTrend,
} from "../../charts/describe.js";
import { formatNumber, formatPercent, periodLabel } from "../../charts/format.js";
import { msgBarsOption, msgTable } from "../../charts/msg-chart.js";
import { numericCell, textCell, type ChartTable } from "../../charts/table.js";
import { smallMultiplesOption, smallMultiplesTable, trendChartOption } from "../../charts/trend-chart.js";
import type { Database } from "../../db/schema.js";
import type { ChartOption } from "../../lib/charts.js";
import { formatDate } from "../../lib/render.js";
import { compareCounts } from "../../stats/change.js";
import { wilsonInterval, DEFAULT_SMALL_SAMPLE_THRESHOLD } from "../../stats/intervals.js";
import {
  describePeriod,
  formatPeriod,
  parsePeriod,
  periodDates,
  periodMonths,
  previousPeriod,
  samePeriodLastYear,
  type Period,
} from "../../stats/periods.js";
import { listActions } from "../actions/actions.repository.js";
import { countByStatus, listRegister } from "../inspections/inspections.repository.js";
import {
  findingStatusLabels,
  findingStatuses,
  registerFilterSchema,
} from "../inspections/inspections.schema.js";
import { areaDirectory, type Area, type AreaDirectory } from "../measures/areas.js";
import { HOME_FORCE_ID, nationalPriorities, type NationalPriority } from "../measures/measures.schema.js";
import { seriesTrend } from "../performance/performance.view.js";
import {
  listCatalogue,
  listMeasureNotes,
  measurePoints,
  measureSeries,
} from "../measures/measures.service.js";
import type { MeasureRow } from "../measures/measures.tables.js";
import { formatValue, seriesView } from "../measures/measures.view.js";
import type { Change, MeasureSeries, SeriesPoint } from "../measures/series.js";
import { reportSections, type Quarter, type ReportSectionId } from "./reports.schema.js";

/** One figure: its sentences, what it counts, and its data as a table (with a chart on the web page). */
export interface ReportFigure {
  id: string;
  title: string;
  /** Sentences generated from the statistics. */
  statements: string[];
  /** Period, population and what counts. */
  definition: string;
  source: string;
  table: ChartTable;
  /** Drawn on the web page only; the PDF and DOCX carry the table. */
  chart: { option: ChartOption; description: string } | null;
  cautions: string[];
}

export interface ReportSectionContent {
  id: ReportSectionId;
  number: number;
  title: string;
  /** What is missing or how to read the section. */
  notes: string[];
  figures: ReportFigure[];
}

export interface ReportContent {
  quarter: Quarter;
  /** "Q2 2025/26". */
  period: string;
  /** "July to September 2025". */
  months: string;
  /** Register and tracker statuses are as of this date. */
  asOf: string;
  sections: ReportSectionContent[];
}

/** Measures of each part that are named here rather than by a catalogue field. */
const OUTCOME_MEASURES = [
  "outcomes.all-crime.positive",
  "outcomes.all-crime.charge-summons",
  "outcomes.all-crime.out-of-court-disposal",
  "outcomes.all-crime.no-suspect-identified",
];
const COMPLAINTS_MEASURES = [
  "complaints.recorded",
  "complaints.allegations",
  "complaints.average-days-to-finalise",
  "conduct.cases",
];
/** The four acquisitive crimes the meeting reviews by LPA; data.police.uk publishes them as these categories. */
const LPA_CRIMES = [
  { id: "crimes.burglary", note: "data.police.uk does not split residential from business burglary" },
  { id: "crimes.vehicle-crime", note: null },
  { id: "crimes.shoplifting", note: null },
  { id: "crimes.bicycle-theft", note: null },
] as const;
/** The victim survey's measures: satisfied respondents out of responses. */
const isSatisfactionSurvey = (measure: MeasureRow) =>
  measure.id.startsWith("victims.satisfaction") && measure.unit === "%";

interface Context {
  db: Kysely<Database>;
  quarter: Quarter;
  areas: AreaDirectory;
  home: Area;
  measures: Map<string, MeasureRow>;
  forceNames: Record<string, string>;
  asOf: string;
  publishedMeasuresOnly: boolean;
}

/** `publishedMeasuresOnly` for a public reader: a measure not yet published stays out of the report too. */
export async function buildReportContent(
  db: Kysely<Database>,
  quarter: Quarter,
  options: { asOf: string; publishedMeasuresOnly: boolean },
): Promise<ReportContent> {
  const { asOf } = options;
  const areas = await areaDirectory();
  const home = areas.get("force", HOME_FORCE_ID);
  if (!home) throw new Error(`The reference data has no force ${HOME_FORCE_ID}.`);
  const measures = new Map(
    (await listCatalogue(db, { publishedOnly: options.publishedMeasuresOnly })).map((measure) => [
      measure.id,
      measure,
    ]),
  );
  const forceNames = Object.fromEntries(
    areas.all.filter((area) => area.type === "force").map((area) => [area.code, area.name]),
  );
  const { publishedMeasuresOnly } = options;
  const context: Context = { db, quarter, areas, home, measures, forceNames, asOf, publishedMeasuresOnly };
  const builders: Record<
    ReportSectionId,
    (context: Context) => Promise<Omit<ReportSectionContent, "id" | "number" | "title">>
  > = {
    plan: planSection,
    outcomes: outcomesSection,
    complaints: (c) => measuresSection(c, COMPLAINTS_MEASURES),
    acquisitive: acquisitiveSection,
    "national-priorities": nationalPrioritiesSection,
    "victim-satisfaction": satisfactionSection,
    hmicfrs: inspectionsSection,
    actions: actionsSection,
  };
  const sections: ReportSectionContent[] = [];
  for (const [index, section] of reportSections.entries()) {
    sections.push({
      id: section.id,
      number: index + 1,
      title: section.title,
      ...(await builders[section.id](context)),
    });
  }
  return { quarter, period: formatPeriod(quarter), months: describePeriod(quarter), asOf, sections };
}

// ---------------------------------------------------------------------------------------------
// Series of a measure over the quarter and the year before it

function monthPeriod(month: string): Period {
  return { kind: "month", year: Number(month.slice(0, 4)), month: Number(month.slice(5, 7)) };
}

/** Enough history for a trend and the same period last year: the five quarters to the report's quarter. */
function seriesRange(measure: MeasureRow, quarter: Quarter): { from: string; to: string } {
  const from = periodDates(samePeriodLastYear(quarter)).start;
  const months = periodMonths(quarter);
  const to =
    measure.frequency === "quarterly"
      ? periodDates(quarter).start
      : periodDates(monthPeriod(months[months.length - 1]!)).start;
  return { from, to };
}

/** The home force's series of a measure over the report's range. */
function seriesOf(context: Context, measure: MeasureRow) {
  return measureSeries(context.db, measure, {
    area: context.home.code,
    ...seriesRange(measure, context.quarter),
  });
}

/** The series' latest point, if it falls in the quarter (its last month, for a monthly measure). */
function latestInQuarter(series: MeasureSeries, quarter: Quarter) {
  const latest = series.points[series.points.length - 1];
  if (!latest) return null;
  const quarterDates = periodDates(quarter);
  return latest.periodEnd === quarterDates.end ? latest : null;
}

function sourceOf(measure: MeasureRow): string {
  return measure.source === "data.police.uk"
    ? "data.police.uk (Open Government Licence v3.0)"
    : measure.source.charAt(0).toUpperCase() + measure.source.slice(1);
}

function definitionOf(measure: MeasureRow, area: Area, span: string): string {
  return `${measure.definition.replace(/\.$/, "")}. Area: ${area.name}. Period: ${span}`;
}

/** A change as the describe* builders say it, or the series' own words when it carries no test. */
function changeSentence(series: MeasureSeries, change: Change | null): string | null {
  if (!change || series.change.latest === null) return null;
  const { measure } = series;
  const current = parsePeriod(series.change.latest);
  const previous = parsePeriod(change.period);
  if (change.test && "difference" in change.test) {
    return describeProportionChange({ measure: measure.name, change: change.test, current, previous });
  }
  if (change.test)
    return describeCountChange({ measure: measure.name, change: change.test, current, previous });
  return (
    `${measure.name}: ${formatValue(change.value, measure.unit)} in ${periodLabel(current)} against ` +
    `${formatValue(change.previousValue, measure.unit)} in ${periodLabel(previous)} (${change.statement}).`
  );
}

function unitLabel(measure: MeasureRow): string {
  if (measure.unit === "count") return measure.source === "data.police.uk" ? "Crimes recorded" : "Number";
  return measure.unit === "%" ? "Per cent" : measure.unit.charAt(0).toUpperCase() + measure.unit.slice(1);
}

/** The series as a table: each period's value, counts, SPC mean, limits and signal (from seriesView). */
function seriesTable(series: MeasureSeries): ChartTable {
  const view = seriesView(series);
  const withCounts = series.points.some((point) => point.denominator !== null);
  return {
    caption: `${series.measure.name}, ${series.area.name}: values and statistical process control`,
    head: [
      textCell("Period"),
      numericCell("Value"),
      ...(withCounts ? [numericCell("Numerator"), numericCell("Denominator")] : []),
      numericCell("Mean"),
      numericCell("Process limits"),
      textCell("Signal"),
    ],
    rows: view.rows.map((row) => [
      textCell(periodLabel(parsePeriod(row.period))),
      numericCell(row.value),
      ...(withCounts ? [numericCell(row.numerator), numericCell(row.denominator)] : []),
      numericCell(row.mean),
      numericCell(row.limits),
      textCell(row.signal || "Common cause"),
    ]),
  };
}

function trendChart(series: MeasureSeries, definition: string): ReportFigure["chart"] {
  const input = { ...seriesTrend(series, unitLabel(series.measure)), definition };
  return { option: trendChartOption(input), description: describeTrend(input) };
}

/** A measure's latest figure in the quarter: value, changes, SPC variation and, for a force, the MSG comparison. */
async function measureFigure(context: Context, measure: MeasureRow): Promise<ReportFigure | string> {
  const series = await seriesOf(context, measure);
  const latest = latestInQuarter(series, context.quarter);
  if (!latest) return `${measure.name}: no figure for ${formatPeriod(context.quarter)} yet.`;
  const span = `${periodLabel(parsePeriod(series.points[0]!.period))} to ${periodLabel(parsePeriod(latest.period))}`;
  const definition = definitionOf(measure, series.area, span);
  const view = seriesView(series);
  // Crimes counted from data.police.uk add up over the quarter's months; other measures do not (shares, rolling counts).
  const quarterSentence =
    measure.query_json !== null && measure.unit === "count"
      ? quarterChange({ measure, areaName: series.area.name, points: series.points }, context.quarter)
      : null;
  const statements = [
    quarterSentence,
    `${measure.name}, ${series.area.name}: ${formatValue(latest.value, measure.unit)} in ${periodLabel(parsePeriod(latest.period))}.`,
    changeSentence(series, series.change.samePeriodLastYear),
    changeSentence(series, series.change.previousPeriod),
    view.variation ? `Statistical process control: ${view.variation.toLowerCase()} over ${span}.` : null,
    series.msg.comparison
      ? describeMsg({
          measure: `${measure.name} (${periodLabel(parsePeriod(series.msg.period))})`,
          comparison: series.msg.comparison,
          focusForceId: context.home.code,
          forceNames: context.forceNames,
        })
      : null,
  ].filter((sentence): sentence is string => sentence !== null);
  return {
    id: measure.id,
    title: measure.name,
    statements,
    definition,
    source: sourceOf(measure),
    table: seriesTable(series),
    chart: trendChart(series, definition),
    cautions: latest.note ? [latest.note] : [],
  };
}

async function measuresSection(context: Context, ids: readonly string[]) {
  const figures: ReportFigure[] = [];
  const notes: string[] = [];
  for (const id of ids) {
    const measure = context.measures.get(id);
    if (!measure) {
      notes.push(
        context.publishedMeasuresOnly
          ? `Measure ${id} is not published.`
          : `The catalogue has no measure ${id}.`,
      );
      continue;
    }
    const figure = await measureFigure(context, measure);
    if (typeof figure === "string") notes.push(figure);
    else figures.push(figure);
  }
  return { notes, figures };
}

// ---------------------------------------------------------------------------------------------
// 1. Police and Crime Plan priorities

async function planSection(context: Context) {
  const linked = [...context.measures.values()]
    .filter((measure) => measure.local_priority !== null)
    .sort(
      (a, b) =>
        (a.local_priority ?? "").localeCompare(b.local_priority ?? "") || a.name.localeCompare(b.name),
    );
  if (linked.length === 0) {
    return {
      notes: [
        "No measure is linked to a Police and Crime Plan priority yet: an editor sets a measure's plan priority on its settings page.",
      ],
      figures: [],
    };
  }
  const rows: ChartTable["rows"] = [];
  const statements: string[] = [];
  for (const measure of linked) {
    const series = await seriesOf(context, measure);
    const latest = latestInQuarter(series, context.quarter);
    const change = series.change.samePeriodLastYear ?? series.change.previousPeriod;
    const changeText = latest ? changeSentence(series, change) : null;
    if (changeText) statements.push(changeText);
    rows.push([
      textCell(measure.local_priority ?? ""),
      textCell(measure.name),
      textCell(latest ? periodLabel(parsePeriod(latest.period)) : "No figure yet"),
      numericCell(latest ? formatValue(latest.value, measure.unit) : ""),
      textCell(
        change && latest
          ? `${change.against}: ${formatValue(change.previousValue, measure.unit)} in ${periodLabel(parsePeriod(change.period))}`
          : "",
      ),
    ]);
  }
  return {
    notes: [],
    figures: [
      {
        id: "plan-priorities",
        title: "Measures of the Police and Crime Plan priorities",
        statements,
        definition: `Each measure the office has linked to a plan priority, for ${context.home.name}, latest figure in ${formatPeriod(context.quarter)} (the quarter's last month for monthly measures)`,
        source: "The measures catalogue: data.police.uk and force returns",
        table: {
          caption: `Police and Crime Plan priorities: latest figures, ${formatPeriod(context.quarter)}`,
          head: [
            textCell("Priority"),
            textCell("Measure"),
            textCell("Period"),
            numericCell("Value"),
            textCell("Compared with"),
          ],
          rows,
        },
        chart: null,
        cautions: [],
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Outcomes with the most similar group

async function outcomesSection(context: Context) {
  const figures: ReportFigure[] = [];
  const notes: string[] = [
    "The forces compared are the Most Similar Group set for the force; a member with no figure for the month, or only a partial one, is listed as left out and not ranked. Outcomes are updated as investigations end, so recent months' shares rise over time.",
  ];
  for (const id of OUTCOME_MEASURES) {
    const measure = context.measures.get(id);
    if (!measure) continue;
    const series = await seriesOf(context, measure);
    const latest = latestInQuarter(series, context.quarter);
    if (!latest || !series.msg.comparison) {
      notes.push(
        `${measure.name}: no comparison for ${formatPeriod(context.quarter)}${series.msg.comparison ? "" : ` (${series.msg.reason})`}`,
      );
      continue;
    }
    const month = periodLabel(parsePeriod(series.msg.period));
    const msgInput = {
      measure: measure.name,
      comparison: series.msg.comparison,
      focusForceId: context.home.code,
      forceNames: context.forceNames,
    };
    const definition = `${measure.definition.replace(/\.$/, "")}. Forces compared for ${month}, the last month of the quarter`;
    figures.push({
      id: measure.id,
      title: `${measure.name}: ${context.home.name} and its group, ${month}`,
      statements: [describeMsg(msgInput)],
      definition,
      source: sourceOf(measure),
      table: msgTable(msgInput),
      chart: { option: msgBarsOption(msgInput), description: describeMsg({ ...msgInput, definition }) },
      cautions: [],
    });
  }
  return { notes, figures };
}

// ---------------------------------------------------------------------------------------------
// 4. Acquisitive crime by local policing area

interface QuarterTotal {
  period: Period;
  count: number;
  days: number;
}

/** A crime measure's monthly counts in an area: a series' points, or an area's in a breakdown. */
interface AreaCounts {
  measure: MeasureRow;
  areaName: string;
  points: readonly SeriesPoint[];
}

/** The crimes of a quarter, if every one of its months is loaded. */
function quarterTotal(counts: AreaCounts, quarter: Period): QuarterTotal | null {
  const months = periodMonths(quarter);
  const points = months.map((month) => counts.points.find((point) => point.period === month));
  if (points.some((point) => point === undefined)) return null;
  const { start, end } = periodDates(quarter);
  const days = (Date.parse(end) - Date.parse(start)) / 86_400_000 + 1;
  return { period: quarter, count: points.reduce((sum, point) => sum + point!.value, 0), days };
}

/** The quarter against the same quarter last year where it is loaded, or else against the quarter before. */
function quarterChange(counts: AreaCounts, quarter: Quarter): string | null {
  const current = quarterTotal(counts, quarter);
  const previous =
    quarterTotal(counts, samePeriodLastYear(quarter)) ?? quarterTotal(counts, previousPeriod(quarter));
  if (!current || !previous) return null;
  const change = compareCounts(current.count, previous.count, {
    currentExposure: current.days,
    previousExposure: previous.days,
  });
  return describeCountChange({
    measure: `${counts.measure.name} in ${counts.areaName}`,
    change,
    current: quarter,
    previous: previous.period,
  });
}

async function acquisitiveSection(context: Context) {
  const lpas = context.areas.all.filter(
    (area) => area.type === "lpa" && context.areas.forceIdOf(area) === context.home.code,
  );
  const months = [...periodMonths(previousPeriod(context.quarter)), ...periodMonths(context.quarter)];
  const categories = months.map((month) => periodLabel(monthPeriod(month)));
  const figures: ReportFigure[] = [];
  const notes: string[] = [];
  for (const crime of LPA_CRIMES) {
    const measure = context.measures.get(crime.id);
    if (!measure) continue;
    // Quarter totals need the counts alone: the force's and its LPAs' are read together, with no series statistics.
    const [points, measureNotes] = await Promise.all([
      measurePoints(context.db, measure, [context.home, ...lpas], seriesRange(measure, context.quarter)),
      listMeasureNotes(context.db, measure.id),
    ]);
    const countsIn = (area: Area, areaName: string): AreaCounts => ({
      measure,
      areaName,
      points: points.get(area.code) ?? [],
    });
    const statements = [quarterChange(countsIn(context.home, context.home.name), context.quarter)];
    const areas = [];
    for (const lpa of lpas) {
      const counts = countsIn(lpa, lpa.name.replace(/ \(.*\)$/, ""));
      statements.push(quarterChange(counts, context.quarter));
      areas.push({
        name: counts.areaName,
        values: months.map((month) => counts.points.find((point) => point.period === month)?.value ?? null),
      });
    }
    if (areas.every((area) => area.values.every((value) => value === null))) {
      notes.push(
        `${measure.name}: no data.police.uk data for ${context.home.name} in ${categories[0]} to ${categories[categories.length - 1]}.`,
      );
      continue;
    }
    const definition =
      `${measure.definition.replace(/\.$/, "")}. By local policing area of ${context.home.name} (crimes placed by their LSOA's local authority), ` +
      `monthly, ${categories[0]} to ${categories[categories.length - 1]}` +
      (crime.note ? `; ${crime.note}` : "");
    const input = {
      measure: measure.name,
      areaKind: "local policing area",
      categories,
      areas,
      unit: "Crimes recorded",
      kind: "bar" as const,
      definition,
      notes: { notes: measureNotes, periodStarts: months.map((month) => `${month}-01`) },
    };
    const description = describeSmallMultiples(input);
    figures.push({
      id: `lpa-${measure.id}`,
      title: `${measure.name} by local policing area`,
      statements: statements.filter((sentence): sentence is string => sentence !== null),
      definition,
      source: sourceOf(measure),
      table: smallMultiplesTable(input),
      chart: { option: smallMultiplesOption(input), description },
      cautions: [],
    });
  }
  return { notes, figures };
}

// ---------------------------------------------------------------------------------------------
// 5. National priorities

async function nationalPrioritiesSection(context: Context) {
  const figures: ReportFigure[] = [];
  const notes: string[] = [];
  for (const [priority, name] of Object.entries(nationalPriorities) as [NationalPriority, string][]) {
    const all = [...context.measures.values()].filter((measure) => measure.national_priority === priority);
    // The survey's measures have their own section, with their intervals.
    const linked = all.filter((measure) => !isSatisfactionSurvey(measure));
    if (linked.length < all.length) notes.push(`${name}: the victim survey's results are in section 6.`);
    if (all.length === 0) {
      notes.push(`${name}: no measure in the catalogue is linked to this priority yet.`);
      continue;
    }
    for (const measure of linked) {
      const figure = await measureFigure(context, measure);
      if (typeof figure === "string") {
        notes.push(`${name}: ${figure}`);
        continue;
      }
      figures.push({ ...figure, id: `priority-${measure.id}`, title: `${name}: ${measure.name}` });
    }
  }
  return { notes, figures };
}

// ---------------------------------------------------------------------------------------------
// 6. Victim satisfaction with intervals

async function satisfactionSection(context: Context) {
  const measures = [...context.measures.values()].filter(isSatisfactionSurvey);
  const rows: ChartTable["rows"] = [];
  const statements: string[] = [];
  const cautions: string[] = [];
  const notes: string[] = [];
  for (const measure of measures) {
    const series = await seriesOf(context, measure);
    const latest = latestInQuarter(series, context.quarter);
    if (!latest || latest.numerator === null || latest.denominator === null || latest.denominator === 0) {
      notes.push(`${measure.name}: no survey responses for ${formatPeriod(context.quarter)}.`);
      continue;
    }
    const interval = wilsonInterval(latest.numerator, latest.denominator);
    const range = `${formatPercent(interval.lower)} to ${formatPercent(interval.upper)}`;
    statements.push(
      `${measure.name}: ${formatPercent(interval.estimate)} of ${formatNumber(interval.total)} victims surveyed were satisfied in ${formatPeriod(context.quarter)} (95% confidence interval ${range}).`,
    );
    const change = changeSentence(series, series.change.samePeriodLastYear);
    if (change) statements.push(change);
    if (interval.smallSample) {
      cautions.push(
        `${measure.name} rests on ${formatNumber(interval.total)} responses, fewer than ${DEFAULT_SMALL_SAMPLE_THRESHOLD}: its interval is wide and small changes are not meaningful.`,
      );
    }
    rows.push([
      textCell(measure.name),
      numericCell(formatNumber(interval.successes)),
      numericCell(formatNumber(interval.total)),
      numericCell(formatPercent(interval.estimate)),
      numericCell(range),
      textCell(interval.smallSample ? "Small sample" : ""),
    ]);
  }
  if (rows.length === 0) return { notes, figures: [] };
  return {
    notes,
    figures: [
      {
        id: "victim-satisfaction-intervals",
        title: `Victim satisfaction, ${formatPeriod(context.quarter)}`,
        statements,
        definition: `Victims of crime in ${context.home.name} surveyed about the quarter's contact who said they were satisfied with the whole experience (or with the service for their kind of crime), as a share of those who answered; 95% Wilson score intervals; fewer than ${DEFAULT_SMALL_SAMPLE_THRESHOLD} responses is a small sample`,
        source: "Force return (victim satisfaction survey)",
        table: {
          caption: `Victim satisfaction with 95% confidence intervals, ${formatPeriod(context.quarter)}`,
          head: [
            textCell("Measure"),
            numericCell("Satisfied"),
            numericCell("Responses"),
            numericCell("Satisfied (%)"),
            numericCell("95% interval"),
            textCell("Caution"),
          ],
          rows,
        },
        chart: null,
        cautions,
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// 7. HMICFRS progress

async function inspectionsSection(context: Context) {
  const filter = registerFilterSchema.parse({});
  const counts = await countByStatus(context.db, filter, context.asOf);
  const pastTarget = await listRegister(context.db, { ...filter, overdue: true }, context.asOf);
  const open = counts.open + counts.in_progress + counts.ready_for_closure;
  const asOf = formatDate(context.asOf);
  return {
    notes: [],
    figures: [
      {
        id: "hmicfrs-status",
        title: "Findings by status",
        statements: [
          `At ${asOf}, ${open} HMICFRS findings (causes of concern, recommendations and areas for improvement) are open and ${counts.closed} closed; ${pastTarget.length} open ${pastTarget.length === 1 ? "is" : "are"} past ${pastTarget.length === 1 ? "its" : "their"} target date.`,
        ],
        definition: `Every finding in the office's HMICFRS register, by its status on ${asOf}; past target means open with a target date before that day`,
        source: "The HMICFRS register kept in Scrutineer",
        table: {
          caption: `HMICFRS findings by status at ${asOf}`,
          head: [textCell("Status"), numericCell("Findings")],
          rows: [
            ...findingStatuses.map((status) => [
              textCell(findingStatusLabels[status]),
              numericCell(String(counts[status])),
            ]),
            [textCell("Open and past target date"), numericCell(String(pastTarget.length))],
          ],
        },
        chart: null,
        cautions: pastTarget.some((finding) => finding.inspection_is_sample === 1)
          ? ["The register holds SAMPLE inspections (demonstration data)."]
          : [],
      },
      ...(pastTarget.length === 0
        ? []
        : [
            {
              id: "hmicfrs-past-target",
              title: "Findings past their target date",
              statements: [],
              definition: `Open findings whose target date is before ${asOf}`,
              source: "The HMICFRS register kept in Scrutineer",
              table: {
                caption: `HMICFRS findings past their target date at ${asOf}`,
                head: [
                  textCell("Reference"),
                  textCell("Inspection"),
                  textCell("Owner"),
                  textCell("Target date"),
                  textCell("Status"),
                ],
                rows: pastTarget.map((finding) => [
                  textCell(finding.reference),
                  textCell(finding.inspection_title),
                  textCell(finding.owner ?? ""),
                  textCell(formatDate(finding.target_date)),
                  textCell(findingStatusLabels[finding.status]),
                ]),
              },
              chart: null,
              cautions: [],
            },
          ]),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// 8. The action tracker

async function actionsSection(context: Context) {
  const actions = await listActions(context.db, {}, context.asOf);
  const { start, end } = periodDates(context.quarter);
  const open = actions.filter((action) => action.status !== "closed");
  const overdue = actions.filter((action) => action.overdue);
  const closed = actions.filter(
    (action) => action.closedOn !== null && action.closedOn >= start && action.closedOn <= end,
  );
  const asOf = formatDate(context.asOf);
  const actionTable = (caption: string, list: typeof actions): ChartTable => ({
    caption,
    head: [
      textCell("Action"),
      textCell("Description"),
      textCell("Owner"),
      textCell("Due"),
      textCell("Status"),
    ],
    rows: list.map((action) => [
      textCell(action.reference),
      textCell(action.description),
      textCell(action.owners.map((owner) => owner.label).join("; ")),
      textCell(formatDate(action.dueDate)),
      textCell(action.statusLabel),
    ]),
  });
  const source = "The action tracker kept in Scrutineer";
  return {
    notes: [],
    figures: [
      {
        id: "actions-summary",
        title: "Actions open, overdue and closed",
        statements: [
          `At ${asOf}, ${open.length} actions are open, ${overdue.length} of them overdue; ${closed.length} ${closed.length === 1 ? "was" : "were"} closed in ${formatPeriod(context.quarter)} (${describePeriod(context.quarter)}).`,
        ],
        definition: `Every action in the tracker: open means not closed, overdue means open or in progress with a due date before ${asOf}, closed in the quarter means closed between ${formatDate(start)} and ${formatDate(end)}`,
        source,
        table: actionTable(`Overdue actions at ${asOf}`, overdue),
        chart: null,
        cautions: [],
      },
      {
        id: "actions-closed",
        title: `Actions closed in ${formatPeriod(context.quarter)}`,
        statements: [],
        definition: `Actions closed between ${formatDate(start)} and ${formatDate(end)}`,
        source,
        table: actionTable(`Actions closed in ${formatPeriod(context.quarter)}`, closed),
        chart: null,
        cautions: [],
      },
    ],
  };
}
