import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { createTestAction } from "../../../test/factories/actions.js";
import { testApp, TestClient } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { createTemplateMeeting } from "../../../test/factories/meeting-papers.js";
import { systemActor } from "../audit/actor.js";
import { findDecision, findLineOfEnquiry } from "./meetings.repository.js";
import { addAttendee, addDecision, addLineOfEnquiry } from "./meetings.service.js";
import { staleMessages } from "../../lib/stale-edit.js";

const database = useTestDatabase();
let app: FastifyInstance;
let officer: TestClient;
const now = new Date().toISOString();

beforeAll(async () => {
  const { db } = database.current();
  app = await testApp(db);
  const user = await createTestUser(db, { role: "opcc" });
  officer = new TestClient(app);
  await officer.signIn(user.email);
});
afterAll(async () => {
  await app.close();
});

const meetingWithItems = (date: string) =>
  createTemplateMeeting(database.current().db, date, "Quarter 4 – 2024/25");

async function auditActions(entityType: string) {
  const rows = await database
    .current()
    .db.kysely.selectFrom("audit_log")
    .select(["action", "entity_id"])
    .where("entity_type", "=", entityType)
    .orderBy("id")
    .execute();
  return rows.map((row) => row.action);
}

describe("linking an agenda item", () => {
  it("links a measure, an HMICFRS finding and an action, refuses unknown or repeated ones, and unlinks", async () => {
    const { kysely } = database.current().db;
    const { meeting, items } = await meetingWithItems("2025-03-04");
    const url = `/meetings/${meeting.id}/items/${items[1]!.id}`;
    await kysely
      .insertInto("measures")
      .values({
        id: "sample.item-link-measure",
        name: "Sample measure for linking",
        definition: "Sample: invented for this test",
        unit: "count",
        polarity: "neutral",
        frequency: "monthly",
        source: "manual",
        national_priority: null,
        local_priority: null,
        target: null,
        query_json: null,
        published: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const inspection = await kysely
      .insertInto("inspections")
      .values({
        kind: "victim_service_revisit",
        title: "Sample VSA revisit",
        published_on: "2023-10-01",
        report_url: null,
        scope: null,
        is_sample: 1,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const finding = await kysely
      .insertInto("inspection_findings")
      .values({
        inspection_id: inspection.id,
        kind: "cause_of_concern",
        parent_id: null,
        reference: "CoC 1",
        text: "Supervision of investigations is not effective",
        owner: null,
        target_date: null,
        status: "open",
        closed_by: null,
        closure_decided_by: null,
        superseded_by_id: null,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const action = await createTestAction(database.current().db, {
      raisedOn: "2025-01-10",
      ownerRoles: "T/DCC",
      description: "Share the supervision audit (sample)",
    });

    const page = await officer.get(url);
    expect(page.body).toContain("Sample measure for linking");
    expect(page.body).toContain("CoC 1 (Sample VSA revisit)");
    expect(page.body).toContain(`${action.year}/${action.number}: Share the supervision audit`);

    const linkForms: Record<string, string>[] = [
      { targetType: "measure", measureRef: "sample.item-link-measure" },
      { targetType: "finding", findingRef: String(finding.id) },
      { targetType: "action", actionRef: String(action.id) },
    ];
    for (const form of linkForms) {
      expect((await officer.post(`${url}/links`, form, url)).statusCode).toBe(302);
    }
    const linked = await officer.get(url);
    expect(linked.body).toContain('href="/measures/sample.item-link-measure"');
    expect(linked.body).toContain(`href="/inspections/findings/${finding.id}"`);
    expect(linked.body).toContain(`href="/actions/${action.id}"`);
    expect((await officer.get(`/meetings/${meeting.id}`)).body).toContain("This item concerns:");

    const repeated = await officer.post(
      `${url}/links`,
      { targetType: "action", actionRef: String(action.id) },
      url,
    );
    expect(repeated.statusCode).toBe(422);
    expect(repeated.body).toContain("The item is already linked to that action");
    const unknown = await officer.post(`${url}/links`, { targetType: "finding", findingRef: "999999" }, url);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain("Choose a HMICFRS finding from the list");
    const nothingChosen = await officer.post(`${url}/links`, { targetType: "measure", measureRef: "" }, url);
    expect(nothingChosen.statusCode).toBe(422);
    expect(nothingChosen.body).toContain("Choose a measure from the list");

    const links = await kysely
      .selectFrom("meeting_item_links")
      .selectAll()
      .where("meeting_item_id", "=", items[1]!.id)
      .execute();
    expect(links.map((link) => link.target_type)).toEqual(["measure", "finding", "action"]);
    const removed = await officer.post(`${url}/links/${links[0]!.id}/remove`, {}, url);
    expect(removed.statusCode).toBe(302);
    expect((await officer.get(url)).body).not.toContain('href="/measures/sample.item-link-measure"');
    expect(await auditActions("meeting_item_link")).toEqual(["create", "create", "create", "delete"]);
  });
});

describe("changing records after they were added", () => {
  it("edits a line of enquiry's question, response and assurance, refusing a stale form", async () => {
    const { kysely } = database.current().db;
    const { meeting, items } = await meetingWithItems("2025-03-05");
    const item = items[2]!;
    const line = await addLineOfEnquiry(kysely, systemActor, meeting.id, item.id, {
      askedBy: "PCC",
      question: "Why has shoplifting risen?",
      response: "",
      assurance: "further-information-requested",
    });
    const url = `/meetings/${meeting.id}/items/${item.id}/enquiries/${line.id}`;
    const form = await officer.get(url);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain("Why has shoplifting risen?");
    expect(form.body).toContain('name="version" value="1"');

    const fields = { version: "1", askedBy: "PCC", question: "Why has shoplifting risen this quarter?" };
    const saved = await officer.post(
      url,
      { ...fields, response: "Organised groups from out of force.", assurance: "partially-assured" },
      url,
    );
    expect(saved.statusCode).toBe(302);
    expect(saved.headers.location).toBe(`/meetings/${meeting.id}/items/${item.id}`);
    expect(await findLineOfEnquiry(kysely, line.id)).toMatchObject({
      question: "Why has shoplifting risen this quarter?",
      response: "Organised groups from out of force.",
      assurance: "partially-assured",
      version: 2,
    });

    const stale = await officer.post(
      url,
      { ...fields, response: "A response typed in another tab", assurance: "assured" },
      url,
    );
    expect(stale.statusCode).toBe(422);
    expect(stale.body).toContain(staleMessages.lineOfEnquiry);
    expect(stale.body).toContain("A response typed in another tab");
    expect(stale.body).toContain(`href="${url}" target="_blank"`);
    expect((await findLineOfEnquiry(kysely, line.id))?.assurance).toBe("partially-assured");

    const invalid = await officer.post(
      url,
      { version: "2", askedBy: "PCC", question: "", assurance: "assured" },
      url,
    );
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain("Enter the question asked");
    expect(await auditActions("line_of_enquiry")).toEqual(["create", "update"]);
  });

  it("edits a decision's purpose, outcome, amount and conditions, keeping its reference", async () => {
    const { kysely } = database.current().db;
    const { meeting, items } = await meetingWithItems("2025-03-06");
    const item = items[2]!;
    const decision = await addDecision(kysely, systemActor, meeting.id, item.id, {
      purpose: "Fleet replacement business case",
      outcome: "deferred",
      amount: 12_500_000,
      conditions: "",
    });
    const url = `/meetings/${meeting.id}/items/${item.id}/decisions/${decision.id}`;
    const form = await officer.get(url);
    expect(form.body).toContain('value="125000.00"');
    expect(form.body).toContain(decision.ref);
    const saved = await officer.post(
      url,
      {
        version: "1",
        purpose: "Fleet replacement business case",
        outcome: "approved-subject-to",
        amount: "130,000",
        conditions: "Subject to the lease review",
      },
      url,
    );
    expect(saved.statusCode).toBe(302);
    expect(await findDecision(kysely, decision.id)).toMatchObject({
      ref: decision.ref,
      outcome: "approved-subject-to",
      amount_pence: 13_000_000,
      conditions: "Subject to the lease review",
      version: 2,
    });
    const badAmount = await officer.post(
      url,
      { version: "2", purpose: "x", outcome: "approved", amount: "lots" },
      url,
    );
    expect(badAmount.statusCode).toBe(422);
    expect(badAmount.body).toContain("Enter the amount in pounds");
    const elsewhere = await officer.get(
      `/meetings/${meeting.id}/items/${items[0]!.id}/decisions/${decision.id}`,
    );
    expect(elsewhere.statusCode).toBe(404);
    expect(await auditActions("decision")).toEqual(["create", "update"]);
  });

  it("edits an attendee's attendance and the role written for them", async () => {
    const { kysely } = database.current().db;
    const { meeting } = await meetingWithItems("2025-03-07");
    const attendee = await addAttendee(kysely, systemActor, meeting.id, {
      name: "Sample Person",
      kind: "present",
    });
    const url = `/meetings/${meeting.id}/attendees/${attendee.id}`;
    expect((await officer.get(`/meetings/${meeting.id}`)).body).toContain(`href="${url}"`);
    const saved = await officer.post(
      url,
      { kind: "apologies", roleText: "Head of Estates", abbreviation: "HoE" },
      url,
    );
    expect(saved.statusCode).toBe(302);
    const page = await officer.get(`/meetings/${meeting.id}`);
    expect(page.body).toMatch(
      /Apologies<\/h3>\s*<ul class="govuk-list">\s*<li>Sample Person, Head of Estates \(HoE\)/,
    );
    const refused = await officer.post(url, { kind: "asleep" }, url);
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain("Choose how they attended");
    expect((await officer.get(`/meetings/${meeting.id}/attendees/999999`)).statusCode).toBe(404);
    expect(await auditActions("meeting_attendee")).toEqual(["create", "update"]);
  });
});
