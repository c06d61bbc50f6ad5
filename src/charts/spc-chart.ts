/**
 * Statistical process control ("plot the dots") chart of `computeSpc` output, drawn as NHS England's
 * Making Data Count charts are: the values, the mean, dashed process limits, optional target and
 * special-cause points. Each kind of signal has its own marker shape as well as colour, so colour
 * is never the only cue (WCAG 1.4.1), and the accessible palette replaces MDC's light blue/orange.
 */
import type { ChartOption } from "../lib/charts.js";
import { chartColours } from "../lib/charts.js";
import type { PointType, SpcPoint } from "../stats/spc.js";
import { spcSignalInWords } from "./describe.js";
import { noteMarkLine, type ChartNote } from "./notes.js";
import { formatNumber, monthOf } from "./format.js";
import type { ChartTable } from "./table.js";
import { numericCell, textCell } from "./table.js";

export interface SpcChartInput {
  /** What is measured, e.g. "Bicycle theft". */
  measure: string;
  /** The y-axis name, e.g. "Crimes recorded". */
  unit: string;
  points: SpcPoint[];
  annotations?: ChartNote[];
  /** Names each point's period; by default the month of its date ("March 2025", or "Mar 2025" on the axis). */
  periodOf?: (x: string, style: "long" | "short") => string;
}

type SignalType = Exclude<PointType, "common_cause">;

/** Legend name, colour and marker shape of each kind of special cause. */
export const spcSignalMarkers: Record<SignalType, { name: string; colour: string; symbol: string }> = {
  special_cause_improvement: {
    name: "Special cause: improvement",
    colour: chartColours.improvement,
    symbol: "triangle",
  },
  special_cause_concern: { name: "Special cause: concern", colour: chartColours.concern, symbol: "diamond" },
  special_cause_neutral_high: { name: "Special cause: high", colour: chartColours.neutral, symbol: "rect" },
  special_cause_neutral_low: {
    name: "Special cause: low",
    colour: chartColours.neutral,
    symbol: "emptyRect",
  },
};

const COMMON_CAUSE_SYMBOL_SIZE = 6;
const SIGNAL_SYMBOL_SIZE = 13;

export function spcChartOption(input: SpcChartInput): ChartOption {
  const { points } = input;
  if (points.length === 0) throw new Error(`The SPC chart of ${input.measure} has no points.`);
  const periodOf = input.periodOf ?? monthOf;
  const categories = points.map((p) => periodOf(p.x, "short"));
  const groups = [...new Set(points.map((p) => p.rebase_group))];

  // One series per rebase group for each line, sharing a legend name, so that the lines of two
  // groups are separate segments rather than joined across the rebase.
  const groupLine = (
    name: string,
    value: (p: SpcPoint) => number | null,
    colour: string,
    type: "solid" | "dashed",
  ) =>
    groups.map((group) => ({
      name,
      type: "line",
      data: points.map((p) => (p.rebase_group === group ? value(p) : null)),
      symbol: "none",
      connectNulls: false,
      lineStyle: { color: colour, type, width: type === "solid" ? 2 : 1.5 },
      itemStyle: { color: colour },
      z: 1,
    }));

  const target = points[0]?.target ?? null;
  const signalSeries = (Object.keys(spcSignalMarkers) as SignalType[])
    .filter((type) => points.some((p) => p.point_type === type))
    .map((type) => {
      const marker = spcSignalMarkers[type];
      return {
        name: marker.name,
        type: "scatter",
        data: points.map((p) => (p.point_type === type ? p.y : null)),
        symbol: marker.symbol,
        symbolSize: SIGNAL_SYMBOL_SIZE,
        itemStyle: { color: marker.colour, borderColor: marker.colour, borderWidth: 2 },
        z: 3,
      };
    });

  return {
    legend: { bottom: 0, left: 0 },
    grid: { left: 56, right: 24, top: 40, bottom: 72, containLabel: false },
    tooltip: { trigger: "axis", renderMode: "richText" },
    xAxis: { type: "category", data: categories, axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", name: input.unit, nameTextStyle: { align: "left" } },
    series: [
      {
        name: input.measure,
        type: "line",
        data: points.map((p) => p.y),
        symbol: "circle",
        symbolSize: COMMON_CAUSE_SYMBOL_SIZE,
        lineStyle: { color: chartColours.value, width: 2 },
        itemStyle: { color: chartColours.value },
        z: 2,
        ...noteMarkLine(
          input.annotations ?? [],
          points.map((p) => p.x),
          categories,
        ),
      },
      ...groupLine("Mean", (p) => p.mean, chartColours.mean, "solid"),
      ...groupLine("Upper process limit", (p) => p.upl, chartColours.limit, "dashed"),
      ...groupLine("Lower process limit", (p) => p.lpl, chartColours.limit, "dashed"),
      ...(target === null
        ? []
        : [
            {
              name: "Target",
              type: "line",
              data: points.map(() => target),
              symbol: "none",
              lineStyle: { color: chartColours.target, type: "dotted", width: 2 },
              itemStyle: { color: chartColours.target },
              z: 1,
            },
          ]),
      ...signalSeries,
    ],
  };
}

/** The chart's figures as a table: one row per point, with its signal in words. */
export function spcTable(input: SpcChartInput): ChartTable {
  const periodOf = input.periodOf ?? monthOf;
  const limit = (value: number | null) => (value === null ? "Not defined" : formatNumber(value));
  return {
    caption: `${input.measure}: values, mean, process limits and signals`,
    head: [
      textCell("Period"),
      numericCell(input.unit),
      numericCell("Mean"),
      numericCell("Lower process limit"),
      numericCell("Upper process limit"),
      textCell("Signal"),
    ],
    rows: input.points.map((p) => [
      textCell(periodOf(p.x, "long")),
      numericCell(formatNumber(p.y)),
      numericCell(formatNumber(p.mean)),
      numericCell(limit(p.lpl)),
      numericCell(limit(p.upl)),
      textCell(spcSignalInWords(p)),
    ]),
  };
}
