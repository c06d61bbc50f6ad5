import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { TestClient, testApp } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { formatNumber, formatPercent } from "../../charts/format.js";
import { rootDir } from "../../lib/paths.js";
import { systemActor } from "../audit/actor.js";
import { ingestPath } from "../crime/ingest.service.js";
import { loadReferenceData } from "../crime/reference.js";
import { loadMeasuresDemo } from "../measures/measures.demo.js";
import { addAnnotation } from "../measures/measures.service.js";
import type { CSV_COLUMNS } from "./performance.view.js";

const database = useTestDatabase();
let app: FastifyInstance;
let analyst: TestClient;
let visitor: TestClient;

// Real data.police.uk files: four months of West Mercia and one peer, enough for an SPC chart and an MSG.
const months = ["2025-01", "2025-02", "2025-03", "2025-04"];
const forceIds = ["west-mercia", "norfolk"];

beforeAll(async () => {
  const db = database.current().db;
  await loadMeasuresDemo(db);
  const reference = await loadReferenceData();
  for (const month of months) {
    const archive = join(rootDir, "data", "demo", "police-uk", `${month}.zip`);
    for await (const result of ingestPath(db, archive, { reference, actor: systemActor, forceIds })) {
      expect(result.status).toBe("loaded");
    }
  }
  app = await testApp(db);
  analyst = new TestClient(app);
  await analyst.signIn((await createTestUser(db, { role: "panel" })).email);
  visitor = new TestClient(app);
}, 240_000);
afterAll(async () => {
  await app.close();
});

/** The body rows of the data table in the figure with this id, as the text of each cell. */
function figureTableRows(html: string, figureId: string): string[][] {
  return tableRowsAfter(html, `id="${figureId}"`);
}

/** The body rows of the first table after `marker`. */
function tableRowsAfter(html: string, marker: string): string[][] {
  const start = html.indexOf(marker);
  expect(start, marker).toBeGreaterThan(-1);
  const body = /<tbody class="govuk-table__body">([\s\S]*?)<\/tbody>/.exec(html.slice(start))?.[1] ?? "";
  return [...body.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => decode(cell[1]!.trim())),
  );
}

