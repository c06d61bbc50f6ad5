/**
 * The explorer's charts (server-drawn SVG, the ECharts option to enhance them, a data table and a text
 * alternative for each) and its CSV, both made from the same figures so the download is what is shown.
 */
import {
  describeMsg,
  describeSmallMultiples,
  describeSpc,
  describeTrend,
  msgVerdictInWords,
  spcSignalInWords,
} from "../../charts/describe.js";
import { formatNumber, formatPercent, monthOf, periodLabel } from "../../charts/format.js";
import { msgBarsOption, msgFunnelOption, msgTable, type MsgChartInput } from "../../charts/msg-chart.js";
import { spcChartOption, spcTable, type SpcChartInput } from "../../charts/spc-chart.js";
import type { ChartTable } from "../../charts/table.js";
import {
  smallMultiplesOption,
  smallMultiplesTable,
  trendChartOption,
  trendTable,
  type SmallMultiplesInput,
  type TrendChartInput,
} from "../../charts/trend-chart.js";
import { renderSvgChart, type ChartOption } from "../../lib/charts.js";
import { formatPeriod, parsePeriod } from "../../stats/periods.js";
import type { SpcPoint } from "../../stats/spc.js";
import { toCsv } from "../crime/counts.service.js";
import type { Area } from "../measures/areas.js";
import type { MeasureUnit } from "../measures/measures.schema.js";
import type { MeasureRow } from "../measures/measures.tables.js";
import type { MeasureSeries } from "../measures/series.js";
import { DATA_POLICE_UK_CRIME_TYPES } from "../measures/measures.schema.js";
import type {
  Breakdown,
  Explorer,
  ExplorerChoices,
  HotSpotRow,
  HotSpotsSection,
} from "./performance.service.js";

/** What the chartFigure macro (src/views/charts.njk) takes. */
export interface ChartFigure {
  id: string;
  title: string;
  svg: string;
  description: string;
  table: ChartTable;
  definition: string;
  source: string;
  option: ChartOption;
}

const CHART_WIDTH = 720;

const axisNames: Record<MeasureUnit, string> = {
  count: "Number",
  "rate per 1,000": "Rate per 1,000",
  "%": "Per cent",
  seconds: "Seconds",
  minutes: "Minutes",
  days: "Days",
  "£": "Pounds",
};

function figure(measure: MeasureRow, fields: ChartParts, height: number): ChartFigure {
  return {
    ...fields,
    svg: renderSvgChart(fields.option, { width: CHART_WIDTH, height }, fields.description),
    definition: measure.definition.replace(/\.$/, ""),
    source: measure.source,
  };
}

/** A period's name from its text: "June 2025" (or "Jun 2025" on an axis), "Q1 2025/26". */
function periodName(text: string, style: "long" | "short" = "long"): string {
  const period = parsePeriod(text);
  return period.kind === "month" ? monthOf(`${text}-01`, style) : periodLabel(period);
}

/**
 * The SPC points of a series in the shape the chart module draws: the statistics measureSeries computed
 * (mean, limits, signal), not new ones. Fields the charts do not read are left empty.
 */
function spcPointsOf(series: MeasureSeries): SpcPoint[] {
  const rebasedAt = series.spc?.rebasedAt ?? [];
  return series.points.flatMap((point) =>
    point.spc
      ? [
          {
            x: point.periodStart,
            y: point.value,
            mean: point.spc.mean,
            lpl: point.spc.lpl,
            upl: point.spc.upl,
            nlpl: null,
            nupl: null,
            point_type: point.spc.pointType,
            special_cause_type: point.spc.rule,
            special_cause_flag: point.spc.pointType !== "common_cause",
            outside_limits: null,
            close_to_limits: null,
            relative_to_mean: Math.sign(point.value - point.spc.mean) as -1 | 0 | 1,
            rebase_group: rebasedAt.filter((start) => start <= point.periodStart).length,
            short_group_warning: false,
            fix_y: null,
            target: series.measure.target,
          },
        ]
      : [],
  );
}

