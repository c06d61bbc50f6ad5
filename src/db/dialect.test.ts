import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../test/helpers/test-db.js";
import { executeManyRows } from "./dialect.js";

const database = useTestDatabase();

describe("reading many rows", () => {
  it("gives the rows a plain read gives: text, nulls and sums unchanged", async () => {
    const { kysely } = database.current().db;
    await kysely
      .insertInto("crime_lsoas")
      .values([
        { code: "E01000001", name: 'Quoted "name", with a comma\nand a line', local_authority_code: null },
        { code: "E01000002", name: "Ynys Môn 001A \\ café", local_authority_code: "W06000001" },
      ])
      .execute();
    const lsoas = kysely.selectFrom("crime_lsoas").select(["code", "name", "local_authority_code"]);
    const byCode = (rows: { code: string }[]) => rows.sort((a, b) => (a.code < b.code ? -1 : 1));
    expect(byCode(await executeManyRows(kysely, lsoas))).toEqual(byCode(await lsoas.execute()));

    await kysely
      .insertInto("crime_type_counts")
      .values([
        { force_id: "norfolk", month: "2025-01", crime_type_id: 1, count: 2_000_000_000 },
        { force_id: "norfolk", month: "2025-02", crime_type_id: 1, count: 2_000_000_000 },
      ])
      .execute();
    const total = kysely
      .selectFrom("crime_type_counts")
      .select((eb) => ["force_id", eb.fn.sum<string | number>("count").as("count")])
      .groupBy("force_id");
    const rows = await executeManyRows(kysely, total);
    expect(rows).toEqual(await total.execute());
    expect(rows.map((row) => Number(row.count))).toEqual([4_000_000_000]);
    expect(await executeManyRows(kysely, total.where("force_id", "=", "none"))).toEqual([]);
  });
});
