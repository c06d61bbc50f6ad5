import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { loadMeasuresDemo } from "./measures.demo.js";

const database = useTestDatabase();

describe("the measures demonstration data", () => {
  it("imports every sample return, each value noted as SAMPLE", async () => {
    const summaries = await loadMeasuresDemo(database.current().db);
    expect(summaries.map((s) => s.fileName)).toContain("sample-call-handling.csv");
    const values = await database.current().db.kysely.selectFrom("measure_values").select("note").execute();
    expect(values).toHaveLength(summaries.reduce((sum, s) => sum + s.rows, 0));
    expect(values.every((v) => v.note?.startsWith("SAMPLE"))).toBe(true);
  });
});
