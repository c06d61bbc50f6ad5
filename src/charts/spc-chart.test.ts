import { describe, expect, it } from "vitest";
import { chartColours, renderSvgChart } from "../lib/charts.js";
import { describeSpc } from "./describe.js";
import { spcChartOption, spcSignalMarkers, spcTable } from "./spc-chart.js";
import { spcExample } from "./spc-examples.fixture.js";

interface SeriesLike {
  name: string;
  type: string;
  data: unknown[];
  symbol?: string;
  itemStyle?: { color?: string };
  lineStyle?: { type?: string };
  markLine?: { data: { xAxis: string; name: string }[] };
}
const seriesOf = (option: object) => (option as { series: SeriesLike[] }).series;

describe("SPC chart", () => {
  // West Mercia robbery, 2025, with a target of 50: improvements early in the year, concerns from May.
  const robbery = spcExample("ex_west_mercia_robbery_target");
  const input = {
    measure: "Robbery",
    unit: "Crimes recorded",
    points: robbery.points,
    annotations: [{ date: "2025-05-15", text: "Town centre patrols end" }],
  };
  const option = spcChartOption(input);
  const series = seriesOf(option);

  it("draws the values, the mean, dashed process limits and the target", () => {
    expect(series[0]).toMatchObject({
      name: "Robbery",
      type: "line",
      data: [36, 39, 46, 54, 83, 78, 91, 85, 77, 83, 68, 73],
    });
    const mean = series.find((s) => s.name === "Mean")!;
    expect(mean.data[0]).toBeCloseTo(67.75);
    const upper = series.find((s) => s.name === "Upper process limit")!;
    expect(upper.lineStyle?.type).toBe("dashed");
    expect(upper.data[11]).toBeCloseTo(93.1409);
    expect(series.find((s) => s.name === "Lower process limit")!.data[0]).toBeCloseTo(42.3591);
    expect(series.find((s) => s.name === "Target")!.data).toEqual(Array(12).fill(50));
  });

  it("marks special causes by shape as well as colour, only at the signalling points", () => {
    const improvement = series.find((s) => s.name === "Special cause: improvement")!;
    const concern = series.find((s) => s.name === "Special cause: concern")!;
    expect(improvement).toMatchObject({ symbol: "triangle", itemStyle: { color: chartColours.improvement } });
    expect(concern).toMatchObject({ symbol: "diamond", itemStyle: { color: chartColours.concern } });
    expect(improvement.symbol).not.toBe(series[0]!.symbol);
    expect(improvement.data).toEqual([36, 39, ...Array<null>(10).fill(null)]);
    expect(concern.data).toEqual([null, null, null, null, 83, 78, 91, 85, 77, 83, 68, 73]);
    expect(series.some((s) => s.name === spcSignalMarkers.special_cause_neutral_high.name)).toBe(false);
    const shapes = Object.values(spcSignalMarkers).map((m) => m.symbol);
    expect(new Set(shapes).size).toBe(shapes.length);
  });

  it("draws a dated note at the latest point on or before its date, and leaves off one before the first point", () => {
    expect(series[0]!.markLine!.data).toEqual([{ xAxis: "May 2025", name: "Town centre patrols end" }]);
    const early = { date: "2024-12-31", text: "Before the range" };
    const withEarly = spcChartOption({ ...input, annotations: [early, ...(input.annotations ?? [])] });
    expect(seriesOf(withEarly)[0]!.markLine!.data).toEqual([
      { xAxis: "May 2025", name: "Town centre patrols end" },
    ]);
    expect(seriesOf(spcChartOption({ ...input, annotations: [early] }))).toEqual(
      seriesOf(spcChartOption({ ...input, annotations: [] })),
    );
  });

  it("draws each rebase group's mean and limits as separate segments", () => {
    const rebased = spcChartOption({
      measure: "Example",
      unit: "Count",
      points: spcExample("ex_rebase").points,
    });
    const means = seriesOf(rebased).filter((s) => s.name === "Mean");
    expect(means).toHaveLength(2);
    expect(means[0]!.data.slice(17, 19)).toEqual([expect.closeTo(21.111, 3), null]);
    expect(means[1]!.data.slice(17, 19)).toEqual([null, expect.closeTo(15.167, 3)]);
  });

  it("gives a table row per point with its signal in words", () => {
    const table = spcTable(input);
    expect(table.caption).toBe("Robbery: values, mean, process limits and signals");
    expect(table.head.map((c) => c.text)).toEqual([
      "Period",
      "Crimes recorded",
      "Mean",
      "Lower process limit",
      "Upper process limit",
      "Signal",
    ]);
    expect(table.rows[0]!.map((c) => c.text)).toEqual([
      "January 2025",
      "36",
      "67.8",
      "42.4",
      "93.1",
      "Improvement: below the lower process limit",
    ]);
    expect(table.rows[6]!.map((c) => c.text)[5]).toBe(
      "Concern: 2 of 3 points close to the upper process limit",
    );
    expect(table.rows[11]!.map((c) => c.text)[5]).toBe("Concern: 7 or more points in a row above the mean");
  });

  it("renders to an SVG a strict CSP allows, labelled with its description", () => {
    const description = describeSpc({ measure: "Robbery", points: robbery.points });
    const svg = renderSvgChart(option, { width: 720, height: 400 }, description);
    expect(svg).not.toMatch(/<style/);
    expect(svg).not.toMatch(/ style=/);
    expect(svg).toContain(`aria-label="Robbery, January 2025 to December 2025: the mean is 67.8`);
    expect(svg).toContain(">Town centre patrols end<");
  });
});
