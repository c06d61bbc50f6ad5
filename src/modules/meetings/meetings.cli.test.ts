import { describe, expect, it } from "vitest";
import { useCli } from "../../../test/helpers/cli.js";
import { fromRoot } from "../../lib/paths.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { PublishedMeetingDraftSchema } from "./import/parse-published.js";

const database = useTestDatabase();
const cli = useCli(database);

const westMercia = fromRoot(
  "test",
  "fixtures",
  "meetings",
  "west-mercia-q2-2023-24-performance-meeting-notes.txt",
);
const countMeetings = async () =>
  (await database.current().db.kysely.selectFrom("meetings").select("id").execute()).length;

describe("scrutineer meetings import", () => {
  it("--dry-run --json prints what was recognised and saves nothing", async () => {
    expect(await cli.run("meetings", "import", westMercia, "--dry-run", "--json")).toBe(0);
    const draft = PublishedMeetingDraftSchema.parse(JSON.parse(cli.output));
    expect(draft.attendees).toHaveLength(6);
    expect(draft.summary.itemNumbers).toEqual([1, 2, 3, 4, 6, 7, 8]);
    expect(draft.nextMeeting?.date).toBe("2023-12-19");
    expect(draft.unrecognised.map((line) => line.line)).toEqual([1]);
    expect(await countMeetings()).toBe(0);
  });

  it("without --dry-run saves a draft meeting and says what it did not recognise", async () => {
    expect(await cli.run("meetings", "import", westMercia)).toBe(0);
    expect(cli.output).toMatch(
      /Saved draft meeting \d+: Assurance & Accountability – Performance – Quarter 2 – 2023\/24 \(notes-drafted\)/,
    );
    expect(cli.output).toContain("line 1: Accessibility Settings Skip to main content");
    expect(await countMeetings()).toBe(1);
  });

  it("fails with a clear message for a missing file", async () => {
    expect(await cli.run("meetings", "import", "/nonexistent/notes.txt", "--dry-run")).toBe(1);
    expect(cli.errors).toContain("/nonexistent/notes.txt");
  });
});
