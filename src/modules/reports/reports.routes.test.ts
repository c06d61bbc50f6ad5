import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { createTestUser } from "../../../test/factories.js";
import { testApp, TestClient } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { docxText } from "../../lib/document-text.js";
import { ensureMeasureCatalogue, updateMeasureSettings } from "../measures/measures.service.js";
import { systemActor } from "../audit/actor.js";

// An empty database: the routes and the report's life (draft, commentary, publication), not its figures.
const database = useTestDatabase();
let app: FastifyInstance;
const REPORT = "/reports/quarterly/2025-26-q2";

beforeAll(async () => {
  app = await testApp(database.current().db);
});
afterAll(() => app.close());

async function signedIn(role: "admin" | "opcc" | "force" | "panel") {
  const user = await createTestUser(database.current().db, { role });
  const client = new TestClient(app);
  await client.signIn(user.email);
  return { user, client };
}

const auditRows = (entityType: string) =>
  database
    .current()
    .db.kysely.selectFrom("audit_log")
    .selectAll()
    .where("entity_type", "=", entityType)
    .orderBy("id")
    .execute();

describe("quarterly report routes", () => {
  it("keeps a draft from the public, in every format, and the list from anyone not signed in", async () => {
    const anonymous = new TestClient(app);
    for (const url of [REPORT, `${REPORT}.pdf`, `${REPORT}.docx`]) {
      expect((await anonymous.get(url)).statusCode, url).toBe(404);
    }
    const list = await anonymous.get("/reports");
    expect(list.statusCode).toBe(302);
    expect(list.headers.location).toBe("/sign-in?next=%2Freports");
  });

  it("shows a draft to any signed-in user, but lets only editors change it", async () => {
    const { client } = await signedIn("panel");
    const page = await client.get(REPORT);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Not yet published: only signed-in users can see it.");
    expect(page.body).not.toContain("Edit the commentary");
    expect((await client.get(`${REPORT}/edit`)).statusCode).toBe(403);
    expect((await client.post(`${REPORT}/publish`, {}, REPORT)).statusCode).toBe(403);
  });

  it("opens a quarter from the list, and refuses what is not a quarter", async () => {
    const { client } = await signedIn("force");
    const opened = await client.get("/reports?quarter=Q2+2025%2F26");
    expect(opened.statusCode).toBe(302);
    expect(opened.headers.location).toBe(REPORT);
    const wrong = await client.get("/reports?quarter=2025-09");
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain("Enter a financial quarter, like Q2 2025/26");
    expect((await client.get("/reports/quarterly/2025-27-q2")).statusCode).toBe(404);
    expect((await client.get("/reports/quarterly/q2")).statusCode).toBe(404);
  });

  it("saves an editor's commentary with an audit row per changed section", async () => {
    const { user, client } = await signedIn("opcc");
    const form = await client.get(`${REPORT}/edit`);
    expect(form.statusCode).toBe(200);
    const saved = await client.post(
      `${REPORT}/edit`,
      {
        plan: "Neighbourhood crime is the priority this quarter.\r\n\r\nSee section 5.",
        actions: "Two actions are overdue.",
      },
      `${REPORT}/edit`,
    );
    expect(saved.statusCode).toBe(302);
    expect(saved.headers.location).toBe(REPORT);
    const page = await client.get(REPORT);
    expect(page.body).toContain("Commentary saved (2 sections)");
    expect(page.body).toContain(
      '<p class="govuk-body">Neighbourhood crime is the priority this quarter.</p><p class="govuk-body">See section 5.</p>',
    );

    const edits = await auditRows("quarterly-report-narrative");
    expect(edits.map((row) => [row.action, row.entity_id, row.actor])).toEqual([
      ["create", expect.stringMatching(/:plan$/), user.email],
      ["create", expect.stringMatching(/:actions$/), user.email],
    ]);
    expect(JSON.parse(edits[0]!.after_json!)).toEqual({
      period: "Q2 2025/26",
      section: "plan",
      text: "Neighbourhood crime is the priority this quarter.\n\nSee section 5.",
    });
    expect((await auditRows("quarterly-report")).map((row) => row.action)).toEqual(["create"]);

    // Emptying a box removes it, and says what it held.
    await client.post(
      `${REPORT}/edit`,
      { plan: "Neighbourhood crime is the priority this quarter.\n\nSee section 5." },
      `${REPORT}/edit`,
    );
    const removed = (await auditRows("quarterly-report-narrative")).at(-1)!;
    expect(removed.action).toBe("delete");
    expect(JSON.parse(removed.before_json!)).toMatchObject({
      section: "actions",
      text: "Two actions are overdue.",
    });
  });

  it("redisplays an over-long commentary with its error and saves nothing", async () => {
    const { client } = await signedIn("admin");
    const before = (await auditRows("quarterly-report-narrative")).length;
    const response = await client.post(`${REPORT}/edit`, { outcomes: "x".repeat(8001) }, `${REPORT}/edit`);
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain("Keep each narrative to 8,000 characters or fewer");
    expect(await auditRows("quarterly-report-narrative")).toHaveLength(before);
  });

  it("publishes the report, audited, after which the public can read it in every format", async () => {
    const { client } = await signedIn("opcc");
    const published = await client.post(`${REPORT}/publish`, {}, REPORT);
    expect(published.statusCode).toBe(302);
    const publications = (await auditRows("quarterly-report")).filter((row) => row.action === "publish");
    expect(publications).toHaveLength(1);
    expect(JSON.parse(publications[0]!.after_json!)).toMatchObject({
      period: "Q2 2025/26",
      status: "published",
    });

    const anonymous = new TestClient(app);
    const page = await anonymous.get(REPORT);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Neighbourhood crime is the priority this quarter.");
    expect(page.body).not.toContain("Publish report");
    expect((await anonymous.get(`${REPORT}.pdf`)).statusCode).toBe(200);
    const docx = await anonymous.get(`${REPORT}.docx`);
    expect(await docxText(docx.rawPayload)).toMatch(/^Published \d+ \w+ \d{4}\.$/m);

    const { client: reader } = await signedIn("panel");
    const list = await reader.get("/reports");
    expect(list.body).toContain(`<a class="govuk-link" href="${REPORT}">Q2 2025/26</a>`);
  });

  it("shows the public only the measures that are published, and a signed-in reader all of them", async () => {
    const { kysely } = database.current().db;
    await ensureMeasureCatalogue(kysely);
    await updateMeasureSettings(kysely, systemActor, "complaints.allegations", {
      published: "yes",
      target: "",
      localPriority: "",
    });
    const { client } = await signedIn("opcc");
    await client.post(`${REPORT}/publish`, {}, REPORT);

    const publicPage = (await new TestClient(app).get(REPORT)).body;
    expect(publicPage).toContain("Measure complaints.recorded is not published.");
    expect(publicPage).not.toContain("Measure complaints.allegations is not published.");
    const { client: reader } = await signedIn("panel");
    expect((await reader.get(REPORT)).body).not.toContain("is not published");
  });
});
