import { describe, expect, it } from "vitest";
import { chartColours, renderSvgChart } from "../lib/charts.js";
import { describeSmallMultiples, describeTrend } from "./describe.js";
import { smallMultiplesOption, smallMultiplesTable, trendChartOption, trendTable } from "./trend-chart.js";

// Sample figures (not real) by financial quarter.
const quarters = ["Q1 2025/26", "Q2 2025/26", "Q3 2025/26", "Q4 2025/26"];
const yearOnYear = {
  measure: "Shoplifting",
  unit: "Crimes recorded",
  kind: "line" as const,
  categories: quarters,
  series: [
    { name: "2025/26", values: [1142, 1210, 1188, null] },
    { name: "2024/25", values: [1020, 1104, 1096, 1150] },
  ],
};

interface SeriesLike {
  name: string;
  type: string;
  data: (number | null)[];
  symbol?: string;
  itemStyle: { color: string };
  lineStyle?: { type: string };
  xAxisIndex?: number;
}

describe("trend chart", () => {
  it("draws the measure's notes on the first series, at the latest period starting on or before each", () => {
    const notes = {
      notes: [
        { date: "2025-08-14", text: "Operation X began" },
        { date: "2025-01-01", text: "Before the chart" },
      ],
      periodStarts: ["2025-04-01", "2025-07-01", "2025-10-01", "2026-01-01"],
    };
    const series = (
      trendChartOption({ ...yearOnYear, notes }) as { series: { markLine?: { data: unknown[] } }[] }
    ).series;
    expect(series[0]?.markLine?.data).toEqual([{ xAxis: "Q2 2025/26", name: "Operation X began" }]);
    expect(series[1]?.markLine).toBeUndefined();
    const svg = renderSvgChart(trendChartOption({ ...yearOnYear, notes }), { width: 640, height: 320 }, "d");
    expect(svg).toContain("Operation X began");
    expect(svg).not.toContain("Before the chart");
  });

  it("draws this year and last year apart by colour, dash and marker", () => {
    const [thisYear, lastYear] = (trendChartOption(yearOnYear) as { series: SeriesLike[] }).series;
    expect(thisYear).toMatchObject({ name: "2025/26", type: "line", data: [1142, 1210, 1188, null] });
    expect(thisYear).toMatchObject({
      symbol: "circle",
      itemStyle: { color: chartColours.value },
      lineStyle: { type: "solid" },
    });
    expect(lastYear).toMatchObject({
      symbol: "emptyCircle",
      itemStyle: { color: chartColours.limit },
      lineStyle: { type: "dashed" },
    });
  });

  it("tabulates each period, saying where there is no figure", () => {
    expect(trendTable(yearOnYear).rows.map((row) => row.map((c) => c.text))).toEqual([
      ["Q1 2025/26", "1,142", "1,020"],
      ["Q2 2025/26", "1,210", "1,104"],
      ["Q3 2025/26", "1,188", "1,096"],
      ["Q4 2025/26", "No data", "1,150"],
    ]);
  });

  it("refuses a series whose length does not match the periods", () => {
    expect(() => trendChartOption({ ...yearOnYear, series: [{ name: "2025/26", values: [1, 2] }] })).toThrow(
      'Series "2025/26" has 2 values for 4 periods.',
    );
  });
});

describe("small multiples", () => {
  const byArea = {
    measure: "Burglary",
    unit: "Crimes recorded",
    kind: "bar" as const,
    areaKind: "local policing area",
    categories: quarters,
    areas: [
      { name: "Herefordshire", values: [210, 190, 205, 220] },
      { name: "Shropshire", values: [260, 240, 251, 270] },
      { name: "Telford and Wrekin", values: [310, 330, 342, 300] },
      { name: "Worcestershire", values: [480, 455, 470, 490] },
    ],
    columns: 2,
  };
  const option = smallMultiplesOption(byArea) as {
    grid: unknown[];
    yAxis: { max: number; min: number }[];
    series: SeriesLike[];
  };

  it("draws the measure's notes on every area's chart, with their text on the first only", () => {
    const notes = {
      notes: [{ date: "2025-11-02", text: "Operation X began" }],
      periodStarts: ["2025-04-01", "2025-07-01", "2025-10-01", "2026-01-01"],
    };
    const series = (
      smallMultiplesOption({ ...byArea, notes }) as {
        series: { markLine?: { data: unknown[]; label: { show?: boolean; formatter?: string } } }[];
      }
    ).series;
    expect(series.map((s) => s.markLine?.data)).toEqual(
      byArea.areas.map(() => [{ xAxis: "Q3 2025/26", name: "Operation X began" }]),
    );
    expect(series.map((s) => s.markLine?.label.show !== false)).toEqual([true, false, false, false]);
  });

  it("draws one small chart per area on one shared scale", () => {
    expect(option.grid).toHaveLength(4);
    expect(option.yAxis.map((axis) => [axis.min, axis.max])).toEqual(Array(4).fill([0, 500]));
    expect(option.series.map((s) => [s.name, s.xAxisIndex])).toEqual([
      ["Herefordshire", 0],
      ["Shropshire", 1],
      ["Telford and Wrekin", 2],
      ["Worcestershire", 3],
    ]);
  });

  it("tabulates each area by period with its total", () => {
    const table = smallMultiplesTable(byArea);
    expect(table.head.map((c) => c.text)).toEqual(["Local policing area", ...quarters, "Total"]);
    expect(table.rows[3]!.map((c) => c.text)).toEqual([
      "Worcestershire",
      "480",
      "455",
      "470",
      "490",
      "1,895",
    ]);
  });

  it("renders both kinds to strict-CSP SVG with their descriptions", () => {
    const rendered = [
      renderSvgChart(trendChartOption(yearOnYear), { width: 640, height: 320 }, describeTrend(yearOnYear)),
      renderSvgChart(option, { width: 640, height: 480 }, describeSmallMultiples(byArea)),
    ];
    for (const svg of rendered) {
      expect(svg).not.toMatch(/<style/);
      expect(svg).not.toMatch(/ style=/);
      expect(svg).toMatch(
        /^<svg role="img" aria-label="(Shoplifting|Burglary by local policing area), Q1 2025\/26 /,
      );
    }
    expect(rendered[1]).toContain(">Telford and Wrekin<");
  });
});