function decode(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

type CsvRecord = Record<(typeof CSV_COLUMNS)[number], string>;

async function csvOf(client: TestClient, query: string): Promise<CsvRecord[]> {
  const response = await client.get(`/performance.csv?${query}`);
  expect(response.statusCode).toBe(200);
  expect(response.headers["content-type"]).toContain("text/csv");
  return parse<CsvRecord>(response.body, { columns: true });
}

describe("the performance explorer", () => {
  const burglary = "measure=crimes.burglary&area=west-mercia&period=2025-04";

  it("draws a data.police.uk measure: SPC, MSG funnel and bars, and the breakdowns, each with its table", async () => {
    const response = await analyst.get(`/performance?${burglary}`);
    expect(response.statusCode).toBe(200);
    const html = response.body;
    for (const id of ["spc-chart", "msg-funnel", "msg-bars", "breakdown-lpa", "breakdown-local-authority"]) {
      expect(html).toMatch(
        new RegExp(`<figure class="app-chart[^"]*" id="${id}" data-chart-option="${id}-option">`),
      );
      expect(html).toMatch(new RegExp(`id="${id}"[\\s\\S]*?<svg role="img" aria-label="[^"]+"`));
    }
    expect(figureTableRows(html, "spc-chart").map((row) => row[0])).toEqual([
      "January 2025",
      "February 2025",
      "March 2025",
      "April 2025",
    ]);
    // Both forces loaded are compared, West Mercia named as the focus; the rest of its group is listed
    // as left out, for want of a figure.
    const msgRows = figureTableRows(html, "msg-funnel");
    const ranked = msgRows.filter((row) => row[3] !== "Not ranked");
    expect(ranked.map((row) => row[0]).sort()).toEqual(["Norfolk Constabulary", "West Mercia Police"]);
    expect(msgRows.find((row) => row[0] === "West Mercia Police")?.[5]).toBe("Focus force");
    expect(msgRows).toHaveLength(13);
    for (const row of msgRows.filter((r) => r[3] === "Not ranked"))
      expect(row[5]).toBe("No figure for 2025-04.");
    // West Mercia's five local policing areas and nine local authorities, on a shared scale.
    expect(figureTableRows(html, "breakdown-lpa").map((row) => row[0])).toEqual([
      "Herefordshire",
      "North Worcestershire",
      "Shropshire",
      "South Worcestershire",
      "Telford & Wrekin",
    ]);
    expect(figureTableRows(html, "breakdown-local-authority")).toHaveLength(9);
    expect(html).toContain("Definition: Street-level crimes in the category &quot;Burglary&quot;.");
    // April 2025's burglary hot spots; April 2024 is not loaded, so every one is new against it.
    const spots = tableRowsAfter(html, 'id="hot-spots"');
    expect(html).toContain(
      "Burglary: the 10 neighbourhoods (LSOAs) of West Mercia Police with the most crimes, April 2025",
    );
    expect(spots).toHaveLength(10);
    expect(spots.every((row) => row[3] === "0" && /^\+\d+$/.test(row[4]!))).toBe(true);
    const counts = spots.map((row) => Number(row[2]));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it("offers a CSV of exactly the rows the tables show", async () => {
    const html = (await analyst.get(`/performance?${burglary}`)).body;
    const csv = await csvOf(analyst, burglary);
    const section = (name: string) => csv.filter((row) => row.section === name);

    const spcRows = figureTableRows(html, "spc-chart");
    expect(section("SPC").map((row) => [row.value, row.signal])).toEqual(
      spcRows.map((row) => [row[1]!.replace(/,/g, ""), row[5]]),
    );
    expect(section("SPC").map((row) => formatNumber(Number(row.mean)))).toEqual(spcRows.map((row) => row[2]));

    const msgRows = figureTableRows(html, "msg-funnel");
    // A force left out has no position: blank in the CSV, "Not ranked" on the page.
    expect(section("Most similar group").map((row) => [row.area, row.position || "Not ranked"])).toEqual(
      msgRows.map((row) => [row[0], row[3]]),
    );

    const spots = tableRowsAfter(html, 'id="hot-spots"');
    expect(
      section("Hot spots").map((row) => [
        row.area_code,
        row.value,
        formatPercent(Number(row.share_of_force_total)),
      ]),
    ).toEqual(spots.map((row) => [/\((E\d+|W\d+)\)$/.exec(row[0]!)?.[1], row[2], row[5]]));

    for (const [name, id] of [
      ["By local policing area", "breakdown-lpa"],
      ["By local authority", "breakdown-local-authority"],
    ] as const) {
      const shown = figureTableRows(html, id);
      const totals = new Map<string, number>();
      for (const row of section(name)) {
        const areaName = row.area.replace(/ \(.*\)$/, "");
        totals.set(areaName, (totals.get(areaName) ?? 0) + Number(row.value));
      }
      expect(section(name)).toHaveLength(shown.length * months.length);
      expect(shown.map((row) => [row[0], row[row.length - 1]])).toEqual(
        shown.map((row) => [row[0], formatNumber(totals.get(row[0]!) ?? Number.NaN)]),
      );
    }
  });

  it("draws a force-return measure with its LPA breakdown, and says why there is no MSG", async () => {
    const query = "measure=roads.killed-or-seriously-injured&area=west-mercia";
    const html = (await analyst.get(`/performance?${query}`)).body;
    expect(html).toContain('id="spc-chart"');
    expect(html).toContain("No comparison with other forces: No other force has a value for");
    expect(figureTableRows(html, "breakdown-lpa").map((row) => row[0])).toEqual([
      "Herefordshire",
      "North Worcestershire",
      "Shropshire",
      "South Worcestershire",
      "Telford & Wrekin",
    ]);
    expect(html).toContain("No figures by local authority for this measure.");
    // The SAMPLE returns cover 36 months; the breakdown shows the last 12.
    expect(figureTableRows(html, "spc-chart")).toHaveLength(36);
    expect(figureTableRows(html, "breakdown-lpa")[0]).toHaveLength(1 + 12 + 1);

    // The measure's own page draws the same SPC chart, with its table.
    const measurePage = (await analyst.get("/measures/roads.killed-or-seriously-injured")).body;
    expect(figureTableRows(measurePage, "spc-chart")).toEqual(figureTableRows(html, "spc-chart"));

    const csv = await csvOf(analyst, query);
    expect(csv.filter((row) => row.section === "SPC")).toHaveLength(36);
    expect(csv.filter((row) => row.section === "By local policing area")).toHaveLength(5 * 12);
    expect(csv.filter((row) => row.section === "SPC").every((row) => row.note.startsWith("SAMPLE"))).toBe(
      true,
    );
  });

  it("ends the series at the chosen period, and takes a quarter for a monthly measure", async () => {
    const csv = await csvOf(analyst, "measure=crimes.burglary&area=west-mercia&period=Q4 2024/25");
    expect(csv.filter((row) => row.section === "SPC").map((row) => row.period)).toEqual([
      "2025-01",
      "2025-02",
      "2025-03",
    ]);
  });

  it("answers bad query parameters with the problem, not a server error", async () => {
    const cases: [string, string][] = [
      ["measure=crimes.burglary&period=banana", "&quot;banana&quot; is not a period"],
      ["measure=victims.satisfaction-overall&period=2025-06", "This measure is quarterly"],
      ["measure=no-such-measure", "There is no measure &quot;no-such-measure&quot;"],
      ["area=atlantis", "There is no area &quot;atlantis&quot;"],
      ["crimeType=Piracy", "Choose a crime type from the list"],
      ["measure=crimes.burglary&measure=crimes.robbery", "Give one measure"],
    ];
    for (const [query, message] of cases) {
      const response = await analyst.get(`/performance?${query}`);
      expect(response.statusCode, query).toBe(422);
      expect(response.body).toContain("There is a problem");
      expect(response.body).toContain(message);
    }
    const csv = await analyst.get("/performance.csv?period=banana");
    expect(csv.statusCode).toBe(400);
    expect(csv.body).toContain('period: "banana" is not a period');
  });

  it("shows the public only published measures", async () => {
    const none = await visitor.get("/performance?measure=crimes.burglary");
    expect(none.statusCode).toBe(200);
    expect(none.body).toContain("No measures are published yet.");
    expect(none.body).not.toContain('id="spc-chart"');

    await database
      .current()
      .db.kysely.updateTable("measures")
      .set({ published: 1 })
      .where("id", "=", "crimes.burglary")
      .execute();
    const shown = await visitor.get(`/performance?${burglary}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('id="spc-chart"');
    expect(shown.body).not.toContain("All recorded crime</option>");
    const hidden = await visitor.get("/performance?measure=crimes.robbery");
    expect(hidden.statusCode).toBe(422);
    expect(hidden.body).toContain("There is no measure &quot;crimes.robbery&quot;");
  });

  it("draws a note of the measure on its SPC chart and on every area's small chart", async () => {
    await addAnnotation(database.current().db.kysely, systemActor, "crimes.burglary", {
      date: "2025-02-10",
      text: "Burglary team formed",
      rebase: false,
    });
    const page = (await analyst.get(`/performance?${burglary}`)).body;
    const svgOf = (id: string) => {
      const figure = page.slice(page.indexOf(`id="${id}"`));
      return figure.slice(figure.indexOf("<svg"), figure.indexOf("</svg>"));
    };
    expect(svgOf("spc-chart")).toContain("Burglary team formed");
    // Labelled once: the small charts have no room for the text on each.
    expect(svgOf("breakdown-lpa").match(/Burglary team formed/g)).toHaveLength(1);
  });
});
