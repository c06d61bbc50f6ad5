import { beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { createTestAction, createTestMeeting, createTestPerson } from "../../../test/factories/actions.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { isOverdue } from "./action-rules.js";
import {
  actionsRaisedAtMeeting,
  actionThemes,
  listActions,
  openActionsForReview,
  overdueActions,
  previousMeeting,
  updatesAfter,
} from "./actions.repository.js";
import { actionUpdateSchema } from "./actions.schema.js";
import { updateAction } from "./actions.service.js";

const database = useTestDatabase();
const today = "2024-06-15";

/**
 * One tracker for every test here: a March performance meeting raising two actions, a thematic VAWG meeting in
 * May raising one, an action raised outside a meeting, and a June meeting still to come.
 */
const fixture = {} as {
  march: Awaited<ReturnType<typeof createTestMeeting>>;
  may: Awaited<ReturnType<typeof createTestMeeting>>;
  forceUserId: number;
  references: Record<string, number>;
};

beforeAll(async () => {
  const { db } = database.current();
  const forceUser = await createTestUser(db, { role: "force", name: "Fran Force" });
  const person = await createTestPerson(db, "Pat Person");
  fixture.forceUserId = forceUser.id;
  fixture.march = await createTestMeeting(db, { date: "2024-03-12", title: "Performance Q4 (sample)" });
  fixture.may = await createTestMeeting(db, {
    date: "2024-05-14",
    title: "VAWG thematic (sample)",
    theme: "VAWG",
  });
  await createTestMeeting(db, { date: "2024-06-20", title: "Performance Q1 (sample)", status: "planned" });
  const plan = await createTestAction(db, {
    meetingItemId: String(fixture.march.items[1]!.id),
    description: "Share the SOC delivery plan",
    dueDate: "2024-04-30",
    ownerUsers: String(forceUser.id),
  });
  const audit = await createTestAction(db, {
    meetingItemId: String(fixture.march.items[2]!.id),
    description: "Report the stop and search audit",
    dueDate: "2024-07-31",
    ownerRoles: "T/DCC",
  });
  const vawg = await createTestAction(db, {
    meetingItemId: String(fixture.may.items[1]!.id),
    description: "Set out how DA victim feedback reaches officers",
    dueDate: "2024-06-01",
    ownerPeople: String(person.id),
  });
  const standalone = await createTestAction(db, {
    raisedOn: "2024-06-10",
    description: "Confirm the date of the power app demo",
    ownerRoles: "ACC",
  });
  fixture.references = { plan: plan.id, audit: audit.id, vawg: vawg.id, standalone: standalone.id };
  const editor = { actor: { userId: null, label: "test", ip: null }, userId: null, role: "opcc" as const };
  // The plan was shared after the May meeting and awaits review; the audit moved before it.
  await updateAction(
    db.kysely,
    editor,
    audit.id,
    actionUpdateSchema.parse({
      version: "1",
      status: "in-progress",
      updatedOn: "2024-04-10",
      note: "Audit under way",
    }),
  );
  await updateAction(
    db.kysely,
    editor,
    plan.id,
    actionUpdateSchema.parse({
      version: "1",
      status: "awaiting-review",
      updatedOn: "2024-05-20",
      note: "Plan shared",
    }),
  );
});

const descriptions = (actions: { description: string }[]) => actions.map((a) => a.description);

describe("the tracker's queries", () => {
  it("lists every action newest first with its meeting, item, theme and owners", async () => {
    const all = await listActions(database.current().db.kysely, {}, today);
    expect(all.map((a) => a.reference)).toEqual(["2024/4", "2024/3", "2024/2", "2024/1"]);
    const vawg = all.find((a) => a.id === fixture.references.vawg)!;
    expect(vawg).toMatchObject({
      meetingTitle: "VAWG thematic (sample)",
      meetingDate: "2024-05-14",
      itemNumber: 2,
      theme: "VAWG",
      overdue: true,
      owners: [{ label: "Pat Person" }],
    });
    expect(all.find((a) => a.id === fixture.references.plan)!.owners[0]?.label).toBe("Fran Force");
  });

  it("filters by owner, status, overdue, meeting, theme and 'my actions'", async () => {
    const db = database.current().db.kysely;
    expect(descriptions(await listActions(db, { owner: "dcc" }, today))).toEqual([
      "Report the stop and search audit",
    ]);
    expect(descriptions(await listActions(db, { owner: "fran" }, today))).toEqual([
      "Share the SOC delivery plan",
    ]);
    expect(descriptions(await listActions(db, { status: "in-progress" }, today))).toEqual([
      "Report the stop and search audit",
    ]);
    expect(descriptions(await listActions(db, { overdue: true }, today))).toEqual([
      "Set out how DA victim feedback reaches officers",
    ]);
    expect(await listActions(db, { meetingId: fixture.march.meeting.id }, today)).toHaveLength(2);
    expect(descriptions(await listActions(db, { theme: "VAWG" }, today))).toEqual([
      "Set out how DA victim feedback reaches officers",
    ]);
    expect(descriptions(await listActions(db, { ownedByUserId: fixture.forceUserId }, today))).toEqual([
      "Share the SOC delivery plan",
    ]);
    expect(await actionThemes(db)).toEqual(["VAWG"]);
  });

  it("agrees with the overdue rule for every action", async () => {
    const db = database.current().db.kysely;
    for (const day of ["2024-04-30", "2024-05-01", "2024-06-02", "2024-08-01"]) {
      const all = await listActions(db, {}, day);
      const expected = all
        .filter((a) => isOverdue({ status: a.status, due_date: a.dueDate }, day))
        .map((a) => a.id);
      expect(
        (await overdueActions(db, day)).map((a) => a.id),
        day,
      ).toEqual(expected);
    }
  });
});

describe("what the meetings module and the briefing pack ask for", () => {
  it("reviews every action raised before the meeting and not yet closed", async () => {
    const db = database.current().db.kysely;
    expect(descriptions(await openActionsForReview(db, "2024-05-14"))).toEqual([
      "Report the stop and search audit",
      "Share the SOC delivery plan",
    ]);
    expect(await openActionsForReview(db, "2024-06-20")).toHaveLength(4);
  });

  it("summarises the actions arising at a meeting in item order", async () => {
    const db = database.current().db.kysely;
    expect(descriptions(await actionsRaisedAtMeeting(db, fixture.march.meeting.id))).toEqual([
      "Share the SOC delivery plan",
      "Report the stop and search audit",
    ]);
    expect(await actionsRaisedAtMeeting(db, 999_999)).toEqual([]);
  });

  it("shows what changed since the last meeting held", async () => {
    const db = database.current().db.kysely;
    const last = await previousMeeting(db, today);
    expect(last?.title).toBe("VAWG thematic (sample)");
    const changes = await updatesAfter(db, last!.date);
    expect(changes.map((u) => [u.year, u.number, u.note])).toEqual([[2024, 1, "Plan shared"]]);
  });
});
