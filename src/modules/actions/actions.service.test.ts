import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { createTestAction, createTestMeeting, createTestPerson } from "../../../test/factories/actions.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import type { Db } from "../../db/database.js";
import type { UserRow } from "../../db/schema.js";
import { ForbiddenError, ValidationError } from "../../lib/errors.js";
import { parseForm } from "../../lib/forms.js";
import { systemActor } from "../audit/actor.js";
import { samplePdf } from "../meetings/test-papers.js";
import { actionUpdateSchema, closeActionSchema, newActionSchema } from "./actions.schema.js";
import { findActionById, updatesOf } from "./actions.repository.js";
import { StaleEditError } from "../../lib/stale-edit.js";
import { closeAction, staleActionMessage, updateAction, type ActionEditor } from "./actions.service.js";

const database = useTestDatabase();
const today = "2024-06-01";

const editorFor = (user: UserRow): ActionEditor => ({
  actor: { userId: user.id, label: user.email, ip: null },
  userId: user.id,
  role: user.role,
});

async function count(db: Db, table: "actions" | "action_owners" | "action_updates" | "audit_log") {
  const row = await db.kysely
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string | number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (error: unknown) => error,
  );
}

const updateForm = (version: number, fields: Record<string, string> = {}) =>
  actionUpdateSchema.parse({
    version: String(version),
    status: "in-progress",
    updatedOn: "2024-04-02",
    note: "Work started",
    ...fields,
  });

