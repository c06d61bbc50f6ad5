import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { fromRoot } from "../../lib/paths.js";
import { systemActor } from "../audit/actor.js";
import { actionsRaisedAtMeeting } from "../actions/actions.repository.js";
import { importPublishedMeeting } from "./meetings-import.service.js";
import { listDecisions, listItems } from "./meetings.repository.js";

const database = useTestDatabase();
const fixture = (name: string) => readFileSync(fromRoot("test", "fixtures", "meetings", name), "utf8");

async function ownersOf(actionId: number) {
  const rows = await database
    .current()
    .db.kysely.selectFrom("action_owners")
    .select("role_text")
    .where("action_id", "=", actionId)
    .orderBy("position")
    .execute();
  return rows.map((row) => row.role_text);
}

describe("actions and decisions in imported notes", () => {
  it("raises nothing from the real West Mercia notes, whose summary says no formal actions were recorded", async () => {
    const { kysely } = database.current().db;
    const { meeting, records } = await importPublishedMeeting(
      kysely,
      systemActor,
      fixture("west-mercia-q2-2023-24-performance-meeting-notes.txt"),
    );
    expect(records).toEqual({ actions: [], decisions: [], notRecorded: [] });
    expect(await actionsRaisedAtMeeting(kysely, meeting.id)).toEqual([]);
    const summary = (await listItems(kysely, meeting.id)).find(
      (item) => item.title === "Summary of Actions Arising",
    );
    expect(summary?.notes_markdown).toContain("No formal actions recorded.");
  });

  it("raises the numbered actions of sample governance minutes at their items and records the stated decisions", async () => {
    const { kysely } = database.current().db;
    const { meeting, records } = await importPublishedMeeting(
      kysely,
      systemActor,
      fixture("sample-governance-board-minutes-2024-08-22.txt"),
    );
    const items = await listItems(kysely, meeting.id);
    const itemNumberOf = (itemId: number | null) => items.find((item) => item.id === itemId)?.number;

    expect(
      records.actions.map((action) => ({
        reference: `${action.year}/${action.number}`,
        item: itemNumberOf(action.meeting_item_id),
        due: action.due_date,
        raisedOn: action.raised_on,
      })),
    ).toEqual([
      { reference: "2024/7", item: 2, due: null, raisedOn: "2024-08-22" },
      { reference: "2024/11", item: 3, due: "2024-09-30", raisedOn: "2024-08-22" },
      { reference: "2024/12", item: 3, due: "2024-09-06", raisedOn: "2024-08-22" },
      { reference: "2024/13", item: 4, due: "2024-10-31", raisedOn: "2024-08-22" },
    ]);
    expect(await ownersOf(records.actions[1]!.id)).toEqual(["MF", "RI"]);
    expect(await ownersOf(records.actions[2]!.id)).toEqual(["CEO"]);
    expect((await actionsRaisedAtMeeting(kysely, meeting.id)).map((action) => action.reference)).toHaveLength(
      4,
    );

    expect(
      (await listDecisions(kysely, meeting.id)).map((decision) => ({
        item: itemNumberOf(decision.meeting_item_id),
        ref: decision.ref,
        outcome: decision.outcome,
        conditions: decision.conditions,
      })),
    ).toEqual([
      { item: 2, ref: "Ref/02/22/08/2024", outcome: "approved", conditions: "" },
      { item: 3, ref: "Ref/03/22/08/2024", outcome: "approved-subject-to", conditions: "the business case" },
    ]);
    // "Decision: Noted." states no outcome: it stays in the notes and the import says so.
    expect(records.notRecorded).toEqual([
      { line: 43, text: "Decision: Noted.", reason: expect.stringContaining("states no outcome") as string },
    ]);
    expect(items.find((item) => item.number === 4)?.notes_markdown).toContain("Decision: Noted.");

    const audited = await kysely
      .selectFrom("audit_log")
      .select("entity_type")
      .where("entity_type", "in", ["action", "decision"])
      .execute();
    expect(audited).toHaveLength(6);
  });

  it("does not raise an action twice when minutes naming it are imported again, and says why", async () => {
    const { kysely } = database.current().db;
    const { records } = await importPublishedMeeting(
      kysely,
      systemActor,
      fixture("sample-governance-board-minutes-2024-08-22.txt"),
    );
    expect(records.actions).toEqual([]);
    expect(records.notRecorded.map((line) => `${line.line}: ${line.reason}`)).toEqual([
      "29: action 2024/7 is already in the tracker",
      "36: action 2024/11 is already in the tracker",
      "37: action 2024/12 is already in the tracker",
      "43: it states no outcome (approved, approved subject to…, supported in principle, not supported, deferred)",
      "44: action 2024/13 is already in the tracker",
    ]);
  });

  it("numbers an unnumbered action next in the meeting's year, after the numbers the text gives", async () => {
    const { kysely } = database.current().db;
    const { records } = await importPublishedMeeting(
      kysely,
      systemActor,
      fixture("sample-thematic-vawg-notes-2023-12-19.txt"),
    );
    expect(records.actions.map((action) => `${action.year}/${action.number} ${action.description}`)).toEqual([
      "2023/21 provide DVPO breach data by 31/01/2024",
      "2023/22 share the group's terms of reference.",
    ]);
    expect(await ownersOf(records.actions[1]!.id)).toEqual(["HoPP"]);
  });
});
