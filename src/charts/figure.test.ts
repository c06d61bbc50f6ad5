import { describe, expect, it } from "vitest";
import { renderSvgChart } from "../lib/charts.js";
import { createViewEnvironment } from "../lib/render.js";
import { describeSpc } from "./describe.js";
import { spcChartOption, spcTable } from "./spc-chart.js";
import { spcExample } from "./spc-examples.fixture.js";

// The chartFigure macro (src/views/charts.njk) rendered as a page would render it.
const env = createViewEnvironment();
const renderFigure = (params: object) =>
  env.renderString('{% from "charts.njk" import chartFigure %}{{ chartFigure(params) }}', { params });

describe("chartFigure macro", () => {
  const { points } = spcExample("ex_west_mercia_bicycle_theft");
  const chart = { measure: "Bicycle theft", unit: "Crimes recorded", points };
  const description = describeSpc(chart);
  // A note with markup in it, to show it can neither break out of the JSON nor be read as HTML.
  const option = spcChartOption({
    ...chart,
    annotations: [{ date: "2025-06-01", text: "</script><b>new team</b>" }],
  });
  const html = renderFigure({
    id: "bicycle-theft",
    title: "Bicycle theft in West Mercia, 2025",
    svg: renderSvgChart(option, { width: 720, height: 400 }, description),
    description,
    table: spcTable(chart),
    definition: "crimes recorded, data.police.uk street-level data; anti-social behaviour excluded",
    source: "data.police.uk",
    option,
  });

  it("renders a figure with the SVG, caption, definition and source", () => {
    expect(html).toMatch(
      /<figure class="app-chart[^"]*" id="bicycle-theft" data-chart-option="bicycle-theft-option">/,
    );
    expect(html).toContain(
      '<h3 class="govuk-heading-s govuk-!-margin-bottom-2">Bicycle theft in West Mercia, 2025</h3>',
    );
    expect(html).toContain(`<p class="govuk-body">${description}</p>`);
    expect(html).toMatch(
      /<div class="app-chart__image" data-chart-image><svg role="img" aria-label="Bicycle theft, January 2025/,
    );
    expect(html).toContain(
      "Definition: crimes recorded, data.police.uk street-level data; anti-social behaviour excluded. Source: data.police.uk.",
    );
  });

  it("puts the data in a GOV.UK table with a caption beside the chart", () => {
    expect(html).toMatch(
      /<table class="govuk-table govuk-table--small-text-until-tablet">\s*<caption class="govuk-table__caption govuk-table__caption--s">Bicycle theft: values, mean, process limits and signals<\/caption>/,
    );
    expect(html).toMatch(/<th scope="row" class="govuk-table__header">June 2025<\/th>/);
    expect(html).toMatch(/<td class="govuk-table__cell govuk-table__cell--numeric">94<\/td>/);
  });

  it("embeds the option as inert JSON that cannot close its script element", () => {
    const match = /<script type="application\/json" id="bicycle-theft-option">([\s\S]*?)<\/script>/.exec(
      html,
    );
    expect(match).not.toBeNull();
    expect(match![1]).not.toContain("<");
    expect(JSON.parse(match![1]!)).toEqual(JSON.parse(JSON.stringify(option)));
    expect(html).toContain('<script type="module" src="/assets/charts.js"></script>');
    expect(html).not.toContain("<b>new team</b>");
    expect(html).toContain("&lt;/script&gt;&lt;b&gt;new team&lt;/b&gt;");
  });

  it("leaves out the enhancement when no option is given", () => {
    const plain = renderFigure({ id: "plain", title: "T", svg: "<svg></svg>", table: spcTable(chart) });
    expect(plain).not.toContain("data-chart-option");
    expect(plain).not.toContain("<script");
    expect(plain).not.toContain("Definition:");
  });
});
