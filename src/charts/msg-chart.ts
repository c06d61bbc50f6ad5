/**
 * Most similar group charts of `compareWithMsg` output: a funnel plot (each force's value against
 * its size, with the MSG average and the 95% and 99.8% funnel limits) and ranked bars. The focus
 * force is told apart by colour, marker shape and a label; forces left out for incomplete data are
 * greyed with a dashed outline and named as excluded.
 */
import type { ChartOption } from "../lib/charts.js";
import { chartColours } from "../lib/charts.js";
import type { ForceComparison, ForceFigure } from "../stats/msg.js";
import { funnelLimits } from "../stats/msg.js";
import type { MsgDescriptionInput } from "./describe.js";
import { forceNameOf } from "./describe.js";
import { formatNumber } from "./format.js";
import type { ChartTable } from "./table.js";
import { numericCell, textCell } from "./table.js";

export interface MsgChartInput extends MsgDescriptionInput {
  /** The figures given to compareWithMsg; with them, excluded forces are drawn (greyed) at their incomplete value. */
  figures?: ForceFigure[];
}

/** Fill for excluded forces: deliberately faint; their dashed outline (limit grey) carries the contrast. */
export const EXCLUDED_FILL = "#dddddd";
const FUNNEL_CURVE_POINTS = 60;

export function msgFunnelOption(input: MsgChartInput): ChartOption {
  const { comparison } = input;
  const display = displayScale(input);
  const name = (id: string) => forceNameOf(id, input.forceNames);
  const sizes = comparison.forces.map((f) => f.denominator);
  const smallest = Math.min(...sizes) * 0.8;
  const largest = Math.max(...sizes) * 1.1;
  // Geometric spacing: the funnel narrows fastest at small sizes.
  const curveSizes = Array.from({ length: FUNNEL_CURVE_POINTS }, (_, i) => {
    const size = smallest * (largest / smallest) ** (i / (FUNNEL_CURVE_POINTS - 1));
    return comparison.kind === "proportion" ? Math.max(1, Math.round(size)) : size;
  });
  const target = comparison.average / (comparison.per ?? 1);
  const curves = curveSizes.map((size) => ({
    size,
    limits: funnelLimits(comparison.kind, target, size, comparison.per ?? 1),
  }));
  const curve = (name: string, pick: (l: (typeof curves)[number]["limits"]) => number, dashed: boolean) => ({
    name,
    type: "line",
    data: curves.map(({ size, limits }) => [size, pick(limits) * display.factor]),
    symbol: "none",
    smooth: false,
    lineStyle: { color: chartColours.limit, type: dashed ? "dashed" : "dotted", width: 1.5 },
    itemStyle: { color: chartColours.limit },
    z: 1,
  });
  const focus = comparison.forces.filter((f) => f.isFocus);
  const others = comparison.forces.filter((f) => !f.isFocus);
  const point = (f: ForceComparison) => ({
    name: name(f.forceId),
    value: [f.denominator, f.value * display.factor],
  });

  return {
    legend: { bottom: 0, left: 0 },
    grid: { left: 64, right: 32, top: 40, bottom: 88 },
    tooltip: { trigger: "item", renderMode: "richText" },
    xAxis: {
      type: "value",
      name: comparison.kind === "rate" ? "Population" : "Number of cases",
      nameLocation: "middle",
      nameGap: 28,
      scale: true,
    },
    yAxis: { type: "value", scale: true, name: display.axisName, nameTextStyle: { align: "left" } },
    series: [
      {
        name: "MSG average",
        type: "line",
        data: [
          [curveSizes[0], comparison.average * display.factor],
          [curveSizes[curveSizes.length - 1], comparison.average * display.factor],
        ],
        symbol: "none",
        lineStyle: { color: chartColours.mean, width: 2 },
        itemStyle: { color: chartColours.mean },
        z: 1,
      },
      curve("95% limits", (l) => l.upper95, true),
      curve("95% limits", (l) => l.lower95, true),
      curve("99.8% limits", (l) => l.upper998, false),
      curve("99.8% limits", (l) => l.lower998, false),
      {
        name: "Other forces",
        type: "scatter",
        data: others.map(point),
        symbol: "circle",
        symbolSize: 9,
        itemStyle: { color: chartColours.limit },
        z: 2,
      },
      {
        name: focus[0] ? name(focus[0].forceId) : "Focus force (excluded)",
        type: "scatter",
        data: focus.map(point),
        symbol: "diamond",
        symbolSize: 16,
        itemStyle: { color: chartColours.value, borderColor: chartColours.mean, borderWidth: 1 },
        label: {
          show: true,
          position: "right",
          formatter: "{b}",
          fontWeight: "bold",
          color: chartColours.mean,
        },
        z: 3,
      },
    ],
  };
}

