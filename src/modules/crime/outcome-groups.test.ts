import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { labelId, syncOutcomeGroups } from "./crime.repository.js";

const database = useTestDatabase();

async function storedGroups(): Promise<Record<string, string | null>> {
  const rows = await database
    .current()
    .db.kysely.selectFrom("crime_outcome_categories")
    .select(["label", "outcome_group"])
    .execute();
  return Object.fromEntries(rows.map((row) => [row.label, row.outcome_group]));
}

describe("outcome groups stored with the outcome categories", () => {
  it("are set when a category is first seen, by the same mapping as everywhere else", async () => {
    const { kysely } = database.current().db;
    await labelId(kysely, "crime_outcome_categories", "Offender given penalty notice");
    await labelId(kysely, "crime_outcome_categories", "A label nobody has seen");
    expect(await storedGroups()).toMatchObject({
      "Offender given penalty notice": "out_of_court_disposal",
      "A label nobody has seen": "unmapped",
    });
  });

  it("are brought back in step with the mapping at start-up", async () => {
    const { kysely } = database.current().db;
    const charged = await labelId(kysely, "crime_outcome_categories", "Suspect charged");
    const pending = await labelId(kysely, "crime_outcome_categories", "Under investigation");
    // As a database written before the groups were stored, or under an older mapping, would hold them.
    await kysely
      .updateTable("crime_outcome_categories")
      .set({ outcome_group: null })
      .where("id", "=", charged)
      .execute();
    await kysely
      .updateTable("crime_outcome_categories")
      .set({ outcome_group: "charge_summons" })
      .where("id", "=", pending)
      .execute();
    await syncOutcomeGroups(kysely);
    expect(await storedGroups()).toMatchObject({
      "Suspect charged": "charge_summons",
      "Under investigation": "pending",
    });
  });
});