describe("raising actions", () => {
  it("numbers them within the calendar year of the raising meeting", async () => {
    const { db } = database.current();
    const december = await createTestMeeting(db, { date: "2019-12-11" });
    const january = await createTestMeeting(db, { date: "2020-01-08" });
    const item = (m: typeof december) => String(m.items[1]!.id);
    const first = await createTestAction(db, { meetingItemId: item(december), ownerRoles: "T/DCC" });
    const second = await createTestAction(db, { meetingItemId: item(december), ownerRoles: "T/DCC" });
    const nextYear = await createTestAction(db, { meetingItemId: item(january), ownerRoles: "T/DCC" });
    expect([first, second, nextYear].map((a) => `${a.year}/${a.number}`)).toEqual([
      "2019/1",
      "2019/2",
      "2020/1",
    ]);
    expect(first.raised_on).toBe("2019-12-11");
    expect(first.status).toBe("open");
    expect(first.version).toBe(1);
  });

  it("gives distinct numbers to actions raised at the same moment", async () => {
    const { db } = database.current();
    const created = await Promise.all(
      Array.from({ length: 8 }, () => createTestAction(db, { raisedOn: "2018-05-01", ownerRoles: "ACC" })),
    );
    expect(created.map((a) => a.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("takes an imported number, continues after it, and refuses a duplicate without saving anything", async () => {
    const { db } = database.current();
    const imported = await createTestAction(db, {
      raisedOn: "2023-12-11",
      number: "2023/15",
      ownerRoles: "T/CC",
    });
    expect(imported.number).toBe(15);
    const next = await createTestAction(db, { raisedOn: "2023-12-11", ownerRoles: "T/CC" });
    expect(`${next.year}/${next.number}`).toBe("2023/16");

    const before = await Promise.all([
      count(db, "actions"),
      count(db, "action_owners"),
      count(db, "audit_log"),
    ]);
    const error = await rejection(
      createTestAction(db, { raisedOn: "2023-12-11", number: "2023/15", ownerRoles: "T/CC, DCC" }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toEqual([
      { field: "number", text: "Action 2023/15 already exists; give another number" },
    ]);
    expect(
      await Promise.all([count(db, "actions"), count(db, "action_owners"), count(db, "audit_log")]),
    ).toEqual(before);
  });

  it("lets only one of two simultaneous imports of the same number through", async () => {
    const { db } = database.current();
    const results = await Promise.allSettled(
      ["T/CC", "DCC"].map((role) =>
        createTestAction(db, { raisedOn: "2013-05-01", number: "2013/4", ownerRoles: role }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((refused.reason as ValidationError).fieldErrors[0]?.text).toBe(
      "Action 2013/4 already exists; give another number",
    );
  });

  it("names each bad field: a due date that is not a date, no owner, a malformed number", () => {
    const result = parseForm(newActionSchema, {
      description: "Share the plan",
      raisedOn: "2024-01-10",
      dueDate: "2024-02-30",
      number: "15",
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: "number", text: "The action number must look like 2023/15" },
        { field: "dueDate", text: "The due date must be a real date, like 2024-03-31" },
      ],
    });
    const noOwner = parseForm(newActionSchema, { description: "Share the plan", raisedOn: "2024-01-10" });
    expect(noOwner).toEqual({
      ok: false,
      errors: [{ field: "ownerPeople", text: "Give the action at least one owner" }],
    });
  });

  it("records owners as people, roles and force accounts, and audits the creation", async () => {
    const { db } = database.current();
    const forceUser = await createTestUser(db, { role: "force" });
    const person = await createTestPerson(db, "Alex Example (sample)");
    const action = await createTestAction(db, {
      raisedOn: "2017-03-01",
      ownerPeople: String(person.id),
      ownerRoles: "T/DCC",
      ownerUsers: String(forceUser.id),
    });
    const owners = await db.kysely
      .selectFrom("action_owners")
      .select(["person_id", "role_text", "user_id"])
      .where("action_id", "=", action.id)
      .orderBy("position")
      .execute();
    expect(owners).toEqual([
      { person_id: person.id, role_text: null, user_id: null },
      { person_id: null, role_text: "T/DCC", user_id: null },
      { person_id: null, role_text: null, user_id: forceUser.id },
    ]);
    const audit = await db.kysely
      .selectFrom("audit_log")
      .selectAll()
      .where("entity_type", "=", "action")
      .where("entity_id", "=", String(action.id))
      .execute();
    expect(audit.map((row) => row.action)).toEqual(["create"]);
    expect(JSON.parse(audit[0]!.after_json!)).toMatchObject({ reference: "2017/1", owner_roles: ["T/DCC"] });
  });

  it("refuses a force account that is not a force user as an owner", async () => {
    const { db } = database.current();
    const panel = await createTestUser(db, { role: "panel" });
    const error = await rejection(
      createTestAction(db, { raisedOn: "2017-03-01", ownerUsers: String(panel.id) }),
    );
    expect((error as ValidationError).fieldErrors).toEqual([
      { field: "ownerUsers", text: "Choose force users from the list" },
    ]);
  });
});

describe("updating actions", () => {
  it("lets a force owner update their own action, through their account or the person they are", async () => {
    const { db } = database.current();
    const direct = await createTestUser(db, { role: "force" });
    const viaPerson = await createTestUser(db, { role: "force" });
    const person = await createTestPerson(db, "Sam Sample", viaPerson.id);
    const action = await createTestAction(db, {
      raisedOn: "2016-01-01",
      ownerUsers: String(direct.id),
      ownerPeople: String(person.id),
    });
    const first = await updateAction(db.kysely, editorFor(direct), action.id, updateForm(1));
    expect(first.status).toBe("in-progress");
    expect(first.version).toBe(2);
    const second = await updateAction(
      db.kysely,
      editorFor(viaPerson),
      action.id,
      updateForm(2, {
        status: "awaiting-review",
        note: "Plan shared",
        evidenceText: "SOC delivery plan",
        evidenceUrl: "https://example.org/plan.pdf",
      }),
    );
    expect(second.status).toBe("awaiting-review");
    const history = await updatesOf(db.kysely, action.id);
    expect(history.map((u) => [u.status_before, u.status_after, u.author_label])).toEqual([
      ["open", "in-progress", direct.email],
      ["in-progress", "awaiting-review", viaPerson.email],
    ]);
    expect(history[1]).toMatchObject({
      evidence_text: "SOC delivery plan",
      evidence_url: "https://example.org/plan.pdf",
    });
  });

  it("refuses a force user who does not own the action, and saves nothing", async () => {
    const { db } = database.current();
    const owner = await createTestUser(db, { role: "force" });
    const stranger = await createTestUser(db, { role: "force" });
    const action = await createTestAction(db, { raisedOn: "2016-02-01", ownerUsers: String(owner.id) });
    const error = await rejection(updateAction(db.kysely, editorFor(stranger), action.id, updateForm(1)));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toBe("You can update only the actions you own");
    expect(await updatesOf(db.kysely, action.id)).toEqual([]);
    expect((await findActionById(db.kysely, action.id))?.version).toBe(1);
  });

  it("refuses a save from a form opened before someone else's, keeping the other save", async () => {
    const { db } = database.current();
    const opcc = await createTestUser(db, { role: "opcc" });
    const action = await createTestAction(db, { raisedOn: "2016-03-01", ownerRoles: "ACC" });
    await updateAction(db.kysely, editorFor(opcc), action.id, updateForm(1, { note: "First save" }));
    const error = await rejection(
      updateAction(db.kysely, editorFor(opcc), action.id, updateForm(1, { note: "Stale save" })),
    );
    expect((error as ValidationError).fieldErrors).toEqual([{ field: "status", text: staleActionMessage }]);
    expect(staleActionMessage).toBe("This action was changed since you opened it");
    expect((await updatesOf(db.kysely, action.id)).map((u) => u.note)).toEqual(["First save"]);
  });

  it("lets only one of two saves from the same version win", async () => {
    const { db } = database.current();
    const opcc = await createTestUser(db, { role: "opcc" });
    const action = await createTestAction(db, { raisedOn: "2016-05-01", ownerRoles: "ACC" });
    const results = await Promise.allSettled(
      ["From one tab", "From another tab"].map((note) =>
        updateAction(db.kysely, editorFor(opcc), action.id, updateForm(1, { note })),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await updatesOf(db.kysely, action.id)).toHaveLength(1);
    expect((await findActionById(db.kysely, action.id))?.version).toBe(2);
  });

  it("loses none of 50 concurrent updates, each retrying when another saved first", async () => {
    const { db } = database.current();
    const opcc = await createTestUser(db, { role: "opcc" });
    const action = await createTestAction(db, { raisedOn: "2016-06-01", ownerRoles: "ACC" });
    let refusals = 0;
    const updateUntilSaved = async (note: string) => {
      for (;;) {
        const current = await findActionById(db.kysely, action.id);
        try {
          return await updateAction(
            db.kysely,
            editorFor(opcc),
            action.id,
            updateForm(current!.version, { note }),
          );
        } catch (error) {
          if (!(error instanceof StaleEditError)) throw error;
          refusals += 1;
        }
      }
    };
    const notes = Array.from({ length: 50 }, (_, index) => `Concurrent update ${index + 1}`);
    await Promise.all(notes.map(updateUntilSaved));
    expect((await updatesOf(db.kysely, action.id)).map((u) => u.note).sort()).toEqual([...notes].sort());
    expect((await findActionById(db.kysely, action.id))?.version).toBe(51);
    // The readers raced: most first attempts were refused rather than overwriting.
    expect(refusals).toBeGreaterThan(0);
  });

  it("does not let a force owner move an action back or close it by an update", async () => {
    const { db } = database.current();
    const owner = await createTestUser(db, { role: "force" });
    const action = await createTestAction(db, { raisedOn: "2016-04-01", ownerUsers: String(owner.id) });
    await updateAction(db.kysely, editorFor(owner), action.id, updateForm(1, { status: "awaiting-review" }));
    const back = await rejection(
      updateAction(db.kysely, editorFor(owner), action.id, updateForm(2, { status: "open" })),
    );
    expect((back as ValidationError).fieldErrors[0]?.text).toBe(
      "An action cannot go back from complete – awaiting review to open",
    );
    const close = await rejection(
      updateAction(db.kysely, editorFor(owner), action.id, updateForm(2, { status: "closed" })),
    );
    expect((close as ValidationError).fieldErrors[0]?.text).toMatch(/closed at a meeting's review/);
  });
});

describe("closing actions", () => {
  it("closes only at a meeting's review, only with an update, recording the reviewing meeting", async () => {
    const { db } = database.current();
    const opcc = await createTestUser(db, { role: "opcc" });
    const { meeting: review } = await createTestMeeting(db, {
      date: "2024-05-20",
      title: "Review meeting (sample)",
    });
    const action = await createTestAction(db, { raisedOn: "2015-01-01", ownerRoles: "CC" });
    const close = (fields: Record<string, string>) =>
      closeAction(db.kysely, editorFor(opcc), action.id, closeActionSchema.parse(fields), today);

    const withoutUpdate = await rejection(close({ version: "1", reviewMeetingId: String(review.id) }));
    expect((withoutUpdate as ValidationError).fieldErrors).toEqual([
      { field: "reviewMeetingId", text: "An action needs at least one update before it can be closed" },
    ]);
    expect(await updatesOf(db.kysely, action.id)).toEqual([]);

    await updateAction(db.kysely, editorFor(opcc), action.id, updateForm(1, { status: "awaiting-review" }));
    const withoutMeeting = await rejection(close({ version: "2" }));
    expect((withoutMeeting as ValidationError).fieldErrors[0]?.text).toBe(
      "Choose the meeting whose review closes this action",
    );
    const { meeting: future } = await createTestMeeting(db, { date: "2024-09-01" });
    const atFuture = await rejection(close({ version: "2", reviewMeetingId: String(future.id) }));
    expect((atFuture as ValidationError).fieldErrors[0]?.field).toBe("reviewMeetingId");

    const closed = await close({ version: "2", reviewMeetingId: String(review.id) });
    expect(closed).toMatchObject({
      status: "closed",
      closed_at_meeting_id: review.id,
      closed_on: "2024-05-20",
      version: 3,
    });
    const last = (await updatesOf(db.kysely, action.id)).at(-1);
    expect(last).toMatchObject({
      status_after: "closed",
      review_meeting_id: review.id,
      updated_on: "2024-05-20",
      note: "Closed at the review of Review meeting (sample)",
      reviewMeetingTitle: "Review meeting (sample)",
    });
  });

  it("lets the OPCC reopen a closed action, which is then no longer closed at that meeting", async () => {
    const { db } = database.current();
    const opcc = await createTestUser(db, { role: "opcc" });
    const { meeting } = await createTestMeeting(db, { date: "2024-05-22" });
    const action = await createTestAction(db, { raisedOn: "2015-03-01", ownerRoles: "CC" });
    await updateAction(db.kysely, editorFor(opcc), action.id, updateForm(1));
    await closeAction(
      db.kysely,
      editorFor(opcc),
      action.id,
      closeActionSchema.parse({ version: "2", reviewMeetingId: String(meeting.id) }),
      today,
    );
    const reopened = await updateAction(
      db.kysely,
      editorFor(opcc),
      action.id,
      updateForm(3, { note: "The audit is to be repeated" }),
    );
    expect(reopened).toMatchObject({ status: "in-progress", closed_at_meeting_id: null, closed_on: null });
  });

  it("does not let a force user close an action, even one they own", async () => {
    const { db } = database.current();
    const owner = await createTestUser(db, { role: "force" });
    const { meeting } = await createTestMeeting(db, { date: "2024-05-21" });
    const action = await createTestAction(db, { raisedOn: "2015-02-01", ownerUsers: String(owner.id) });
    await updateAction(db.kysely, editorFor(owner), action.id, updateForm(1));
    const error = await rejection(
      closeAction(
        db.kysely,
        editorFor(owner),
        action.id,
        closeActionSchema.parse({ version: "2", reviewMeetingId: String(meeting.id) }),
        today,
      ),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((await findActionById(db.kysely, action.id))?.status).toBe("in-progress");
  });
});

it("writes the audit log for every change, inside the change's transaction", async () => {
  const { db } = database.current();
  const opcc = await createTestUser(db, { role: "opcc" });
  const action = await createTestAction(db, { raisedOn: "2014-01-01", ownerRoles: "CC" });
  await updateAction(db.kysely, editorFor(opcc), action.id, updateForm(1));
  const rows = await db.kysely
    .selectFrom("audit_log")
    .select(["action", "entity_type", "actor"])
    .where("at", ">=", action.created_at)
    .where("entity_type", "in", ["action", "action-update"])
    .where((eb) => eb.or([eb("entity_id", "=", String(action.id)), eb("entity_type", "=", "action-update")]))
    .orderBy("id")
    .execute();
  expect(rows.slice(-3)).toEqual([
    { action: "create", entity_type: "action", actor: systemActor.label },
    { action: "update", entity_type: "action", actor: opcc.email },
    { action: "create", entity_type: "action-update", actor: opcc.email },
  ]);
});

describe("evidence files on updates", () => {
  let directory: string;
  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it("keeps a checked file with the update, and leaves nothing behind when the file or the update is refused", async () => {
    const { db } = database.current();
    directory = await mkdtemp(join(tmpdir(), "scrutineer-action-evidence-"));
    const opcc = await createTestUser(db, { role: "opcc" });
    const action = await createTestAction(db, { raisedOn: "2012-01-01", ownerRoles: "CC" });
    const pdf = {
      filename: "SOC delivery plan.pdf",
      data: await samplePdf("SOC delivery plan"),
      truncated: false,
    };

    const notAPaper = { filename: "plan.pdf", data: Buffer.from("just some text"), truncated: false };
    const refusedFile = await rejection(
      updateAction(db.kysely, editorFor(opcc), action.id, updateForm(1), { directory, file: notAPaper }),
    );
    expect((refusedFile as ValidationError).fieldErrors).toEqual([
      { field: "file", text: "plan.pdf is not a PDF, Word (DOCX), Excel (XLSX) or PowerPoint (PPTX) file" },
    ]);
    const stale = await rejection(
      updateAction(db.kysely, editorFor(opcc), action.id, updateForm(7), { directory, file: pdf }),
    );
    expect((stale as ValidationError).fieldErrors[0]?.text).toBe(staleActionMessage);
    expect(await readdir(directory)).toEqual([]);
    expect(await updatesOf(db.kysely, action.id)).toEqual([]);

    await updateAction(db.kysely, editorFor(opcc), action.id, updateForm(1), { directory, file: pdf });
    const [update] = await updatesOf(db.kysely, action.id);
    expect(update).toMatchObject({
      evidence_file_name: "SOC delivery plan.pdf",
      evidence_media_type: "application/pdf",
      evidence_size_bytes: pdf.data.length,
    });
    expect(await readdir(directory)).toEqual([update!.evidence_stored_name]);
  });
});