export function msgBarsOption(input: MsgChartInput): ChartOption {
  const { comparison } = input;
  const display = displayScale(input);
  const name = (id: string) => forceNameOf(id, input.forceNames);
  const figureOf = (id: string) => input.figures?.find((f) => f.forceId === id);
  const ranked = comparison.forces.map((f) => ({
    category: `${f.position}. ${name(f.forceId)}`,
    value: f.value * display.factor,
    itemStyle: { color: f.isFocus ? chartColours.value : chartColours.limit },
    ...(f.isFocus
      ? {
          label: {
            show: true,
            position: "right",
            formatter: `${formatNumber(f.value * display.factor, 2)} (focus force)`,
            fontWeight: "bold",
          },
        }
      : {}),
  }));
  const excluded = comparison.excluded.map((e) => {
    const figure = figureOf(e.forceId);
    return {
      category: `${name(e.forceId)} (excluded)`,
      value: figure ? (figure.numerator / figure.denominator) * (comparison.per ?? 1) * display.factor : null,
      itemStyle: {
        color: EXCLUDED_FILL,
        borderColor: chartColours.limit,
        borderType: "dashed",
        borderWidth: 1.5,
      },
      label: {
        show: true,
        position: "right",
        formatter: "excluded: incomplete data",
        color: chartColours.mean,
      },
    };
  });
  const bars = [...ranked, ...excluded];

  return {
    grid: { left: 200, right: 180, top: 24, bottom: 48 },
    tooltip: { trigger: "item", renderMode: "richText" },
    xAxis: { type: "value", name: display.axisName, nameLocation: "middle", nameGap: 24 },
    yAxis: { type: "category", inverse: true, data: bars.map((b) => b.category) },
    series: [
      {
        name: input.measure,
        type: "bar",
        data: bars.map(({ category: _category, ...bar }) => bar),
        barMaxWidth: 24,
        markLine: {
          symbol: "none",
          silent: true,
          lineStyle: { color: chartColours.mean, type: "solid", width: 2 },
          label: { formatter: "MSG average", position: "start", color: chartColours.mean },
          data: [{ xAxis: comparison.average * display.factor }],
        },
      },
    ],
  };
}

/** Both charts' figures: every force in position order, then the excluded ones with their notes. */
export function msgTable(input: MsgChartInput): ChartTable {
  const { comparison } = input;
  const name = (id: string) => forceNameOf(id, input.forceNames);
  return {
    caption: `${input.measure}: forces in the most similar group (${comparison.positionMeaning.toLowerCase().replace(/\.$/, "")})`,
    head: [
      textCell("Force"),
      numericCell(comparison.kind === "rate" ? "Population" : "Number of cases"),
      numericCell(displayScale(input).axisName),
      numericCell("Position"),
      textCell("Compared with the group average"),
      textCell("Note"),
    ],
    rows: [
      ...comparison.forces.map((f) => [
        textCell(name(f.forceId)),
        numericCell(formatNumber(f.denominator, 0)),
        numericCell(formatNumber(f.value * displayScale(input).factor, 2)),
        numericCell(String(f.position)),
        textCell(verdictInShort(f)),
        textCell(f.isFocus ? "Focus force" : ""),
      ]),
      ...comparison.excluded.map((e) => {
        const figure = input.figures?.find((f) => f.forceId === e.forceId);
        return [
          textCell(name(e.forceId)),
          numericCell(figure ? formatNumber(figure.denominator, 0) : ""),
          numericCell("Excluded"),
          numericCell("Not ranked"),
          textCell("Not compared"),
          textCell(`${e.forceId === input.focusForceId ? "Focus force. " : ""}${e.note}`),
        ];
      }),
    ],
  };
}

function verdictInShort(force: ForceComparison): string {
  if (force.verdict95 === "within") return "Within the 95% limits";
  const side = force.verdict95 === "significantly above" ? "above" : "below";
  return force.verdict998 === force.verdict95
    ? `Significantly ${side} (beyond the 99.8% limits)`
    : `Significantly ${side} (beyond the 95% limits)`;
}

/** Proportions are charted as percentages; rates as they are. */
function displayScale(input: MsgChartInput): { factor: number; axisName: string } {
  const { per } = input.comparison;
  return per === null
    ? { factor: 100, axisName: "Per cent" }
    : { factor: 1, axisName: `Rate per ${formatNumber(per)} population` };
}
