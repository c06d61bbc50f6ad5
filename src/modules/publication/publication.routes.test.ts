import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { TestClient, testApp } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { loadInspectionsDemo } from "../inspections/inspections.demo.js";
import { loadMeasuresDemo } from "../measures/measures.demo.js";
import { loadMeetingsDemo } from "../meetings/meetings.demo.js";
import { loadPublicationDemo } from "./publication.demo.js";

const database = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  await loadMeasuresDemo(database.current().db);
  await loadMeetingsDemo(database.current().db.kysely);
  app = await testApp(database.current().db);
});
afterAll(() => app.close());

const statementPath = /\/publications\/national-priorities\/(\d+)\/edit/;

describe("the 7A statement over HTTP", () => {
  it("lets an editor generate, edit and publish a draft the public sees only once published", async () => {
    const opcc = new TestClient(app);
    await opcc.signIn((await createTestUser(database.current().db, { role: "opcc" })).email);
    const generated = await opcc.post(
      "/publications/national-priorities/drafts",
      {},
      "/publications/national-priorities",
    );
    expect(generated.statusCode).toBe(302);
    const editUrl = generated.headers.location as string;
    const id = statementPath.exec(editUrl)?.[1];
    expect(id).toBeDefined();
    const editPage = await opcc.get(editUrl);
    expect(editPage.body).toContain("Homicides, rolling 12 months: **12** in March 2026 (SAMPLE figure).");

    // Signed out, the draft does not exist.
    const visitor = new TestClient(app);
    expect((await visitor.get(`/publications/national-priorities/${id}`)).statusCode).toBe(404);
    expect((await visitor.get("/publications/national-priorities")).body).toContain(
      "The commissioner has not published this statement here yet.",
    );
    // Nor may the public or a force user edit or publish it.
    expect((await visitor.get(editUrl)).statusCode).toBe(302);
    const force = new TestClient(app);
    await force.signIn((await createTestUser(database.current().db, { role: "force" })).email);
    expect((await force.get(editUrl)).statusCode).toBe(403);

    // Publishing with the gaps unwritten is refused with the error summary.
    expect(editPage.body.match(/<input type="hidden" name="version" value="1">/g)).toHaveLength(2);
    const refused = await opcc.post(
      `/publications/national-priorities/${id}/publish`,
      { publishedOn: "2026-04-30", version: "1" },
      editUrl,
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain("The statement still has 6 gaps marked");

    const body = "## Reduce murder and other homicide\n\nHomicides fell to **12**.";
    const saved = await opcc.post(editUrl, { title: "Our statement", body, version: "1" }, editUrl);
    expect(saved.statusCode).toBe(302);
    // Another editor's page, opened before that save: their text comes back, with the current version.
    const stale = await opcc.post(
      editUrl,
      { title: "Their statement", body: "Their words.", version: "1" },
      editUrl,
    );
    expect(stale.statusCode).toBe(422);
    expect(stale.body).toContain("This statement was changed since you opened it");
    expect(stale.body).toContain('value="Their statement"');
    expect(stale.body.match(/<input type="hidden" name="version" value="2">/g)).toHaveLength(2);
    // Publishing from a page read before the save is refused too: what is published is what was read.
    const unread = await opcc.post(
      `/publications/national-priorities/${id}/publish`,
      { publishedOn: "2026-04-30", version: "1" },
      editUrl,
    );
    expect(unread.statusCode).toBe(422);
    expect(unread.body).toContain("This statement was changed since you opened it");
    const published = await opcc.post(
      `/publications/national-priorities/${id}/publish`,
      { publishedOn: "2026-04-30", version: "2" },
      editUrl,
    );
    expect(published.statusCode).toBe(302);

    const publicPage = await visitor.get("/publications/national-priorities");
    expect(publicPage.statusCode).toBe(200);
    expect(publicPage.body).toContain('<h1 class="govuk-heading-xl">Our statement</h1>');
    expect(publicPage.body).toContain("Published 30 April 2026");
    expect(publicPage.body).toContain("Homicides fell to <strong>12</strong>.");
    expect((await visitor.get("/publications")).body).toContain("Our statement</a>, published 30 April 2026");
  });

  it("refuses a date that is not a date, naming the field", async () => {
    const opcc = new TestClient(app);
    await opcc.signIn((await createTestUser(database.current().db, { role: "admin" })).email);
    const generated = await opcc.post(
      "/publications/national-priorities/drafts",
      {},
      "/publications/national-priorities",
    );
    const editUrl = generated.headers.location as string;
    const id = statementPath.exec(editUrl)?.[1];
    const refused = await opcc.post(
      `/publications/national-priorities/${id}/publish`,
      { publishedOn: "30/04/2026" },
      editUrl,
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('href="#publishedOn"');
  });
});

describe("the public pages, signed out", () => {
  it("shows the publications index, the performance summary and the complaints page", async () => {
    await loadPublicationDemo(database.current().db);
    await loadInspectionsDemo(database.current().db.kysely);
    const visitor = new TestClient(app);
    const index = await visitor.get("/publications");
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('href="/peel-and-inspections"');
    // 7B: the latest PEEL report of the register, with its grades.
    expect(index.body).toContain("Sample: PEEL 2023–25 (illustrative grades)");
    expect(index.body).toContain("<li>Responding to the public: inadequate</li>");
    expect(index.body).toContain('href="/publications/complaints"');

    const performance = await visitor.get("/publications/performance");
    expect(performance.statusCode).toBe(200);
    expect(performance.body).toContain("Performance summary: Q4 2025/26");
    expect(performance.body).toContain("Homicides, rolling 12 months: number by period");
    expect(performance.body).toContain("Definition: Homicides (murder, manslaughter");

    const complaints = await visitor.get("/publications/complaints");
    expect(complaints.statusCode).toBe(200);
    expect(complaints.body).toContain("The PCC expressed concern on the number of complaints recorded");
    expect(complaints.body).toContain("Complaint cases recorded");

    const home = await visitor.get("/");
    expect(home.body).toContain('href="/publications/performance"');
  });
});
