/**
 * Counts by period as bars or a line, optionally against a comparison series (this year against
 * last), and small multiples: one small chart per area on a shared scale, so areas compare by eye.
 */
import type { ChartOption } from "../lib/charts.js";
import { chartColours } from "../lib/charts.js";
import type { AreaDescriptionInput, TrendDescriptionInput } from "./describe.js";
import { formatNumber } from "./format.js";
import { noteMarkLine, type ChartNote } from "./notes.js";
import type { ChartTable } from "./table.js";
import { numericCell, textCell } from "./table.js";

/** A measure's notes and the start date of each category's period, to place each note. */
export interface NotesOnChart {
  notes: readonly ChartNote[];
  periodStarts: readonly string[];
}

export interface TrendChartInput extends TrendDescriptionInput {
  /** The y-axis name, e.g. "Crimes recorded". */
  unit: string;
  kind: "bar" | "line";
  /** Drawn on the first series, at the category whose period starts on or before each note's date. */
  notes?: NotesOnChart;
}

/** The first series (e.g. this year) in the value colour; the comparison in grey, dashed with open markers. */
const SERIES_STYLES = [
  { colour: chartColours.value, lineType: "solid", symbol: "circle" },
  { colour: chartColours.limit, lineType: "dashed", symbol: "emptyCircle" },
] as const;

export function trendChartOption(input: TrendChartInput): ChartOption {
  checkSeries(input.categories, input.series, 2);
  return {
    legend: { show: input.series.length > 1, bottom: 0, left: 0 },
    grid: { left: 56, right: 24, top: 40, bottom: input.series.length > 1 ? 64 : 40 },
    tooltip: { trigger: "axis", renderMode: "richText" },
    xAxis: { type: "category", data: input.categories, axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", name: input.unit, nameTextStyle: { align: "left" } },
    series: input.series.map((series, index) => {
      const style = SERIES_STYLES[index]!;
      return {
        name: series.name,
        type: input.kind,
        data: series.values,
        itemStyle: { color: style.colour },
        ...(index === 0 && input.notes
          ? noteMarkLine(input.notes.notes, input.notes.periodStarts, input.categories)
          : {}),
        ...(input.kind === "line"
          ? {
              symbol: style.symbol,
              symbolSize: 7,
              lineStyle: { color: style.colour, type: style.lineType, width: 2 },
            }
          : { barMaxWidth: 32 }),
      };
    }),
  };
}

export function trendTable(input: TrendChartInput): ChartTable {
  return {
    caption: `${input.measure}: ${input.unit.toLowerCase()} by period`,
    head: [textCell("Period"), ...input.series.map((s) => numericCell(s.name))],
    rows: input.categories.map((period, i) => [
      textCell(period),
      ...input.series.map((s) => numericCell(valueText(s.values[i]))),
    ]),
  };
}

export interface SmallMultiplesInput extends AreaDescriptionInput {
  unit: string;
  kind: "bar" | "line";
  /** Charts per row (default 3). */
  columns?: number;
  /** Drawn on every area's chart, with their text on the first. */
  notes?: NotesOnChart;
}

export function smallMultiplesOption(input: SmallMultiplesInput): ChartOption {
  checkSeries(input.categories, input.areas, Number.POSITIVE_INFINITY);
  const columns = input.columns ?? 3;
  const rows = Math.ceil(input.areas.length / columns);
  const cellWidth = 100 / columns;
  const cellHeight = 100 / rows;
  // One scale for every area, or the small charts would mislead: each would fill its own height.
  const sharedMax = niceCeiling(Math.max(0, ...input.areas.flatMap((a) => a.values.map((v) => v ?? 0))));
  const at = (i: number) => ({ column: i % columns, row: Math.floor(i / columns) });
  const lastLabelInterval = Math.max(0, input.categories.length - 2);

  return {
    title: input.areas.map((area, i) => ({
      text: area.name,
      left: `${at(i).column * cellWidth + 2}%`,
      top: `${at(i).row * cellHeight + 1}%`,
      textStyle: { fontSize: 13, fontWeight: "bold" },
    })),
    tooltip: { trigger: "axis", renderMode: "richText" },
    grid: input.areas.map((_, i) => ({
      left: `${at(i).column * cellWidth + 6}%`,
      width: `${cellWidth - 9}%`,
      top: `${at(i).row * cellHeight + cellHeight * 0.22}%`,
      height: `${cellHeight * 0.58}%`,
    })),
    xAxis: input.areas.map((_, i) => ({
      type: "category",
      gridIndex: i,
      data: input.categories,
      // First and last period only: the small charts have no room for more.
      axisLabel: { interval: lastLabelInterval, fontSize: 11 },
      axisTick: { show: false },
    })),
    yAxis: input.areas.map((_, i) => ({
      type: "value",
      gridIndex: i,
      min: 0,
      max: sharedMax,
      interval: sharedMax / 2,
      axisLabel: { fontSize: 11 },
    })),
    series: input.areas.map((area, i) => ({
      name: area.name,
      type: input.kind,
      xAxisIndex: i,
      yAxisIndex: i,
      data: area.values,
      itemStyle: { color: chartColours.value },
      ...(input.kind === "line"
        ? { symbol: "none", lineStyle: { color: chartColours.value, width: 2 } }
        : {}),
      ...(input.notes
        ? noteMarkLine(input.notes.notes, input.notes.periodStarts, input.categories, { labelled: i === 0 })
        : {}),
    })),
  };
}

export function smallMultiplesTable(input: SmallMultiplesInput): ChartTable {
  const areaKind = input.areaKind.charAt(0).toUpperCase() + input.areaKind.slice(1);
  return {
    caption: `${input.measure} by ${input.areaKind}: ${input.unit.toLowerCase()} by period`,
    head: [textCell(areaKind), ...input.categories.map(numericCell), numericCell("Total")],
    rows: input.areas.map((area) => [
      textCell(area.name),
      ...input.categories.map((_, i) => numericCell(valueText(area.values[i]))),
      numericCell(formatNumber(area.values.reduce<number>((sum, v) => sum + (v ?? 0), 0))),
    ]),
  };
}

function valueText(value: number | null | undefined): string {
  return value === null || value === undefined ? "No data" : formatNumber(value);
}

/** The next round number at or above `value` (1, 2 or 5 × a power of ten), for a tidy shared axis. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * magnitude >= value) ?? 10;
  return step * magnitude;
}

function checkSeries(categories: string[], series: { name: string; values: unknown[] }[], maxSeries: number) {
  if (categories.length === 0) throw new Error("A trend chart needs at least one period.");
  if (series.length === 0 || series.length > maxSeries) {
    throw new Error(`A trend chart takes 1 to ${maxSeries} series; got ${series.length}.`);
  }
  for (const s of series) {
    if (s.values.length !== categories.length) {
      throw new Error(`Series "${s.name}" has ${s.values.length} values for ${categories.length} periods.`);
    }
  }
}
