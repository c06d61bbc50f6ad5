import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { TestClient, csrfTokenIn, testApp } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import type { apiMeasure } from "./measures.routes.js";
import type { MeasureSeries } from "./series.js";

type ApiMeasure = ReturnType<typeof apiMeasure>;
type SeriesBody = Omit<MeasureSeries, "measure"> & { measure: ApiMeasure };

const database = useTestDatabase();
let app: FastifyInstance;
let editor: TestClient;
let panel: TestClient;
let force: TestClient;
let visitor: TestClient;

const header = "measure_id,period,area,value,numerator,denominator,note";
const satisfaction = "victims.satisfaction-overall";

beforeAll(async () => {
  const db = database.current().db;
  app = await testApp(db);
  const clients: TestClient[] = [];
  for (const role of ["opcc", "panel", "force"] as const) {
    const user = await createTestUser(db, { role });
    const client = new TestClient(app);
    await client.signIn(user.email);
    clients.push(client);
  }
  [editor, panel, force] = clients as [TestClient, TestClient, TestClient];
  visitor = new TestClient(app);
});
afterAll(async () => {
  await app.close();
});

/** Posts a CSV file as the import form does, with the CSRF token of the form page. */
async function upload(client: TestClient, csv: string) {
  const token = csrfTokenIn((await client.get("/measures/import")).body);
  const boundary = "----scrutineer-test-boundary";
  const payload =
    `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="return.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n` +
    `--${boundary}--\r\n`;
  return app.inject({
    method: "POST",
    url: "/measures/import",
    payload,
    headers: {
      "content-type": `multipart/form-data; boundary=${boundary}`,
      cookie: `scrutineer.sid=${client.cookie("scrutineer.sid")}`,
    },
  });
}

describe("force-return import page", () => {
  it("imports a good file and refuses a bad one whole, listing every problem by line", async () => {
    const good = await upload(
      editor,
      `${header}\n${satisfaction},Q1 2025/26,west-mercia,70.0,280,400,SAMPLE\n${satisfaction},Q2 2025/26,west-mercia,75.0,300,400,SAMPLE\n`,
    );
    expect(good.statusCode).toBe(302);
    expect((await editor.get(good.headers.location as string)).body).toContain(
      "Imported 2 value(s) for 1 measure(s): 2 new, 0 replaced",
    );

    const bad = await upload(
      editor,
      `${header}\n${satisfaction},Q3 2025/26,west-mercia,70.0,280,400,\n${satisfaction},2025-12,west-mercia,120,,,\n`,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain("The file has 2 problems; nothing was imported");
    expect(bad.body).toContain(
      "Line 3, period: &quot;2025-12&quot; does not match the measure&#39;s frequency",
    );
    expect(bad.body).toContain("Line 3, value: 120 is a percentage outside 0 to 100");
    const rows = await database.current().db.kysely.selectFrom("measure_values").select("period").execute();
    expect(rows.map((r) => r.period).sort()).toEqual(["Q1 2025/26", "Q2 2025/26"]);
  });

  it("refuses a file over 2 MB whole, on the form, saying the limit", async () => {
    const before = await database.current().db.kysely.selectFrom("measure_values").select("id").execute();
    // Good lines, but more of them than a return holds: 2 MB and a line over.
    const line = `${satisfaction},Q4 2025/26,west-mercia,70.0,280,400,SAMPLE\n`;
    const csv = `${header}\n${line.repeat(Math.ceil((2 * 1024 * 1024) / line.length) + 1)}`;
    const tooLarge = await upload(editor, csv);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.body).toContain(
      "return.csv is larger than 2 MB, the most a force return may be: nothing was imported",
    );
    expect(tooLarge.body).toContain('href="#file"');
    const after = await database.current().db.kysely.selectFrom("measure_values").select("id").execute();
    expect(after).toEqual(before);
  });

  it("is for the OPCC only", async () => {
    expect((await force.get("/measures/import")).statusCode).toBe(403);
    expect((await panel.get("/measures/import")).statusCode).toBe(403);
    expect((await visitor.get("/measures/import")).statusCode).toBe(302);
  });
});