/** A series in the SPC chart's shape: its points, unit, annotations and period names. */
export function spcChartInput(series: MeasureSeries): SpcChartInput {
  const periodByStart = new Map(series.points.map((p) => [p.periodStart, p.period]));
  return {
    measure: series.measure.name,
    unit: axisNames[series.measure.unit],
    points: spcPointsOf(series),
    annotations: series.annotations.map((a) => ({ date: a.date, text: a.text })),
    periodOf: (x, style) => periodName(periodByStart.get(x) ?? x.slice(0, 7), style),
  };
}

function msgInput(explorer: Explorer): MsgChartInput | null {
  const { msg } = explorer.series;
  if (msg.comparison === null) return null;
  return {
    measure: explorer.measure.name,
    comparison: msg.comparison,
    focusForceId: explorer.area.code,
    forceNames: explorer.forceNames,
  };
}

/** LPAs are named "North Worcestershire (West Mercia Police local policing area)"; a small chart needs the first part. */
function shortName(area: Area): string {
  return area.type === "lpa" ? area.name.replace(/ \(.*\)$/, "") : area.name;
}

function breakdownInput(
  measure: MeasureRow,
  breakdown: Breakdown,
  notes: MeasureSeries["annotations"],
): SmallMultiplesInput {
  const starts = [...new Set(breakdown.areas.flatMap((a) => a.points.map((p) => p.periodStart)))].sort();
  const periodOfStart = new Map(
    breakdown.areas.flatMap((a) => a.points.map((p) => [p.periodStart, p.period])),
  );
  return {
    measure: measure.name,
    areaKind: breakdown.areaKind,
    unit: axisNames[measure.unit],
    kind: "line",
    categories: starts.map((start) => periodName(periodOfStart.get(start)!)),
    areas: breakdown.areas.map(({ area, points }) => ({
      name: shortName(area),
      values: starts.map((start) => points.find((p) => p.periodStart === start)?.value ?? null),
    })),
    notes: { notes, periodStarts: starts },
  };
}

/** A total of percentages or averages means nothing: only counts keep the table's total column. */
function breakdownTable(measure: MeasureRow, input: SmallMultiplesInput): ChartTable {
  const table = smallMultiplesTable(input);
  if (measure.unit === "count") return table;
  return { ...table, head: table.head.slice(0, -1), rows: table.rows.map((row) => row.slice(0, -1)) };
}

const breakdownIds: Record<Breakdown["areaKind"], string> = {
  "local policing area": "breakdown-lpa",
  "local authority": "breakdown-local-authority",
};

export interface ExplorerFigures {
  overTime: ChartFigure | null;
  msgFunnel: ChartFigure | null;
  msgBars: ChartFigure | null;
  breakdowns: { areaKind: Breakdown["areaKind"]; figure: ChartFigure | null }[];
}

/** A series as one line over its periods, with the measure's notes: its chart where there is no SPC chart. */
export function seriesTrend(series: MeasureSeries, unit: string): TrendChartInput {
  return {
    measure: series.measure.name,
    unit,
    kind: "line",
    categories: series.points.map((point) => periodName(point.period)),
    series: [{ name: series.area.name, values: series.points.map((point) => point.value) }],
    notes: { notes: series.annotations, periodStarts: series.points.map((point) => point.periodStart) },
  };
}

/** A chart as the pages draw it, before it is drawn at a size. */
export type ChartParts = Omit<ChartFigure, "svg" | "definition" | "source">;

/**
 * The series over time: its SPC chart, or where SPC does not apply (overlapping periods) its trend line; null
 * when it has no points. The explorer, the measure page and the public summary draw it.
 */
