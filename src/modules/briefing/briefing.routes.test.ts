import { beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { createTestAction, createTestMeeting } from "../../../test/factories/actions.js";
import { TestClient, testApp } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import type { UserRow } from "../../db/schema.js";
import { loadMeasuresDemo } from "../measures/measures.demo.js";
import { listLinesOfEnquiry } from "../meetings/meetings.repository.js";
import { listSuggestions } from "./briefing.repository.js";

const database = useTestDatabase();

let opcc: UserRow;
let meeting: Awaited<ReturnType<typeof createTestMeeting>>;
let briefing: string;

beforeAll(async () => {
  const { db } = database.current();
  await loadMeasuresDemo(db);
  opcc = await createTestUser(db, { role: "opcc", name: "Olive OPCC" });
  meeting = await createTestMeeting(db, { date: "2025-11-20", title: "Performance Q2 2025/26 (sample)" });
  await createTestAction(db, { raisedOn: "2025-05-01", dueDate: "2025-09-30", ownerRoles: "ACC" });
  briefing = `/meetings/${meeting.meeting.id}/briefing`;
});

async function signedIn(user: UserRow) {
  const client = new TestClient(await testApp(database.current().db));
  await client.signIn(user.email);
  return client;
}

const suggestions = () => listSuggestions(database.current().db.kysely, meeting.meeting.id);

describe("who may see the briefing pack", () => {
  it("is for OPCC staff: the force and the panel are refused, the public sent to sign in", async () => {
    const { db } = database.current();
    for (const role of ["force", "panel"] as const) {
      const client = await signedIn(await createTestUser(db, { role }));
      expect((await client.get(briefing)).statusCode).toBe(403);
    }
    const anonymous = new TestClient(await testApp(db));
    const response = await anonymous.get(briefing);
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toMatch(/^\/sign-in/);
  });
});

describe("generating and deciding", () => {
  it("offers to generate the pack for the quarter before the meeting", async () => {
    const page = await (await signedIn(opcc)).get(briefing);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="Q2 2025/26"');
    expect(page.body).toContain("Generate the briefing pack");
  });

  it("refuses a period it cannot read, naming it, and saves nothing", async () => {
    const client = await signedIn(opcc);
    const response = await client.post(`${briefing}/generate`, { period: "Quarter two" }, briefing);
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain("&quot;Quarter two&quot; is not a period");
    expect(await suggestions()).toEqual([]);
  });

  it("generates suggestions, each with the figure that prompted it", async () => {
    const client = await signedIn(opcc);
    const response = await client.post(`${briefing}/generate`, { period: "Q2 2025/26" }, briefing);
    expect(response.statusCode).toBe(302);
    const page = await client.get(briefing);
    expect(page.body).toMatch(/Briefing pack generated: \d+ new suggestions/);
    expect(page.body).toContain("Overdue action");
    expect(page.body).toContain("101 calls abandoned in West Mercia Police: 11.2% in September 2025");
    expect(page.body).toContain("Regenerate the briefing pack");
  });

  it("accepts a suggestion as edited, and the meeting's notes show it as a line of enquiry", async () => {
    const client = await signedIn(opcc);
    const overdue = (await suggestions()).find((s) => s.kind === "action-overdue")!;
    const wording = "Action 2025/1 is overdue: when will the ACC complete it?";
    const response = await client.post(
      `${briefing}/suggestions/${overdue.id}/accept`,
      { text: wording },
      briefing,
    );
    expect(response.statusCode).toBe(302);
    const lines = await listLinesOfEnquiry(database.current().db.kysely, meeting.meeting.id);
    expect(lines.map((line) => line.question)).toEqual([wording]);
    const notes = await client.get(`/meetings/${meeting.meeting.id}`);
    expect(notes.body).toContain(`<strong>PCC asked:</strong> ${wording}`);
  });

  it("keeps an edited wording, and redisplays an empty one with the error at the field", async () => {
    const client = await signedIn(opcc);
    const pending = (await suggestions()).find((s) => s.status === "suggested")!;
    const empty = await client.post(`${briefing}/suggestions/${pending.id}/edit`, { text: " " }, briefing);
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain(`href="#text-${pending.id}"`);
    expect(empty.body).toContain("Enter the line of enquiry");

    await client.post(`${briefing}/suggestions/${pending.id}/edit`, { text: "Reworded question?" }, briefing);
    expect((await suggestions()).find((s) => s.id === pending.id)).toMatchObject({
      text: "Reworded question?",
      status: "suggested",
    });
  });

  it("drops a suggestion, and will not accept it afterwards", async () => {
    const client = await signedIn(opcc);
    const pending = (await suggestions()).find((s) => s.status === "suggested")!;
    expect((await client.post(`${briefing}/suggestions/${pending.id}/drop`, {}, briefing)).statusCode).toBe(
      302,
    );
    const late = await client.post(
      `${briefing}/suggestions/${pending.id}/accept`,
      { text: "Too late?" },
      briefing,
    );
    expect(late.statusCode).toBe(422);
    expect(late.body).toContain("This suggestion has already been dropped");
    expect(late.body).toContain(`href="#suggestion-${pending.id}"`);
    expect(await listLinesOfEnquiry(database.current().db.kysely, meeting.meeting.id)).toHaveLength(1);
  });

  it("regenerating suggests nothing twice", async () => {
    const client = await signedIn(opcc);
    const before = await suggestions();
    await client.post(`${briefing}/generate`, { period: "Q2 2025/26" }, briefing);
    expect((await client.get(briefing)).body).toContain("Briefing pack generated: no new suggestions");
    expect(await suggestions()).toEqual(before);
  });
});