describe("measure pages and API", () => {
  it("shows the series with its definition, change and SPC to signed-in users, and hides unpublished measures from the public", async () => {
    const page = await panel.get(`/measures/${satisfaction}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Victim satisfaction: whole experience");
    expect(page.body).toContain("completely, very or fairly satisfied");
    expect(page.body).toContain("75%");
    expect(page.body).toContain("Against the previous period: 75% against 70% in Q1 2025/26");
    // 300 of 400 satisfied: Wilson's 95% interval is 70.53% to 78.99%.
    expect(page.body).toContain(
      "Latest, Q2 2025/26: 75% (95% interval 70.5% to 79%, Wilson score interval).</li>",
    );
    expect((await visitor.get(`/measures/${satisfaction}`)).statusCode).toBe(404);
    expect((await visitor.get("/measures")).body).not.toContain("Victim satisfaction");
    expect((await panel.get("/measures")).body).toContain("Victim satisfaction");
  });

  it("serves the series as JSON, to the public once published", async () => {
    const api = await panel.get(`/api/measures/${satisfaction}/series?area=west-mercia`);
    expect(api.statusCode).toBe(200);
    const series = api.json<SeriesBody>();
    expect(series.measure).toMatchObject({
      id: satisfaction,
      unit: "%",
      polarity: "higher is better",
      published: false,
    });
    expect(series.points.map((p) => [p.period, p.value])).toEqual([
      ["Q1 2025/26", 70],
      ["Q2 2025/26", 75],
    ]);
    expect(series.change.previousPeriod).toMatchObject({ previousValue: 70, value: 75, significant: false });
    expect(series.spc?.summary.groups).toHaveLength(1);
    expect(series.msg).toEqual({ comparison: null, reason: "No other force has a value for Q2 2025/26." });
    expect((await visitor.get(`/api/measures/${satisfaction}/series`)).statusCode).toBe(404);

    const publish = await editor.post(
      `/measures/${satisfaction}/settings`,
      { published: "yes", target: "80", localPriority: "Putting victims first" },
      `/measures/${satisfaction}/settings`,
    );
    expect(publish.statusCode).toBe(302);
    const publicSeries = await visitor.get(`/api/measures/${satisfaction}/series`);
    expect(publicSeries.statusCode).toBe(200);
    expect(publicSeries.json<SeriesBody>().measure).toMatchObject({
      published: true,
      target: 80,
      localPriority: "Putting victims first",
    });
    expect(publicSeries.json<SeriesBody>().spc?.summary.assurance_type).not.toBeNull();
    const list = (await visitor.get("/api/measures")).json<{ measures: ApiMeasure[] }>();
    expect(list.measures.map((m) => m.id)).toEqual([satisfaction]);
    expect(
      (await panel.get("/api/measures")).json<{ measures: ApiMeasure[] }>().measures.length,
    ).toBeGreaterThan(100);
  });

  it("shows a change to the catalogue at once in every kept view of it: an editor's page, a filtered page and the API", async () => {
    const { db } = database.current();
    const rename = (name: string, published: 0 | 1) =>
      db.kysely
        .updateTable("measures")
        .set({ name, published })
        .where("id", "=", "crimes.neighbourhood")
        .execute();
    const views = [
      [editor, "/measures"],
      [panel, "/measures?priority=neighbourhood-crime"],
      [panel, "/api/measures"],
    ] as const;
    const read = () => Promise.all(views.map(([client, url]) => client.get(url).then((r) => r.body)));
    for (const body of await read()) expect(body).toContain("Neighbourhood crime");
    expect((await editor.get("/measures")).body).toMatch(
      /Neighbourhood crime<\/a><\/td>(?:(?!<\/tr>)[\s\S])*Not published/,
    );

    await rename("Crime in neighbourhoods", 1);
    for (const body of await read()) expect(body).toContain("Crime in neighbourhoods");
    expect((await editor.get("/measures")).body).toMatch(
      /Crime in neighbourhoods<\/a><\/td>(?:(?!<\/tr>)[\s\S])*Published/,
    );

    await rename("Neighbourhood crime", 0);
    for (const body of await read()) expect(body).not.toContain("Crime in neighbourhoods");
  });

  it("filters the measures page by source and national priority, ignoring values it does not know", async () => {
    const rowsOf = (body: string) =>
      [...body.matchAll(/<a class="govuk-link" href="\/measures\/([^"]+)">/g)].map((m) => m[1]);
    const neighbourhood = rowsOf((await panel.get("/measures?priority=neighbourhood-crime")).body);
    expect(neighbourhood).toContain("crimes.neighbourhood");
    expect(neighbourhood).not.toContain("crimes.all");
    const all = rowsOf((await panel.get("/measures")).body);
    expect(all.length).toBeGreaterThan(neighbourhood.length);
    expect(rowsOf((await panel.get("/measures?priority=not-a-priority")).body)).toEqual(all);
    const forceReturns = rowsOf((await panel.get("/measures?source=force+return")).body);
    expect(forceReturns).toContain(satisfaction);
    expect(forceReturns).not.toContain("crimes.all");
  });

  it("documents the API", async () => {
    const docs = (await visitor.get("/api/docs")).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(docs.paths)).toEqual(["/api/measures", "/api/measures/{id}/series"]);
  });
});

describe("single values and notes", () => {
  const measure = "complaints.average-days-to-finalise";

  it("saves a value from the form, and redisplays the form with the problem otherwise", async () => {
    const formPage = `/measures/${measure}/values/new`;
    const wrong = await editor.post(
      `/measures/${measure}/values`,
      { period: "2025-05", area: "west-mercia", value: "88.5", numerator: "", denominator: "", note: "" },
      formPage,
    );
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain("Period &quot;2025-05&quot; does not match the measure&#39;s frequency");
    const saved = await editor.post(
      `/measures/${measure}/values`,
      {
        period: "Q1 2025/26",
        area: "west-mercia",
        value: "88.5",
        numerator: "",
        denominator: "",
        note: "Checked",
      },
      formPage,
    );
    expect(saved.statusCode).toBe(302);
    const series = (await editor.get(`/api/measures/${measure}/series`)).json<SeriesBody>();
    expect(series.points).toEqual([
      expect.objectContaining({ period: "Q1 2025/26", value: 88.5, note: "Checked" }),
    ]);
    const audit = await database
      .current()
      .db.kysely.selectFrom("audit_log")
      .select("action")
      .where("entity_type", "=", "measure-value")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["create"]);
  });

  it("names a period missing between the first and last, on the page and in the API", async () => {
    const saved = await editor.post(
      `/measures/${measure}/values`,
      { period: "Q3 2025/26", area: "west-mercia", value: "90", numerator: "", denominator: "", note: "" },
      `/measures/${measure}/values/new`,
    );
    expect(saved.statusCode).toBe(302);
    const series = (await editor.get(`/api/measures/${measure}/series`)).json<SeriesBody>();
    expect(series.gaps).toEqual([
      { period: "Q2 2025/26", kind: "missing", note: "No figure for Q2 2025/26." },
    ]);
    const page = (await editor.get(`/measures/${measure}`)).body;
    expect(page).toContain('<h2 class="govuk-heading-m">Gaps in the data</h2>');
    expect(page).toContain("<li>Q2 2025/26 (missing): No figure for Q2 2025/26.</li>");
  });

  it("lets the office choose which outcomes a positive outcome rate counts, and states them in its definition", async () => {
    const settings = "/measures/outcomes.burglary.positive/settings";
    const form = (await editor.get(settings)).body;
    expect(form).toContain('name="positiveOutcomes" type="checkbox" value="charge_summons" checked');
    expect(form).not.toContain('value="pending"');
    const base = { published: "no", target: "", localPriority: "" };
    const none = await editor.post(settings, base, settings);
    expect(none.statusCode).toBe(422);
    expect(none.body).toContain("Choose at least one outcome that counts as positive");
    const pending = await editor.post(settings, { ...base, positiveOutcomes: "pending" }, settings);
    expect(pending.statusCode).toBe(422);
    expect(pending.body).toContain("an outcome not yet reached cannot count");
    const saved = await editor.post(
      settings,
      { ...base, positiveOutcomes: ["out_of_court_disposal", "charge_summons"] },
      settings,
    );
    expect(saved.statusCode).toBe(302);
    const series = (await editor.get("/api/measures/outcomes.burglary.positive/series")).json<SeriesBody>();
    expect(series.measure.definition).toMatch(
      /^Positive outcome rate: crimes whose latest outcome is charge\/summons or out-of-court disposal, as a share/,
    );
    expect((await editor.get("/measures/outcomes.burglary.positive")).body).toContain(
      "crimes whose latest outcome is charge/summons or out-of-court disposal",
    );
  });

  it("draws rolling 12-month figures as a trend line, saying why there is no SPC chart", async () => {
    const homicides = "homicide.rolling-12-months";
    for (const [period, value] of [
      ["2025-02", "11"],
      ["2025-03", "12"],
    ] as const) {
      const saved = await editor.post(
        `/measures/${homicides}/values`,
        { period, area: "west-mercia", value, numerator: "", denominator: "", note: "" },
        `/measures/${homicides}/values/new`,
      );
      expect(saved.statusCode, period).toBe(302);
    }
    const noted = await editor.post(
      `/measures/${homicides}/annotations`,
      { date: "2025-03-10", text: "Recording practice changed" },
      `/measures/${homicides}/annotations/new`,
    );
    expect(noted.statusCode).toBe(302);
    const page = (await editor.get(`/measures/${homicides}`)).body;
    expect(page).toContain('id="trend-chart"');
    // The note is on the trend line too, as on every chart of its measure.
    const figure = page.slice(page.indexOf('id="trend-chart"'));
    const svg = figure.slice(figure.indexOf("<svg"), figure.indexOf("</svg>"));
    expect(svg).toContain("Recording practice changed");
    expect(page).not.toContain('id="spc-chart"');
    expect(page).toContain("No SPC chart: each figure covers months the one before it covers too");
    expect(page).toContain("no significance test: the two 12-month figures share 11 months");
  });

  it("refuses values for data.police.uk measures and form posts from force users", async () => {
    expect((await editor.get("/measures/crimes.burglary/values/new")).statusCode).toBe(422);
    expect((await force.get(`/measures/${measure}/values/new`)).statusCode).toBe(403);
  });

  it("adds a dated note that rebases the SPC limits and is shown with the series", async () => {
    const formPage = `/measures/${satisfaction}/annotations/new`;
    const missing = await editor.post(
      `/measures/${satisfaction}/annotations`,
      { date: "2025-13-01", text: "" },
      formPage,
    );
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain("Enter the date as YYYY-MM-DD");
    const added = await editor.post(
      `/measures/${satisfaction}/annotations`,
      { date: "2025-08-01", text: "Survey provider changed", rebase: "yes" },
      formPage,
    );
    expect(added.statusCode).toBe(302);
    const series = (await visitor.get(`/api/measures/${satisfaction}/series`)).json<SeriesBody>();
    // The note alone: not who added it (an e-mail address) nor the row's keys.
    expect(series.annotations).toEqual([{ date: "2025-08-01", text: "Survey provider changed", rebase: 1 }]);
    expect(series.spc?.rebasedAt).toEqual(["2025-07-01"]);
    expect((await visitor.get(`/measures/${satisfaction}`)).body).toContain(
      "Survey provider changed (SPC limits recalculated from here)",
    );
  });
});
