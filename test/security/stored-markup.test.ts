import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../src/modules/audit/actor.js";
import { createStatementDraft } from "../../src/modules/publication/publication.service.js";
import { addLineOfEnquiry, updateItem } from "../../src/modules/meetings/meetings.service.js";
import {
  addAnnotation,
  ensureMeasureCatalogue,
  importForceReturn,
  updateMeasureSettings,
} from "../../src/modules/measures/measures.service.js";
import { draftResponse, saveResponse } from "../../src/modules/inspections/inspections.service.js";
import { makeFinding, makeInspection } from "../../src/modules/inspections/test-support.js";
import { createTestUser } from "../factories.js";
import { createTestAction, createTestMeeting } from "../factories/actions.js";
import { TestClient, testApp } from "../helpers/http.js";
import { useTestDatabase } from "../helpers/test-db.js";

/**
 * Stored cross-site scripting through the free text the app keeps: each field below is saved with markup in it
 * (and Markdown fields with a javascript: link), then every page that shows it is read. The markup must come back
 * as text. Names are covered in web-security.test.ts.
 */
const MARKUP = `<script>alert("stored")</script><img src=x onerror=alert(2)>`;
const MARKDOWN = `${MARKUP}\n\n[a link](javascript:alert(3)) <a href="javascript:alert(4)">raw</a>`;

const database = useTestDatabase();
let app: FastifyInstance;
let admin: TestClient;
const pages: string[] = [];

beforeAll(async () => {
  const { db } = database.current();
  const { kysely } = db;
  app = await testApp(db);
  admin = new TestClient(app);
  await admin.signIn((await createTestUser(db, { role: "admin" })).email);

  const { meeting, items } = await createTestMeeting(db, { title: `Meeting ${MARKUP}`, status: "published" });
  const item = items[0]!;
  await updateItem(kysely, systemActor, meeting.id, item.id, { title: `Item ${MARKUP}`, lead: MARKUP }, 1);
  await updateItem(kysely, systemActor, meeting.id, item.id, { notes_markdown: MARKDOWN }, 2);
  await addLineOfEnquiry(kysely, systemActor, meeting.id, item.id, {
    askedBy: MARKUP,
    question: MARKUP,
    response: MARKUP,
    assurance: "assured",
  });
  pages.push(
    "/meetings",
    `/meetings/${meeting.id}`,
    `/meetings/${meeting.id}/edit`,
    `/meetings/${meeting.id}/items/${item.id}`,
  );

  const action = await createTestAction(db, {
    description: MARKUP,
    ownerRoles: MARKUP,
    raisedOn: "2025-05-01",
    dueDate: "2026-01-31",
  });
  pages.push("/actions", `/actions/${action.id}`);

  const inspection = await makeInspection(kysely, { title: `Inspection ${MARKUP}`, scope: MARKUP });
  const finding = await makeFinding(kysely, inspection.id, { text: MARKUP, owner: MARKUP });
  const response = await draftResponse(kysely, systemActor, inspection.id);
  await saveResponse(kysely, systemActor, inspection.id, {
    introduction: MARKUP,
    actions: new Map(),
    version: response.version,
  });
  pages.push(
    "/inspections",
    `/inspections/${inspection.id}`,
    `/inspections/findings/${finding.id}`,
    `/inspections/${inspection.id}/response`,
  );

  await ensureMeasureCatalogue(kysely);
  const measure = "victims.satisfaction-overall";
  await addAnnotation(kysely, systemActor, measure, { date: "2025-07-01", text: MARKUP, rebase: false });
  await updateMeasureSettings(kysely, systemActor, measure, {
    published: "yes",
    target: "",
    localPriority: MARKUP,
  });
  await importForceReturn(kysely, systemActor, {
    name: "return.csv",
    text: `measure_id,period,area,value,numerator,denominator,note\n${measure},Q1 2025/26,west-mercia,70,280,400,"${MARKUP.replaceAll('"', '""')}"\n`,
  });
  pages.push(
    "/measures",
    `/measures/${measure}`,
    `/performance?measure=${measure}`,
    `/api/measures/${measure}/series`,
  );

  const statement = await createStatementDraft(kysely, systemActor, {
    title: MARKUP,
    body: MARKDOWN,
    figuresTo: null,
  });
  pages.push(
    `/publications/national-priorities/${statement.id}`,
    `/publications/national-priorities/${statement.id}/edit`,
  );
  pages.push("/", "/admin/audit");
});
afterAll(async () => {
  await app.close();
});

describe("stored markup", () => {
  it("comes back as text on every page that shows it, and no javascript: link is made", async () => {
    const problems: string[] = [];
    for (const url of pages) {
      const response = await admin.get(url);
      if (response.statusCode !== 200) problems.push(`${url}: ${response.statusCode}`);
      const body = response.body;
      if (url.startsWith("/api/")) {
        // JSON carries the text as it was given; a browser must never read it as a page.
        const type = String(response.headers["content-type"]);
        if (!type.startsWith("application/json")) problems.push(`${url}: served as ${type}`);
        if (response.headers["x-content-type-options"] !== "nosniff") problems.push(`${url}: no nosniff`);
        continue;
      }
      if (body.includes("<script>alert") || body.includes("<img src=x"))
        problems.push(`${url}: markup as markup`);
      if (/href="javascript:/i.test(body)) problems.push(`${url}: a javascript: link`);
    }
    expect(problems).toEqual([]);
    // It was shown, as text: the test would pass on pages that left it out.
    const shown = pages.filter((url) => !url.startsWith("/api/"));
    const escaped = await Promise.all(
      shown.map(async (url) =>
        (await admin.get(url)).body.includes("&lt;script&gt;alert(&quot;stored&quot;)"),
      ),
    );
    // (The list of measures shows their names, none of which was given markup.)
    expect(shown.filter((_, i) => !escaped[i])).toEqual(["/measures"]);
  });
});
