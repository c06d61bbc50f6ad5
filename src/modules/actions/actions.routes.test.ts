import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { createTestAction, createTestMeeting } from "../../../test/factories/actions.js";
import { TestClient, testApp } from "../../../test/helpers/http.js";
import { buildApp } from "../../app.js";
import { parseConfig } from "../../config.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import type { UserRow } from "../../db/schema.js";
import { samplePdf } from "../meetings/test-papers.js";
import { findActionById, updatesOf } from "./actions.repository.js";
import { actionUpdateSchema } from "./actions.schema.js";
import { updateAction } from "./actions.service.js";

const database = useTestDatabase();

let opcc: UserRow;
let forceOwner: UserRow;
let otherForce: UserRow;
let meeting: Awaited<ReturnType<typeof createTestMeeting>>;

beforeAll(async () => {
  const { db } = database.current();
  opcc = await createTestUser(db, { role: "opcc", name: "Olive OPCC" });
  forceOwner = await createTestUser(db, { role: "force", name: "Fred Force" });
  otherForce = await createTestUser(db, { role: "force", name: "Gill Guest" });
  meeting = await createTestMeeting(db, { date: "2023-12-11", title: "Performance Q2 (sample)" });
});

async function signedIn(user: UserRow) {
  const client = new TestClient(await testApp(database.current().db));
  await client.signIn(user.email);
  return client;
}

async function countActions() {
  const rows = await database.current().db.kysely.selectFrom("actions").select("id").execute();
  return rows.length;
}