export function seriesChart(series: MeasureSeries): ChartParts | null {
  const place = `${series.measure.name}, ${series.area.name}`;
  if (series.spcOmitted !== null && series.points.length > 0) {
    const trend = seriesTrend(series, axisNames[series.measure.unit]);
    return {
      id: "trend-chart",
      title: `${place}: trend`,
      description: `${describeTrend(trend)} ${series.spcOmitted}`,
      table: trendTable(trend),
      option: trendChartOption(trend),
    };
  }
  const spc = spcChartInput(series);
  if (spc.points.length === 0) return null;
  return {
    id: "spc-chart",
    title: `${place}: statistical process control chart`,
    description: describeSpc(spc),
    table: spcTable(spc),
    option: spcChartOption(spc),
  };
}

export function seriesFigure(series: MeasureSeries): ChartFigure | null {
  const chart = seriesChart(series);
  return chart && figure(series.measure, chart, 420);
}

export function explorerFigures(explorer: Explorer): ExplorerFigures {
  const { measure, series, area } = explorer;
  const msg = msgInput(explorer);
  const place = `${measure.name}, ${area.name}`;
  const msgPeriod = series.msg.comparison ? series.msg.period : "";
  return {
    overTime: seriesFigure(series),
    msgFunnel:
      msg &&
      figure(
        measure,
        {
          id: "msg-funnel",
          title: `${measure.name}: most similar group funnel plot, ${msgPeriod && periodName(msgPeriod)}`,
          description: describeMsg(msg),
          table: msgTable(msg),
          option: msgFunnelOption(msg),
        },
        440,
      ),
    msgBars:
      msg &&
      figure(
        measure,
        {
          id: "msg-bars",
          title: `${measure.name}: forces in the most similar group, ranked`,
          description: describeMsg(msg),
          table: msgTable(msg),
          option: msgBarsOption(msg),
        },
        80 + 32 * (msg.comparison.forces.length + msg.comparison.excluded.length),
      ),
    breakdowns: explorer.breakdowns.map((breakdown) => {
      if (breakdown.areas.length === 0) return { areaKind: breakdown.areaKind, figure: null };
      const input = breakdownInput(measure, breakdown, series.annotations);
      const rows = Math.ceil(input.areas.length / (input.columns ?? 3));
      return {
        areaKind: breakdown.areaKind,
        figure: figure(
          measure,
          {
            id: breakdownIds[breakdown.areaKind],
            title: `${place}, by ${breakdown.areaKind}`,
            description: describeSmallMultiples(input),
            table: breakdownTable(measure, input),
            option: smallMultiplesOption(input),
          },
          180 * rows,
        ),
      };
    }),
  };
}

export const CSV_COLUMNS = [
  "section",
  "area_code",
  "area",
  "period",
  "value",
  "numerator",
  "denominator",
  "mean",
  "lower_process_limit",
  "upper_process_limit",
  "signal",
  "position",
  "compared_with_group_average",
  "previous_value",
  "share_of_force_total",
  "note",
] as const;
type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], string | number | null>>;

