import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { createTestAction, createTestMeeting } from "../../../test/factories/actions.js";
import { createTestPaperRequest } from "../../../test/factories/meeting-papers.js";
import { TestClient, testApp } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { addDays, todayInUk } from "../inspections/deadline.js";
import { makeFinding, makeInspection } from "../inspections/test-support.js";
import { loadMeasuresDemo } from "../measures/measures.demo.js";
import { measureIdsWithFigures } from "./dashboard.repository.js";
import { homeDashboard } from "./dashboard.service.js";

const database = useTestDatabase();
let app: FastifyInstance;
let client: TestClient;
const today = todayInUk();

beforeAll(async () => {
  const db = database.current().db;
  app = await testApp(db);
  client = new TestClient(app);
  await client.signIn((await createTestUser(db, { role: "force", name: "Fran Force" })).email);
});
afterAll(async () => {
  await app.close();
});

describe("the signed-in home page", () => {
  it("starts with nothing needing attention", async () => {
    const response = await client.get("/");
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("Welcome, Fran Force");
    for (const text of [
      "No meetings are planned.",
      "No paper is past its deadline.",
      "No action is overdue.",
      "No finding is past its target date.",
    ]) {
      expect(response.body).toContain(text);
    }
  });

  it("shows the next meeting with its awaited paper, the late paper, the overdue action and the overdue finding", async () => {
    const db = database.current().db;
    const { meeting, items } = await createTestMeeting(db, {
      title: "Performance meeting (sample)",
      date: addDays(today, 14),
      status: "planned",
    });
    await createTestPaperRequest(db, meeting.id, items[1]!.id, {
      description: "Burglary paper (sample)",
      deadlineDate: addDays(today, -2),
    });
    await createTestPaperRequest(db, meeting.id, items[1]!.id, {
      description: "Shoplifting paper (sample)",
      deadlineDate: addDays(today, 7),
    });
    // A meeting already held is not among the next ones.
    await createTestMeeting(db, {
      title: "Held meeting (sample)",
      date: addDays(today, -30),
      status: "held",
    });
    await createTestAction(db, {
      description: "Share the burglary delivery plan (sample)",
      raisedOn: addDays(today, -60),
      dueDate: addDays(today, -5),
      ownerRoles: "ACC",
    });
    await createTestAction(db, {
      description: "Not yet due (sample)",
      raisedOn: addDays(today, -60),
      dueDate: addDays(today, 5),
      ownerRoles: "ACC",
    });
    const inspection = await makeInspection(db.kysely, { title: "PEEL sample inspection" });
    await makeFinding(db.kysely, inspection.id, { reference: "AFI 99", target_date: addDays(today, -1) });
    await makeFinding(db.kysely, inspection.id, { reference: "AFI 100", target_date: addDays(today, 30) });

    const html = (await client.get("/")).body;
    const section = (heading: string) => {
      const start = html.indexOf(heading);
      expect(start, heading).toBeGreaterThan(-1);
      return html.slice(start, html.indexOf('class="govuk-heading-l"', start + heading.length));
    };
    const next = section("Next meetings");
    expect(next).toContain(
      `<a class="govuk-link" href="/meetings/${meeting.id}">Performance meeting (sample)</a>`,
    );
    expect(next).toContain("Shoplifting paper (sample) from T/DCC (item 2): due");
    expect(next).not.toContain("Burglary paper");
    expect(next).not.toContain("Held meeting");

    const late = section("Late papers");
    expect(late).toContain("Burglary paper (sample)");
    expect(late).toContain(`${addDays(today, -2)} at 12:00`);
    expect(late).not.toContain("Shoplifting paper");

    const actions = section("Overdue actions");
    expect(actions).toContain("Share the burglary delivery plan (sample)");
    expect(actions).not.toContain("Not yet due");

    const findings = section("Findings past their target date");
    expect(findings).toContain("AFI 99");
    expect(findings).not.toContain("AFI 100");
  });
});

describe("the quarter's exceptions", () => {
  it("lists those the measures show for the quarter containing today", async () => {
    const db = database.current().db;
    await loadMeasuresDemo(db);
    // The SAMPLE force returns end in March 2026: mid-February 2026 is in their last quarter.
    const dashboard = await homeDashboard(db.kysely, new Date("2026-02-15T12:00:00Z"));
    expect(dashboard.quarter).toBe("Q4 2025/26");
    expect(dashboard.exceptions.length).toBeGreaterThan(0);
    for (const exception of dashboard.exceptions) {
      expect(["2026-01", "2026-02", "2026-03", "Q4 2025/26"]).toContain(exception.period);
      expect(exception.question).not.toBe("");
    }
    // Only the measures with a figure in the quarter are read: none in a quarter after the SAMPLE returns.
    expect(
      await measureIdsWithFigures(db.kysely, "west-mercia", { start: "2026-10-01", end: "2026-12-31" }),
    ).toEqual([]);
    const withFigures = await measureIdsWithFigures(db.kysely, "west-mercia", {
      start: "2026-01-01",
      end: "2026-03-31",
    });
    expect(withFigures).toContain("victims.satisfaction-overall");
    expect(withFigures.some((id) => id.startsWith("crimes."))).toBe(false); // no crime data loaded here
    for (const exception of dashboard.exceptions) expect(withFigures).toContain(exception.measureId);
    // Today is after the SAMPLE figures end, so the page says there is nothing yet rather than showing old ones.
    const html = (await client.get("/")).body;
    expect(html).toMatch(/Exceptions this quarter, Q\d \d{4}\/\d{2}/);
  });
});
