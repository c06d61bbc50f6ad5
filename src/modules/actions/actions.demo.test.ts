import { describe, expect, it } from "vitest";
import { createTestMeeting } from "../../../test/factories/actions.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { loadMeetingsDemo } from "../meetings/meetings.demo.js";
import { listActions } from "./actions.repository.js";
import { loadActionsDemo } from "./actions.demo.js";

const database = useTestDatabase();
const withMeetingsDemo = useTestDatabase();

describe("the actions demo", () => {
  it("does nothing before there are meetings, then raises sample actions once", async () => {
    const { db } = database.current();
    await loadActionsDemo(db.kysely);
    expect(await listActions(db.kysely, {}, "2024-06-01")).toEqual([]);

    await createTestMeeting(db, { date: "2023-09-12", title: "Performance Q1 (sample)" });
    const review = await createTestMeeting(db, { date: "2023-12-11", title: "Performance Q2 (sample)" });
    await createTestMeeting(db, { date: "2099-01-01", title: "Far future (sample)", status: "planned" });
    await loadActionsDemo(db.kysely);
    await loadActionsDemo(db.kysely);
    const actions = await listActions(db.kysely, {}, "2024-06-01");
    expect(actions).toHaveLength(4);
    expect(actions.every((a) => a.description.startsWith("Sample:"))).toBe(true);
    // Raised outside the meetings on record, so no real meeting is shown raising an invented action.
    expect(actions.every((a) => a.meetingId === null)).toBe(true);
    expect(actions.map((a) => a.status).sort()).toEqual(["closed", "closed", "in-progress", "open"]);
    const closed = actions.filter((a) => a.status === "closed");
    expect(
      closed.every((a) => a.closedAtMeetingId === review.meeting.id && a.closedOn === "2023-12-11"),
    ).toBe(true);
    expect(actions.find((a) => a.status === "in-progress")?.overdue).toBe(true);
  });
});

describe("the actions demo on the meetings demo", () => {
  it("raises its sample actions at the demo's meetings", async () => {
    const { db } = withMeetingsDemo.current();
    await loadMeetingsDemo(db.kysely);
    await loadActionsDemo(db.kysely);
    const actions = await listActions(db.kysely, {}, "2099-01-01");
    expect(actions).toHaveLength(4);
    expect(actions.filter((a) => a.status === "closed")).toHaveLength(2);
  });
});