/** The figures behind every table the page shows, one CSV row per table row, as numbers rather than text. */
export function explorerCsv(explorer: Explorer): string {
  const { series, area } = explorer;
  const rows: CsvRow[] = [];
  const spcPoints = spcPointsOf(series);
  for (const point of series.points) {
    if (!point.spc) continue;
    const spcPoint = spcPoints.find((p) => p.x === point.periodStart)!;
    rows.push({
      section: "SPC",
      area_code: area.code,
      area: area.name,
      period: point.period,
      value: point.value,
      numerator: point.numerator,
      denominator: point.denominator,
      mean: point.spc.mean,
      lower_process_limit: point.spc.lpl,
      upper_process_limit: point.spc.upl,
      signal: spcSignalInWords(spcPoint),
      note: point.note,
    });
  }
  if (series.msg.comparison) {
    const { comparison, period } = series.msg;
    const scale = comparison.per === null ? 100 : 1;
    for (const force of comparison.forces) {
      rows.push({
        section: "Most similar group",
        area_code: force.forceId,
        area: explorer.forceNames[force.forceId] ?? force.forceId,
        period,
        value: force.value * scale,
        numerator: force.numerator,
        denominator: force.denominator,
        position: force.position,
        compared_with_group_average: msgVerdictInWords(force),
        note: force.isFocus ? "Focus force" : null,
      });
    }
    for (const excluded of comparison.excluded) {
      rows.push({
        section: "Most similar group",
        area_code: excluded.forceId,
        area: explorer.forceNames[excluded.forceId] ?? excluded.forceId,
        period,
        compared_with_group_average: "Not compared",
        note: excluded.note,
      });
    }
  }
  for (const breakdown of explorer.breakdowns) {
    for (const { area: part, points } of breakdown.areas) {
      for (const point of points) {
        rows.push({
          section: `By ${breakdown.areaKind}`,
          area_code: part.code,
          area: part.name,
          period: point.period,
          value: point.value,
          numerator: point.numerator,
          denominator: point.denominator,
          note: point.note,
        });
      }
    }
  }
  if (explorer.hotSpots.state === "shown") {
    const { rows: spots, period } = explorer.hotSpots;
    for (const spot of spots) {
      rows.push({
        section: "Hot spots",
        area_code: spot.lsoaCode,
        area: spot.lsoaName,
        period: formatPeriod(period),
        value: spot.count,
        previous_value: spot.previousCount,
        share_of_force_total: spot.shareOfForce,
        note: spot.localAuthorityName,
      });
    }
  }
  return toCsv({
    columns: [...CSV_COLUMNS],
    rows: rows.map((row) => CSV_COLUMNS.map((column) => row[column] ?? "")),
  });
}

type ShownHotSpots = Extract<HotSpotsSection, { state: "shown" }>;

function changeText(spot: HotSpotRow): string {
  const change = spot.count - spot.previousCount;
  const sign = change > 0 ? "+" : "";
  if (spot.previousCount === 0) return `${sign}${formatNumber(change)}`;
  return `${sign}${formatNumber(change)} (${sign}${formatPercent(change / spot.previousCount, 0)})`;
}

/** The hot spots as govuk-frontend's table takes them. */
export function hotSpotsTable(section: ShownHotSpots) {
  const numeric = (text: string) => ({ text, format: "numeric" });
  return {
    caption:
      `${section.crimeType}: the ${section.rows.length} neighbourhoods (LSOAs) of ${section.force.name} ` +
      `with the most crimes, ${periodLabel(section.period)}`,
    captionClasses: "govuk-table__caption--s",
    firstCellIsHeader: true,
    head: [
      { text: "Neighbourhood (LSOA)" },
      { text: "Local authority" },
      numeric(`Crimes, ${periodLabel(section.period)}`),
      numeric(`Crimes, ${periodLabel(section.previousPeriod)}`),
      numeric("Change"),
      numeric("Share of the force's total"),
    ],
    rows: section.rows.map((spot) => [
      { text: spot.lsoaName ? `${spot.lsoaName} (${spot.lsoaCode})` : spot.lsoaCode },
      { text: spot.localAuthorityName ?? "Not known" },
      numeric(formatNumber(spot.count)),
      numeric(formatNumber(spot.previousCount)),
      numeric(changeText(spot)),
      numeric(formatPercent(spot.shareOfForce)),
    ]),
  };
}

/** The explorer form's select items, with what is shown selected. */
export function formItems(
  choices: ExplorerChoices,
  selected: Record<"measure" | "area" | "crimeType", unknown>,
) {
  return {
    measureItems: choices.measures.map((m) => ({
      value: m.id,
      text: m.name,
      selected: m.id === selected.measure,
    })),
    areaItems: choices.areas.map((area) => ({
      value: area.code,
      text: area.name,
      selected: area.code === selected.area,
    })),
    crimeTypeItems: [
      { value: "", text: "The measure's own (if it counts crimes)" },
      ...DATA_POLICE_UK_CRIME_TYPES.map((type) => ({
        value: type,
        text: type,
        selected: type === selected.crimeType,
      })),
    ],
  };
}
