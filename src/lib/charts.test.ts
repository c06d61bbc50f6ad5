import { describe, expect, it } from "vitest";
import { renderSvgChart, strictCspSvg } from "./charts.js";

describe("server-rendered charts", () => {
  const svg = renderSvgChart(
    {
      xAxis: { type: "category", data: ["2025-01", "2025-02", "2025-03"] },
      yAxis: { type: "value" },
      series: [{ type: "line", data: [120, 95, 130] }],
    },
    { width: 640, height: 320 },
    'Burglary by month: 120, 95 and 130 "crimes"',
  );

  it("is an SVG with its text alternative", () => {
    expect(
      svg.startsWith('<svg role="img" aria-label="Burglary by month: 120, 95 and 130 &quot;crimes&quot;"'),
    ).toBe(true);
    expect(svg).toContain('viewBox="0 0 640 320"');
    expect(svg).toContain(">2025-02<");
  });

  it("needs no inline style, so a strict Content-Security-Policy allows it", () => {
    expect(svg).not.toMatch(/<style/);
    expect(svg).not.toMatch(/ style=/);
    expect(svg).toMatch(/font-size="\d+px"/);
  });

  it("turns style declarations into attributes and leaves nothing unsafe", () => {
    expect(
      strictCspSvg('<svg ><text style="font-size:12px; fill: red;" class="zr0-cls-1">x</text></svg>', "d"),
    ).toBe(
      '<svg role="img" aria-label="d" focusable="false" ><text font-size="12px" fill="red">x</text></svg>',
    );
  });

  it("draws again when the description changes, though the option is the same", () => {
    const option = { xAxis: { type: "category", data: ["a"] }, yAxis: { type: "value" }, series: [] };
    const first = renderSvgChart(option, { width: 200, height: 100 }, "first");
    expect(renderSvgChart(option, { width: 200, height: 100 }, "first")).toBe(first);
    expect(renderSvgChart(option, { width: 200, height: 100 }, "second")).toContain('aria-label="second"');
    expect(renderSvgChart(option, { width: 300, height: 100 }, "first")).toContain('viewBox="0 0 300 100"');
  });

  it("draws afresh when a formatter function could change what is drawn", () => {
    const withFormatter = (suffix: string) => ({
      xAxis: { type: "category", data: ["a"], axisLabel: { formatter: (label: string) => label + suffix } },
      yAxis: { type: "value" },
      series: [],
    });
    const size = { width: 200, height: 100 };
    expect(renderSvgChart(withFormatter("-one"), size, "d")).toContain(">a-one<");
    expect(renderSvgChart(withFormatter("-two"), size, "d")).toContain(">a-two<");
  });
});
