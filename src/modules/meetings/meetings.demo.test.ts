import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { loadMeetingsDemo, westMerciaAttribution } from "./meetings.demo.js";
import { listOutstandingPaperRequests, listPublicMeetings } from "./meetings.repository.js";

const database = useTestDatabase();

describe("the meetings demo", () => {
  it("publishes the attributed West Mercia notes and plans a sample meeting with a paper request, once", async () => {
    const { kysely } = database.current().db;
    await loadMeetingsDemo(kysely);
    await loadMeetingsDemo(kysely);
    const meetings = await kysely.selectFrom("meetings").selectAll().orderBy("date").execute();
    expect(meetings).toHaveLength(2);
    const [westMercia, sample] = meetings;
    expect(westMercia).toMatchObject({
      date: "2023-12-11",
      status: "published",
      attribution: westMerciaAttribution,
    });
    expect(sample!.title).toContain("SAMPLE");
    expect(sample!.status).toBe("planned");
    expect((await listPublicMeetings(kysely)).map((meeting) => meeting.id)).toEqual([westMercia!.id]);
    const [deadline] = await listOutstandingPaperRequests(kysely);
    expect(deadline).toMatchObject({ meeting_id: sample!.id, provider: "T/CC" });
    expect(deadline!.description).toMatch(/^Sample:/);
  });
});