describe("raising an action on the form", () => {
  it("raises it from a meeting item, numbered in the meeting's year, and shows it on the tracker", async () => {
    const client = await signedIn(opcc);
    const item = meeting.items[1]!;
    const form = await client.get(`/actions/new?item=${item.id}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain("Raised at Performance Q2 (sample)");
    const response = await client.post(
      "/actions",
      {
        meetingItemId: String(item.id),
        description: "Share the HMICFRS SOC delivery plan with the PCC",
        dueDate: "2024-01-31",
        ownerRoles: "T/DCC",
        ownerUsers: String(forceOwner.id),
      },
      "/actions/new",
    );
    expect(response.statusCode).toBe(302);
    const page = await client.get(response.headers.location as string);
    expect(page.body).toContain("Action 2023/1 raised");
    expect(page.body).toContain("Fred Force");
    const tracker = await client.get("/actions?status=open");
    expect(tracker.body).toContain("Share the HMICFRS SOC delivery plan with the PCC");
    expect(tracker.body).toMatch(/1 action:/);
  });

  it("names a due date that is not a date and a duplicate number, saving nothing", async () => {
    const client = await signedIn(opcc);
    await createTestAction(database.current().db, {
      raisedOn: "2022-06-01",
      number: "2022/15",
      ownerRoles: "CC",
    });
    const before = await countActions();
    const badDate = await client.post(
      "/actions",
      { raisedOn: "2022-06-01", description: "Report back", dueDate: "2022-02-30", ownerRoles: "CC" },
      "/actions/new",
    );
    expect(badDate.statusCode).toBe(422);
    expect(badDate.body).toContain("The due date must be a real date, like 2024-03-31");
    expect(badDate.body).toContain('href="#dueDate"');
    const duplicate = await client.post(
      "/actions",
      { raisedOn: "2022-06-01", description: "Report back", number: "2022/15", ownerRoles: "CC" },
      "/actions/new",
    );
    expect(duplicate.statusCode).toBe(422);
    expect(duplicate.body).toContain("Action 2022/15 already exists; give another number");
    // The form keeps what was typed.
    expect(duplicate.body).toContain("Report back");
    expect(await countActions()).toBe(before);
  });

  it("is for the OPCC: a force user or panel member cannot raise one", async () => {
    const client = await signedIn(forceOwner);
    expect((await client.get("/actions/new")).statusCode).toBe(403);
    const panel = await signedIn(await createTestUser(database.current().db, { role: "panel" }));
    expect((await panel.get("/actions/new")).statusCode).toBe(403);
    expect((await panel.get("/actions")).statusCode).toBe(200);
  });
});

describe("updating and closing", () => {
  it("lets the force owner update, refuses another force user, and refuses a stale form", async () => {
    const { db } = database.current();
    const action = await createTestAction(db, { raisedOn: "2021-03-01", ownerUsers: String(forceOwner.id) });
    const owner = await signedIn(forceOwner);
    const mine = await owner.get("/actions?mine=1");
    expect(mine.body).toContain(`/actions/${action.id}"`);

    const stranger = await signedIn(otherForce);
    expect((await stranger.get(`/actions/${action.id}/update`)).statusCode).toBe(403);
    const refused = await stranger.post(
      `/actions/${action.id}/update`,
      { version: "1", status: "in-progress", updatedOn: "2021-03-05", note: "Not mine" },
      "/actions",
    );
    expect(refused.statusCode).toBe(403);
    expect(await updatesOf(db.kysely, action.id)).toEqual([]);

    const form = { version: "1", status: "in-progress", updatedOn: "2021-03-05", note: "Plan drafted" };
    const saved = await owner.post(`/actions/${action.id}/update`, form, `/actions/${action.id}/update`);
    expect(saved.statusCode).toBe(302);
    const stale = await owner.post(
      `/actions/${action.id}/update`,
      { ...form, note: "Typed in a second tab" },
      `/actions/${action.id}/update`,
    );
    expect(stale.statusCode).toBe(422);
    expect(stale.body).toContain("This action was changed since you opened it");
    expect(stale.body).toContain('name="version" value="2"');
    expect(stale.body).toContain("Typed in a second tab");
    expect(stale.body).toContain(`href="/actions/${action.id}" target="_blank"`);
    expect((await updatesOf(db.kysely, action.id)).map((u) => u.note)).toEqual(["Plan drafted"]);
  });

  it("closes only with an update, at a chosen meeting's review", async () => {
    const { db } = database.current();
    const action = await createTestAction(db, { raisedOn: "2021-04-01", ownerRoles: "ACC" });
    const client = await signedIn(opcc);
    const closePage = await client.get(`/actions/${action.id}/close`);
    expect(closePage.body).toContain("Performance Q2 (sample)");
    const noUpdate = await client.post(
      `/actions/${action.id}/close`,
      { version: "1", reviewMeetingId: String(meeting.meeting.id) },
      `/actions/${action.id}/close`,
    );
    expect(noUpdate.statusCode).toBe(422);
    expect(noUpdate.body).toContain("An action needs at least one update before it can be closed");
    expect((await findActionById(db.kysely, action.id))?.status).toBe("open");

    await client.post(
      `/actions/${action.id}/update`,
      { version: "1", status: "awaiting-review", updatedOn: "2021-05-01", note: "Audit result shared" },
      `/actions/${action.id}/update`,
    );
    const closed = await client.post(
      `/actions/${action.id}/close`,
      { version: "2", reviewMeetingId: String(meeting.meeting.id), note: "The PCC was assured" },
      `/actions/${action.id}/close`,
    );
    expect(closed.statusCode).toBe(302);
    const page = await client.get(`/actions/${action.id}`);
    expect(page.body).toContain("Closed");
    expect(page.body).toContain("at the review of Performance Q2 (sample)");
    expect(page.body).not.toContain("Close this action");
    expect(page.body).toContain("Reopen this action");
    expect((await signedIn(forceOwner).then((c) => c.get(`/actions/${action.id}/close`))).statusCode).toBe(
      403,
    );
  });
});

describe("evidence files", () => {
  let uploadDir: string;
  afterAll(async () => {
    if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
  });

  it("are downloaded by signed-in users only", async () => {
    const { db } = database.current();
    uploadDir = await mkdtemp(join(tmpdir(), "scrutineer-action-routes-"));
    const app = await buildApp({ config: parseConfig({ LOG_LEVEL: "silent", UPLOAD_DIR: uploadDir }), db });
    const action = await createTestAction(db, { raisedOn: "2012-02-01", ownerRoles: "CC" });
    const data = await samplePdf("Audit result");
    await updateAction(
      db.kysely,
      { actor: { userId: opcc.id, label: opcc.email, ip: null }, userId: opcc.id, role: "opcc" },
      action.id,
      actionUpdateSchema.parse({
        version: "1",
        status: "in-progress",
        updatedOn: "2012-02-02",
        note: "Audited",
      }),
      { directory: uploadDir, file: { filename: "audit result.pdf", data, truncated: false } },
    );
    const [update] = await updatesOf(db.kysely, action.id);
    expect((await new TestClient(app).get(`/actions/evidence/${update!.id}`)).statusCode).toBe(302);
    const client = new TestClient(app);
    await client.signIn(forceOwner.email);
    const page = await client.get(`/actions/${action.id}`);
    expect(page.body).toContain(`href="/actions/evidence/${update!.id}">audit result.pdf</a>`);
    const download = await client.get(`/actions/evidence/${update!.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers["content-type"]).toBe("application/pdf");
    expect(download.headers["content-disposition"]).toBe('attachment; filename="audit%20result.pdf"');
    expect(download.rawPayload.equals(data)).toBe(true);
  });
});

describe("the calendar feeds", () => {
  it("gives the public only meetings whose agenda is published, and signed-in users paper deadlines too", async () => {
    const { db } = database.current();
    await createTestMeeting(db, {
      date: "2025-03-04",
      title: "Published agenda (sample)",
      status: "agenda-published",
    });
    const planned = await createTestMeeting(db, {
      date: "2025-03-05",
      title: "Still private (sample)",
      status: "planned",
    });
    await db.kysely
      .insertInto("paper_requests")
      .values({
        meeting_item_id: planned.items[1]!.id,
        kind: "paper",
        description: "Quarterly performance report",
        provider: "Force",
        deadline: "2025-02-25T09:00",
        restricted: 0,
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .execute();
    const app = await testApp(db);
    const publicFeed = await new TestClient(app).get("/calendar.ics");
    expect(publicFeed.statusCode).toBe(200);
    expect(publicFeed.headers["content-type"]).toMatch(/^text\/calendar/);
    expect(publicFeed.body).toContain("SUMMARY:Published agenda (sample)");
    expect(publicFeed.body).not.toContain("Still private");
    expect(publicFeed.body).not.toContain("Paper due");

    expect((await new TestClient(app).get("/calendar/private.ics")).statusCode).toBe(302);
    const privateFeed = await (await signedIn(forceOwner)).get("/calendar/private.ics");
    expect(privateFeed.body).toContain("SUMMARY:Still private (sample)");
    expect(privateFeed.body).toContain("SUMMARY:Paper due: Quarterly performance report");
    expect(privateFeed.body).toContain("DTSTART;TZID=Europe/London:20250225T090000");
    expect(privateFeed.body).toContain("BEGIN:VTIMEZONE");
  });
});
