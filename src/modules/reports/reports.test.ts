import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { testApp, TestClient } from "../../../test/helpers/http.js";
import { createTestUser } from "../../../test/factories.js";
import { docxText, pdfText } from "../../lib/document-text.js";
import { formatNumber } from "../../charts/format.js";
import { periodMonths, previousPeriod } from "../../stats/periods.js";
import { areaDirectory } from "../measures/areas.js";
import { findMeasure } from "../measures/measures.repository.js";
import { measureSeries } from "../measures/measures.service.js";
import { DEMO_QUARTER } from "./reports.demo.js";
import { reportSections } from "./reports.schema.js";
import { quarterlyReport, reportDocx, reportPdf, type QuarterlyReport } from "./reports.service.js";
import { loadReportDemoSubset } from "./test-support.js";

const database = useTestDatabase();
let report: QuarterlyReport;

beforeAll(async () => {
  await loadReportDemoSubset(database.current().db);
  report = await quarterlyReport(database.current().db.kysely, DEMO_QUARTER, {
    publishedOnly: false,
    asOf: "2025-10-15",
  });
}, 60_000);

const sectionOf = (id: string) => report.sections.find((section) => section.id === id)!;
const figureOf = (sectionId: string, figureId: string) =>
  sectionOf(sectionId).figures.find((figure) => figure.id === figureId)!;
const oneLine = (text: string) => text.replace(/\s+/g, " ");

// Figures below are from the SAMPLE force returns (data/measures/examples) and the real data.police.uk files.
const SATISFACTION =
  "Victim satisfaction: whole experience: 66.7% of 354 victims surveyed were satisfied in Q2 2025/26 " +
  "(95% confidence interval 61.6% to 71.4%).";

