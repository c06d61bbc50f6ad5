import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { rootDir } from "../../lib/paths.js";
import { systemActor } from "../audit/actor.js";
import { readPoliceCsvs } from "./archive.js";
import { hotSpots } from "./hot-spots.js";
import { ingestPath } from "./ingest.service.js";
import { loadReferenceData } from "./reference.js";

const database = useTestDatabase();
const archives = ["2025-01.zip", "2025-02.zip"].map((name) =>
  join(rootDir, "data", "demo", "police-uk", name),
);

/** The real West Mercia street rows of January and February 2025, read with csv-parse rather than our parser. */
let csvRows: Record<string, string>[];

beforeAll(async () => {
  const reference = await loadReferenceData();
  csvRows = [];
  for (const archive of archives) {
    for await (const member of readPoliceCsvs(archive, { forceIds: ["west-mercia"] })) {
      if (member.identity.kind !== "street") continue;
      const chunks: Buffer[] = [];
      for await (const chunk of member.stream) chunks.push(chunk as Buffer);
      csvRows.push(...parse<Record<string, string>>(Buffer.concat(chunks), { columns: true, bom: true }));
    }
    for await (const result of ingestPath(database.current().db, archive, {
      reference,
      actor: systemActor,
      forceIds: ["west-mercia"],
    })) {
      expect(result.status).toBe("loaded");
    }
  }
}, 120_000);

/** Crimes of `type` by LSOA code in `month`, counted from the CSV rows. */
function csvCounts(type: string, month: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of csvRows) {
    if (row["Crime type"] !== type || row.Month !== month) continue;
    const code = row["LSOA code"] ?? "";
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return counts;
}

describe("hotSpots", () => {
  it("ranks the LSOAs by their crimes of the type, with last period's count and the share of the force", async () => {
    const february = csvCounts("Violence and sexual offences", "2025-02");
    const january = csvCounts("Violence and sexual offences", "2025-01");
    const forceTotal = [...february.values()].reduce((sum, n) => sum + n, 0);
    const expected = [...february]
      .filter(([code]) => code !== "")
      .sort(([codeA, a], [codeB, b]) => b - a || (codeA < codeB ? -1 : 1))
      .slice(0, 10)
      .map(([code, count]) => ({
        lsoaCode: code,
        count,
        previousCount: january.get(code) ?? 0,
        shareOfForce: count / forceTotal,
      }));

    const spots = await hotSpots(database.current().db.kysely, {
      forceId: "west-mercia",
      crimeType: "Violence and sexual offences",
      months: ["2025-02"],
      previousMonths: ["2025-01"],
      limit: 10,
    });

    expect(
      spots.map(({ lsoaCode, count, previousCount, shareOfForce }) => ({
        lsoaCode,
        count,
        previousCount,
        shareOfForce,
      })),
    ).toEqual(expected);
    // The name and local authority come from the LSOA dictionary.
    const top = spots[0];
    const topRow = csvRows.find((row) => row["LSOA code"] === top?.lsoaCode);
    expect(top?.lsoaName).toBe(topRow?.["LSOA name"]);
    expect(top?.localAuthorityCode).toMatch(/^E0[6-9]\d{6}$/);
  });

  it("sums several months on each side", async () => {
    const [spot] = await hotSpots(database.current().db.kysely, {
      forceId: "west-mercia",
      crimeType: "Shoplifting",
      months: ["2025-01", "2025-02"],
      previousMonths: [],
      limit: 1,
    });
    const both = new Map<string, number>();
    for (const month of ["2025-01", "2025-02"]) {
      for (const [code, n] of csvCounts("Shoplifting", month)) both.set(code, (both.get(code) ?? 0) + n);
    }
    const most = Math.max(...[...both].filter(([code]) => code !== "").map(([, n]) => n));
    expect(spot?.count).toBe(most);
    expect(spot?.previousCount).toBe(0);
  });

  it("finds nothing for a crime type, force or period with no crimes", async () => {
    const query = {
      forceId: "west-mercia",
      crimeType: "Burglary",
      months: ["2025-02"],
      previousMonths: [],
      limit: 5,
    };
    expect(await hotSpots(database.current().db.kysely, { ...query, crimeType: "Piracy" })).toEqual([]);
    expect(await hotSpots(database.current().db.kysely, { ...query, forceId: "norfolk" })).toEqual([]);
    expect(await hotSpots(database.current().db.kysely, { ...query, months: ["2024-02"] })).toEqual([]);
  });
});
