import { describe, expect, it } from "vitest";
import { chartColours, renderSvgChart } from "../lib/charts.js";
import type { ForceFigure } from "../stats/msg.js";
import { compareWithMsg, funnelLimits } from "../stats/msg.js";
import { describeMsg } from "./describe.js";
import { EXCLUDED_FILL, msgBarsOption, msgFunnelOption, msgTable } from "./msg-chart.js";

// Sample figures (not real): burglaries and mid-year populations for a most similar group.
const sampleFigures: ForceFigure[] = [
  { forceId: "west-mercia", numerator: 5200, denominator: 1_330_000, complete: true },
  { forceId: "avon-and-somerset", numerator: 7400, denominator: 1_780_000, complete: true },
  { forceId: "devon-and-cornwall", numerator: 3000, denominator: 1_800_000, complete: true },
  { forceId: "norfolk", numerator: 2500, denominator: 920_000, complete: true },
  {
    forceId: "gloucestershire",
    numerator: 900,
    denominator: 650_000,
    complete: false,
    note: "No data for 2025-03.",
  },
];
const forceNames = {
  "west-mercia": "West Mercia",
  "avon-and-somerset": "Avon and Somerset",
  "devon-and-cornwall": "Devon and Cornwall",
  norfolk: "Norfolk",
  gloucestershire: "Gloucestershire",
};
const comparison = compareWithMsg(sampleFigures, {
  focusForceId: "west-mercia",
  kind: "rate",
  polarity: "lower is better",
});
const input = {
  measure: "Burglary",
  comparison,
  focusForceId: "west-mercia",
  forceNames,
  figures: sampleFigures,
};

interface SeriesLike {
  name: string;
  data: unknown[];
  symbol?: string;
  itemStyle?: { color?: string };
  label?: { show: boolean };
  markLine?: { data: { xAxis: number }[]; label: { formatter: string } };
}
const seriesOf = (option: object) => (option as { series: SeriesLike[] }).series;

describe("MSG funnel plot", () => {
  const series = seriesOf(msgFunnelOption(input));

  it("draws the MSG average and the 95% and 99.8% limits as curves that narrow with size", () => {
    const average = series.find((s) => s.name === "MSG average")!;
    expect((average.data[0] as number[])[1]).toBeCloseTo(comparison.average);
    const upper95 = series.filter((s) => s.name === "95% limits")[0]!.data as number[][];
    const [size, limit] = upper95[10]!;
    expect(limit).toBeCloseTo(funnelLimits("rate", comparison.average / 1000, size!, 1000).upper95);
    expect(upper95[0]![1]! - comparison.average).toBeGreaterThan(upper95[59]![1]! - comparison.average);
    expect(series.filter((s) => s.name === "99.8% limits")).toHaveLength(2);
  });

  it("highlights and labels the focus force apart from the others", () => {
    const focus = series.find((s) => s.name === "West Mercia")!;
    expect(focus).toMatchObject({
      symbol: "diamond",
      itemStyle: { color: chartColours.value },
      label: { show: true },
    });
    expect(focus.data).toEqual([{ name: "West Mercia", value: [1_330_000, expect.closeTo(3.9098, 4)] }]);
    const others = series.find((s) => s.name === "Other forces")!;
    expect(others.symbol).toBe("circle");
    expect(others.data.map((d) => (d as { name: string }).name)).toEqual([
      "Devon and Cornwall",
      "Norfolk",
      "Avon and Somerset",
    ]);
  });
});

describe("MSG ranked bars", () => {
  const option = msgBarsOption(input) as { yAxis: { data: string[] } };
  const [bars] = seriesOf(option);

  it("ranks the forces, highlights the focus force and draws the MSG average", () => {
    expect(option.yAxis.data).toEqual([
      "1. Devon and Cornwall",
      "2. Norfolk",
      "3. West Mercia",
      "4. Avon and Somerset",
      "Gloucestershire (excluded)",
    ]);
    const focusBar = bars!.data[2] as { itemStyle: { color: string }; label: { formatter: string } };
    expect(focusBar.itemStyle.color).toBe(chartColours.value);
    expect(focusBar.label.formatter).toBe("3.91 (focus force)");
    expect((bars!.data[0] as { itemStyle: { color: string } }).itemStyle.color).toBe(chartColours.limit);
    expect(bars!.markLine!.data[0]!.xAxis).toBeCloseTo(comparison.average);
  });

  it("greys the excluded force with a dashed outline and a note", () => {
    expect(bars!.data[4]).toEqual({
      value: expect.closeTo(1.3846, 4) as unknown,
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
    });
  });

  it("shows no bar for an excluded force whose figures are not given", () => {
    const [withoutFigures] = seriesOf(msgBarsOption({ ...input, figures: undefined }));
    expect((withoutFigures!.data[4] as { value: number | null }).value).toBeNull();
  });
});

describe("MSG table and SVG", () => {
  it("lists every force with value, position, verdict and note", () => {
    const table = msgTable(input);
    expect(table.caption).toBe(
      "Burglary: forces in the most similar group (position 1 is the best: the lowest value)",
    );
    expect(table.rows.map((row) => row.map((cell) => cell.text))).toEqual([
      ["Devon and Cornwall", "1,800,000", "1.67", "1", "Significantly below (beyond the 99.8% limits)", ""],
      ["Norfolk", "920,000", "2.72", "2", "Significantly below (beyond the 99.8% limits)", ""],
      [
        "West Mercia",
        "1,330,000",
        "3.91",
        "3",
        "Significantly above (beyond the 99.8% limits)",
        "Focus force",
      ],
      ["Avon and Somerset", "1,780,000", "4.16", "4", "Significantly above (beyond the 99.8% limits)", ""],
      ["Gloucestershire", "650,000", "Excluded", "Not ranked", "Not compared", "No data for 2025-03."],
    ]);
  });

  it("renders both charts to strict-CSP SVG with their description", () => {
    const description = describeMsg(input);
    for (const option of [msgFunnelOption(input), msgBarsOption(input)]) {
      const svg = renderSvgChart(option, { width: 720, height: 420 }, description);
      expect(svg).not.toMatch(/<style/);
      expect(svg).not.toMatch(/ style=/);
      expect(svg).toMatch(/^<svg role="img" aria-label="Burglary: West Mercia is 3rd of 4/);
      expect(svg).toMatch(/>(3\. )?West Mercia</);
    }
  });
});