describe("the quarterly report for Q2 2025/26 from the demo data", () => {
  it("has the meeting's eight sections, each with the demo's SAMPLE commentary", () => {
    expect(report.period).toBe("Q2 2025/26");
    expect(report.months).toBe("July to September 2025");
    expect(report.status).toBe("draft");
    expect(report.sections.map((section) => section.title)).toEqual(reportSections.map((s) => s.title));
    for (const section of report.sections) expect(section.narrative).toMatch(/^SAMPLE commentary/);
  });

  it("gives victim satisfaction with Wilson intervals and flags the small sample", () => {
    const figure = figureOf("victim-satisfaction", "victim-satisfaction-intervals");
    expect(figure.statements).toContain(SATISFACTION);
    expect(figure.table.rows.map((row) => row[0]!.text)).not.toContain("Reoffending after a DVPO");
    expect(figure.cautions).toEqual([
      "Victim satisfaction: serious violence rests on 79 responses, fewer than 100: its interval is wide and small changes are not meaningful.",
    ]);
  });

  it("breaks the four acquisitive crimes down by West Mercia's five local policing areas, quarter on quarter", () => {
    const figures = sectionOf("acquisitive").figures;
    expect(figures.map((figure) => figure.title)).toEqual([
      "Burglary by local policing area",
      "Vehicle crime by local policing area",
      "Shoplifting by local policing area",
      "Bicycle theft by local policing area",
    ]);
    const vehicle = figures[1]!;
    expect(vehicle.table.rows.map((row) => row[0]!.text)).toEqual([
      "Herefordshire",
      "Shropshire",
      "Telford & Wrekin",
      "North Worcestershire",
      "South Worcestershire",
    ]);
    expect(vehicle.statements[0]).toBe(
      "Vehicle crime in West Mercia Police fell 11% in Q2 2025/26 compared with Q1 2025/26, the previous quarter " +
        "(from 953 to 858); this is beyond chance (p = 0.015).",
    );
    expect(vehicle.statements[1]).toMatch(
      /^Vehicle crime in Herefordshire fell 12% in Q2 2025\/26 compared with/,
    );
    expect(vehicle.definition).toContain("April 2025 to September 2025");
    expect(vehicle.chart).not.toBeNull();
  });

  it("gives each LPA the months and quarter totals its own series has", async () => {
    const db = database.current().db.kysely;
    const areas = await areaDirectory();
    const lpas = areas.all.filter((area) => area.type === "lpa" && areas.forceIdOf(area) === "west-mercia");
    const months = periodMonths(previousPeriod(DEMO_QUARTER)).concat(periodMonths(DEMO_QUARTER));
    const quarterTotal = (values: number[], quarter: number) =>
      values.slice(quarter * 3, quarter * 3 + 3).reduce((sum, value) => sum + value, 0);
    for (const figure of sectionOf("acquisitive").figures) {
      const measure = (await findMeasure(db, figure.id.replace(/^lpa-/, "")))!;
      const expected = [];
      for (const lpa of lpas) {
        // The range the report reads: the five quarters to Q2 2025/26.
        const series = await measureSeries(db, measure, {
          area: lpa.code,
          from: "2024-07-01",
          to: "2025-09-01",
        });
        const values = months.map((month) => series.points.find((point) => point.period === month)!.value);
        expected.push({
          row: [
            lpa.name.replace(/ \(.*\)$/, ""),
            ...[...values, quarterTotal(values, 0) + quarterTotal(values, 1)].map(formatNumber),
          ],
          quarters: `(from ${formatNumber(quarterTotal(values, 0))} to ${formatNumber(quarterTotal(values, 1))})`,
        });
      }
      expect(
        figure.table.rows.map((row) => row.map((cell) => cell.text)),
        figure.id,
      ).toEqual(expected.map((e) => e.row));
      // The force's sentence, then each LPA's (the demo has both quarters of every LPA).
      expect(
        figure.statements.slice(1).map((statement) => /\(from [\d,]+ to [\d,]+\)/.exec(statement)?.[0]),
      ).toEqual(expected.map((e) => e.quarters));
    }
  });

  it("compares outcomes with the other forces loaded, and lists the rest of the group as left out", () => {
    const figure = figureOf("outcomes", "outcomes.all-crime.charge-summons");
    expect(figure.title).toBe(
      "All crime: share with outcome charge/summons: West Mercia Police and its group, September 2025",
    );
    expect(figure.statements[0]).toMatch(
      /^All crime: share with outcome charge\/summons: West Mercia Police is/,
    );
    const rows = figure.table.rows.map((row) => row.map((cell) => cell.text));
    expect(rows.filter((row) => row[3] !== "Not ranked").map((row) => row[3])).toEqual(["1", "2", "3"]);
    // The members of its group with no figure are listed as left out, not passed over in silence.
    const left = rows.filter((row) => row[3] === "Not ranked");
    expect(left).toHaveLength(10);
    for (const row of left)
      expect(row.slice(2)).toEqual(["Excluded", "Not ranked", "Not compared", "No figure for 2025-09."]);
    // The positive outcome rate comes first, its definition naming the outcomes it counts.
    expect(sectionOf("outcomes").figures[0]?.id).toBe("outcomes.all-crime.positive");
    expect(figureOf("outcomes", "outcomes.all-crime.positive").definition).toMatch(
      /^Positive outcome rate: crimes whose latest outcome is charge\/summons, out-of-court disposal or taken into consideration, /,
    );
  });

  it("lists each national priority, saying which has no measure", () => {
    const section = sectionOf("national-priorities");
    expect(section.notes).toEqual([
      "Tackle cyber crime: no measure in the catalogue is linked to this priority yet.",
      "Improve satisfaction among victims, with a focus on victims of domestic abuse: the victim survey's results are in section 6.",
    ]);
    expect(section.figures.map((figure) => figure.id)).not.toContain("priority-victims.satisfaction-overall");
    const neighbourhood = figureOf("national-priorities", "priority-crimes.neighbourhood");
    expect(neighbourhood.statements[0]).toMatch(
      /^Neighbourhood crime in West Mercia Police .* in Q2 2025\/26/,
    );
  });

  it("links the plan priorities the demo set, and reads the register and the tracker", () => {
    const plan = figureOf("plan", "plan-priorities");
    expect(plan.table.rows.map((row) => row[0]!.text)).toContain("Putting victims and survivors first");
    expect(figureOf("hmicfrs", "hmicfrs-status").statements[0]).toMatch(
      /^At 15 October 2025, \d+ HMICFRS findings/,
    );
    expect(figureOf("actions", "actions-summary").statements[0]).toMatch(
      /^At 15 October 2025, \d+ actions are open/,
    );
  });

  it("states a definition for every figure", () => {
    for (const figure of report.sections.flatMap((section) => section.figures)) {
      expect(figure.definition.length, figure.id).toBeGreaterThan(20);
      expect(figure.source, figure.id).not.toBe("");
    }
  });

  it("writes a PDF whose text carries the title, the commentary, the sentences and the tables", async () => {
    const pdf = await reportPdf(report);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const text = oneLine(pdfText(pdf));
    expect(text).toContain("Quarterly performance report – Q2 2025/26");
    expect(text).toContain("DRAFT: not yet published.");
    expect(text).toContain("6. Victim satisfaction");
    expect(text).toContain(SATISFACTION);
    expect(text).toContain("SAMPLE commentary (demonstration data, not written by an OPCC)");
    expect(text).toContain("Telford & Wrekin");
  });

  it("writes a DOCX whose text carries the same", async () => {
    const docx = await reportDocx(report);
    expect(docx.subarray(0, 2).toString()).toBe("PK");
    const text = await docxText(docx);
    expect(text).toContain("Quarterly performance report – Q2 2025/26");
    expect(text).toContain("DRAFT: not yet published.");
    expect(text).toContain(SATISFACTION);
    expect(text).toContain("Caution: Victim satisfaction: serious violence rests on 79 responses");
    expect(text).toMatch(/^Telford & Wrekin$/m);
  });

  it("serves the HTML page with charts beside their data tables, and the PDF and DOCX", async () => {
    const { db } = database.current();
    const app = await testApp(db);
    const panel = await createTestUser(db, { role: "panel" });
    const client = new TestClient(app);
    await client.signIn(panel.email);
    const page = await client.get("/reports/quarterly/2025-26-q2");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Quarterly performance report – Q2 2025/26</h1>');
    expect(page.body).toMatch(/<figure class="app-chart[^"]*" id="lpa-crimes.shoplifting">/);
    expect(page.body).toContain('<svg role="img" aria-label="Shoplifting by local policing area');
    expect(page.body).toContain("Victim satisfaction: whole experience: 66.7% of 354 victims surveyed");
    const pdf = await client.get("/reports/quarterly/2025-26-q2.pdf");
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(oneLine(pdfText(pdf.rawPayload))).toContain("7. HMICFRS inspections: progress");
    const docx = await client.get("/reports/quarterly/2025-26-q2.docx");
    expect(await docxText(docx.rawPayload)).toContain("8. Action tracker");
    await app.close();
  });
});
