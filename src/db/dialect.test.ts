import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../test/helpers/test-db.js";
import { executeManyRows, inBulkTransaction } from "./dialect.js";

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

describe("loading rows in bulk", () => {
  const awkward = ["tab\there", "line\nbreak", "carriage\rreturn", "back\\slash \\N", "", "plain"];
  // More rows than one SQLite INSERT takes, and not a multiple of it; every awkward text, null and number.
  const rows = Array.from({ length: 123 }, (_, i) => [
    `T${String(i).padStart(6, "0")}`,
    i % 7 === 0 ? null : `${awkward[i % awkward.length]} ${i}`,
    i % 5 === 0 ? null : `E0600${i % 10}`,
  ]);

  it("stores every row and every value as given, across batches", async () => {
    const { db } = database.current();
    await inBulkTransaction(db, async ({ insert }) => {
      await insert("crime_lsoas", ["code", "name", "local_authority_code"], rows.slice(0, 100));
      await insert("crime_lsoas", ["code", "name", "local_authority_code"], rows.slice(100));
      await insert(
        "crime_type_counts",
        ["force_id", "month", "crime_type_id", "count"],
        [["norfolk", "2025-03", 7, 42]],
      );
    });
    const stored = await db.kysely
      .selectFrom("crime_lsoas")
      .select(["code", "name", "local_authority_code"])
      .where("code", "like", "T%")
      .orderBy("code")
      .execute();
    expect(stored.map((row) => [row.code, row.name, row.local_authority_code])).toEqual(rows);
    const counts = await db.kysely
      .selectFrom("crime_type_counts")
      .selectAll()
      .where("month", "=", "2025-03")
      .execute();
    expect(counts).toEqual([{ force_id: "norfolk", month: "2025-03", crime_type_id: 7, count: 42 }]);
  });

  it("keeps none of a transaction's rows when a later load fails", async () => {
    const { db } = database.current();
    const failed = inBulkTransaction(db, async ({ insert }) => {
      await insert(
        "crime_type_counts",
        ["force_id", "month", "crime_type_id", "count"],
        [["suffolk", "2025-04", 1, 5]],
      );
      await insert(
        "crime_type_counts",
        ["force_id", "month", "crime_type_id", "count"],
        [["suffolk", "2025-04", null, 5]],
      );
    });
    await expect(failed).rejects.toThrow();
    const left = await db.kysely
      .selectFrom("crime_type_counts")
      .selectAll()
      .where("force_id", "=", "suffolk")
      .execute();
    expect(left).toEqual([]);
  });
});
