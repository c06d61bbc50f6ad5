import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";

const database = useTestDatabase();

describe("migration 0003-meetings", () => {
  it("seeds the role abbreviations", async () => {
    const { kysely } = database.current().db;
    const rows = await kysely
      .selectFrom("role_titles")
      .select("abbreviation")
      .orderBy("abbreviation")
      .execute();
    expect(rows.map((row) => row.abbreviation)).toEqual(
      ["ACC", "C/Supt", "CC", "CEO", "DCC", "DPCC", "DoCS", "PCC", "T/CC", "T/DCC"].sort(),
    );
  });

  it("seeds the quarterly performance template with its seven standing items", async () => {
    const { kysely } = database.current().db;
    const items = await kysely
      .selectFrom("meeting_type_items")
      .innerJoin("meeting_types", "meeting_types.id", "meeting_type_items.meeting_type_id")
      .where("meeting_types.key", "=", "performance")
      .select(["meeting_type_items.number", "meeting_type_items.title"])
      .orderBy("meeting_type_items.number")
      .execute();
    expect(items.map((item) => item.number)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(items[0]?.title).toBe("Review of Action Tracker");
    expect(items[6]?.title).toBe("Confirmation of Next Meeting Type / Date / Time / Venue");
  });
});
