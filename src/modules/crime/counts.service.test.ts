import { rootDir } from "../../lib/paths.js";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { systemActor } from "../audit/actor.js";
import { readPoliceCsvs } from "./archive.js";
import { countStreetCrimes, countsQuerySchema, toCsv, type CountDimension } from "./counts.service.js";
import { ingestPath } from "./ingest.service.js";
import { loadReferenceData, lsoaToLocalAuthority, type ReferenceData } from "./reference.js";

const database = useTestDatabase();
let reference: ReferenceData;
const forceIds = ["west-mercia", "norfolk"];
const archives = ["2025-01.zip", "2025-02.zip"].map((name) =>
  join(rootDir, "data", "demo", "police-uk", name),
);

/** Every street row of the real files, read with csv-parse rather than our parser. */
let csvRows: Record<string, string>[];

beforeAll(async () => {
  reference = await loadReferenceData();
  csvRows = [];
  for (const archive of archives) {
    for await (const member of readPoliceCsvs(archive, { forceIds })) {
      const chunks: Buffer[] = [];
      for await (const chunk of member.stream) chunks.push(chunk as Buffer);
      const records: Record<string, string>[] = parse(Buffer.concat(chunks), { columns: true, bom: true });
      csvRows.push(...records.map((record) => ({ ...record, force: member.identity.forceId })));
    }
    for await (const result of ingestPath(database.current().db, archive, {
      reference,
      actor: systemActor,
      forceIds,
    })) {
      expect(result.status).toBe("loaded");
    }
  }
}, 120_000);

/** The counts computed straight from the CSV rows, as `force,…,count` lines. */
function countFromCsv(by: readonly CountDimension[]): string[] {
  const lpaByAuthority = new Map(
    reference.localPolicingAreas.flatMap((area) =>
      area.lad23Codes.map((code) => [`${area.forceId}|${code}`, area.name]),
    ),
  );
  const totals = new Map<string, number>();
  for (const row of csvRows) {
    const lsoaName = row["LSOA name"] ?? "";
    const authority =
      lsoaName === "" ? null : lsoaToLocalAuthority(lsoaName, reference.localAuthorities).localAuthority;
    const values = by.map((dimension) => {
      switch (dimension) {
        case "month":
          return row.Month ?? "";
        case "crime-type":
          return row["Crime type"] ?? "";
        case "local-authority":
          return authority?.name ?? "";
        case "lpa":
          return authority ? (lpaByAuthority.get(`${row.force}|${authority.code}`) ?? "") : "";
        case "outcome":
          return row["Last outcome category"] ?? "";
      }
    });
    const key = [row.force ?? "", ...values].map(csvField).join(",");
    totals.set(key, (totals.get(key) ?? 0) + 1);
  }
  return [...totals].map(([key, count]) => `${key},${count}`).sort();
}

function csvField(text: string): string {
  return /[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function countFromDatabase(forces: string[], by: CountDimension[]): Promise<string[]> {
  const query = countsQuerySchema.parse({ forceIds: forces, from: "2025-01", to: "2025-02", by });
  const csv = toCsv(await countStreetCrimes(database.current().db, reference, query));
  const [header, ...lines] = csv.trimEnd().split("\n");
  expect(header).toBe(["force", ...by.map((dimension) => dimension.replace("-", "_")), "count"].join(","));
  return lines.sort();
}

describe("street crime counts", () => {
  it("match counts made straight from the real CSVs, by month and crime type, ASB included", async () => {
    const lines = await countFromDatabase(forceIds, ["month", "crime-type"]);
    expect(lines).toEqual(countFromCsv(["month", "crime-type"]));
    expect(lines).toContain("west-mercia,2025-01,Anti-social behaviour,1163");
  });

  it("match by local authority and last outcome too", async () => {
    expect(await countFromDatabase(forceIds, ["month", "crime-type", "local-authority", "outcome"])).toEqual(
      countFromCsv(["month", "crime-type", "local-authority", "outcome"]),
    );
  });

  it("match by last outcome without local authority (read from the smaller outcome rollup)", async () => {
    expect(await countFromDatabase(forceIds, ["crime-type", "outcome"])).toEqual(
      countFromCsv(["crime-type", "outcome"]),
    );
    // At the rollup's own grain, read without summing.
    expect(await countFromDatabase(forceIds, ["outcome", "crime-type", "month"])).toEqual(
      countFromCsv(["outcome", "crime-type", "month"]),
    );
  });

  it("match by local policing area, in the column order asked for", async () => {
    const lines = await countFromDatabase(["west-mercia"], ["lpa", "crime-type", "month"]);
    expect(lines).toEqual(
      countFromCsv(["lpa", "crime-type", "month"]).filter((line) => line.startsWith("west-mercia,")),
    );
    expect(lines.some((line) => line.startsWith("west-mercia,Herefordshire,Burglary,2025-01,"))).toBe(true);
  });

  it("sorts the rows by force, then by the columns in the order asked, one row for each group", async () => {
    const query = countsQuerySchema.parse({
      forceIds: ["west-mercia", "norfolk"],
      from: "2025-01",
      to: "2025-02",
      by: ["outcome", "month", "local-authority"],
    });
    const { rows } = await countStreetCrimes(database.current().db, reference, query);
    const keys = rows.map((row) => row.slice(0, -1).join("\u0000"));
    expect(keys).toEqual([...new Set(keys)].sort());
    // Anti-social behaviour has no outcome: a blank sorts first.
    expect(rows[0]?.slice(0, 3)).toEqual(["norfolk", "", "2025-01"]);
  });

  it("refuses local policing areas for a force that has none on record", async () => {
    const query = countsQuerySchema.parse({
      forceIds: ["norfolk"],
      from: "2025-01",
      to: "2025-02",
      by: ["lpa"],
    });
    await expect(countStreetCrimes(database.current().db, reference, query)).rejects.toThrow(
      "No local policing areas are known for norfolk",
    );
  });

  it("counts only the months asked for", async () => {
    const query = countsQuerySchema.parse({
      forceIds: ["west-mercia"],
      from: "2025-02",
      to: "2025-02",
      by: ["month"],
    });
    const table = await countStreetCrimes(database.current().db, reference, query);
    expect(table.rows).toEqual([["west-mercia", "2025-02", 7387]]);
  });
});
