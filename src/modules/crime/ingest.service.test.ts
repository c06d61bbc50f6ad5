import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import type { Db } from "../../db/database.js";
import {
  describeParseError,
  type IngestResult,
  type LoadedFile,
  type RejectedFile,
} from "./ingest.service.js";
import { loadReferenceData, type ReferenceData } from "./reference.js";
import {
  countRows,
  ingestFile,
  policeFixtures,
  snapshotCrimeData,
  removeTemporaryCsvs,
  writeTemporaryCsv,
} from "./test-support.js";

const database = useTestDatabase();
let reference: ReferenceData;
let db: Db;
beforeAll(async () => {
  reference = await loadReferenceData();
  db = database.current().db;
});
afterAll(removeTemporaryCsvs);

const westMerciaJanuary = join(policeFixtures, "original", "2025-01-west-mercia-street.csv");

function loaded(result: IngestResult): LoadedFile {
  if (result.status !== "loaded") throw new Error(`expected a load, got: ${result.reason}`);
  return result;
}

function rejected(result: IngestResult): RejectedFile {
  if (result.status !== "rejected") throw new Error(`expected a rejection of ${result.file}`);
  return result;
}

async function streetRows(forceId: string, month: string) {
  return db.kysely
    .selectFrom("crime_street_crimes as s")
    .innerJoin("crime_types as t", "t.id", "s.crime_type_id")
    .leftJoin("crime_outcome_categories as o", "o.id", "s.last_outcome_id")
    .leftJoin("crime_lsoas as l", "l.code", "s.lsoa_code")
    .select([
      "s.crime_id",
      "s.longitude",
      "s.latitude",
      "s.location",
      "s.lsoa_code",
      "l.name as lsoa_name",
      "l.local_authority_code",
      "t.label as crime_type",
      "o.label as outcome",
    ])
    .where("s.force_id", "=", forceId)
    .where("s.month", "=", month)
    .execute();
}

describe("ingesting real data.police.uk files", () => {
  it("loads a street file with its quirks: ASB without Crime ID, No Location, LSOAs outside the force", async () => {
    const result = loaded(await ingestFile(db, reference, westMerciaJanuary));
    expect(result).toMatchObject({ rowsAccepted: 6, rowsRejected: 0, duplicateRows: 0 });
    expect(result.identity).toEqual({ forceId: "west-mercia", month: "2025-01", kind: "street" });
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);

    const rows = await streetRows("west-mercia", "2025-01");
    expect(rows).toHaveLength(6);
    const antiSocial = rows.filter((row) => row.crime_type === "Anti-social behaviour");
    expect(antiSocial).toHaveLength(2);
    expect(antiSocial.every((row) => row.crime_id === null && row.outcome === null)).toBe(true);
    const noLocation = rows.find((row) => row.location === "No Location");
    expect(noLocation).toMatchObject({ longitude: null, latitude: null, lsoa_code: null });
    // Birmingham LSOAs are in West Midlands' area but reported by West Mercia: kept, under Birmingham.
    expect(rows.find((row) => row.lsoa_name === "Birmingham 125E")).toMatchObject({
      local_authority_code: "E08000025",
      outcome: "Unable to prosecute suspect",
      longitude: -2.015357,
      latitude: 52.395158,
    });
    expect(rows.find((row) => row.lsoa_name === "Herefordshire 001A")?.local_authority_code).toBe(
      "E06000019",
    );

    const counts = await db.kysely
      .selectFrom("crime_monthly_counts")
      .selectAll()
      .where("force_id", "=", "west-mercia")
      .execute();
    expect(counts.reduce((sum, row) => sum + Number(row.count), 0)).toBe(6);
    expect(counts.filter((row) => row.local_authority_code === "E08000025")).toHaveLength(3);
  });

  it("reads the same rows through a byte order mark and CRLF line endings", async () => {
    await ingestFile(db, reference, westMerciaJanuary);
    const plain = await snapshotCrimeData(db);
    for (const variant of ["bom", "crlf"]) {
      const result = loaded(
        await ingestFile(db, reference, join(policeFixtures, variant, "2025-01-west-mercia-street.csv")),
      );
      expect(result.rowsAccepted).toBe(6);
      expect(await snapshotCrimeData(db)).toEqual(plain);
    }
  });

  it("keeps a quoted LSOA name with a comma in it", async () => {
    loaded(
      await ingestFile(
        db,
        reference,
        join(policeFixtures, "original", "2025-02-devon-and-cornwall-street.csv"),
      ),
    );
    const rows = await streetRows("devon-and-cornwall", "2025-02");
    expect(rows.map((row) => row.lsoa_name).sort()).toEqual([
      "Amber Valley 008E",
      "Bournemouth, Christchurch and Poole 004A",
    ]);
  });

  it("loads outcomes once each when the file repeats a row, with CRLF and blank LSOAs", async () => {
    const file = join(policeFixtures, "original", "2022-01-thames-valley-outcomes.csv");
    const result = loaded(await ingestFile(db, reference, file));
    expect(result).toMatchObject({ rowsAccepted: 3, duplicateRows: 1, rowsRejected: 0 });
    const events = await db.kysely
      .selectFrom("crime_outcome_events as e")
      .innerJoin("crime_outcome_categories as o", "o.id", "e.outcome_id")
      .select(["e.crime_id", "o.label"])
      .where("e.force_id", "=", "thames-valley")
      .where("e.month", "=", "2022-01")
      .orderBy("e.crime_id")
      .execute();
    expect(events).toHaveLength(3);
    expect(events.map((event) => event.label)).toContain("Suspect charged as part of another case");
    // Loading it again changes nothing: still one event per (crime, outcome).
    loaded(await ingestFile(db, reference, file));
    expect(await countOf("crime_outcome_events", "thames-valley")).toBe(3);
  });

  it("loads stop and search records with their flags and blanks", async () => {
    const result = loaded(
      await ingestFile(
        db,
        reference,
        join(policeFixtures, "original", "2022-01-thames-valley-stop-and-search.csv"),
      ),
    );
    expect(result.rowsAccepted).toBe(3);
    const rows = await db.kysely
      .selectFrom("crime_stop_searches")
      .selectAll()
      .where("force_id", "=", "thames-valley")
      .orderBy("searched_at")
      .execute();
    expect(rows[0]).toMatchObject({
      month: "2022-01",
      searched_at: "2022-01-01T00:00:00+00:00",
      type: "Vehicle search",
      part_of_policing_operation: 0,
      gender: null,
      outcome: "Arrest",
      removal_of_more_than_outer_clothing: null,
    });
    expect(rows[1]).toMatchObject({
      gender: "Male",
      age_range: "18-24",
      removal_of_more_than_outer_clothing: 0,
    });
  });

  it("records each load in the ingest log and the audit log", async () => {
    const result = loaded(await ingestFile(db, reference, westMerciaJanuary));
    const log = await db.kysely
      .selectFrom("crime_ingests")
      .selectAll()
      .where("id", "=", result.ingestId)
      .executeTakeFirstOrThrow();
    expect(log).toMatchObject({
      file_name: westMerciaJanuary,
      sha256: result.sha256,
      kind: "street",
      force_id: "west-mercia",
      month: "2025-01",
      rows_accepted: 6,
      rows_rejected: 0,
      rejected_lines_json: null,
      actor: "system",
    });
    const audit = await db.kysely
      .selectFrom("audit_log")
      .selectAll()
      .where("entity_type", "=", "ingest")
      .where("entity_id", "=", String(result.ingestId))
      .executeTakeFirstOrThrow();
    expect(audit.action).toBe("create");
    expect(JSON.parse(audit.after_json ?? "{}")).toMatchObject({ sha256: result.sha256, rows_accepted: 6 });
  });
});

async function countOf(
  table: "crime_outcome_events" | "crime_street_crimes",
  forceId: string,
): Promise<number> {
  const row = await db.kysely
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string | number>().as("n"))
    .where("force_id", "=", forceId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("replacing a force-month", () => {
  it("leaves the same database when the same file is loaded twice", async () => {
    await ingestFile(db, reference, westMerciaJanuary);
    await ingestFile(db, reference, join(policeFixtures, "original", "2022-01-thames-valley-outcomes.csv"));
    const before = await snapshotCrimeData(db);
    await ingestFile(db, reference, westMerciaJanuary);
    await ingestFile(db, reference, join(policeFixtures, "original", "2022-01-thames-valley-outcomes.csv"));
    expect(await snapshotCrimeData(db)).toEqual(before);
  });

  it("leaves one copy when the same file is loaded twice at the same time", async () => {
    await ingestFile(db, reference, westMerciaJanuary);
    const before = await snapshotCrimeData(db);
    const results = await Promise.all([
      ingestFile(db, reference, westMerciaJanuary),
      ingestFile(db, reference, westMerciaJanuary),
    ]);
    expect(results.map((result) => result.status)).toEqual(["loaded", "loaded"]);
    expect(await snapshotCrimeData(db)).toEqual(before);
  });

  it("replaces an older version of a file with a newer one, rows and counts alike", async () => {
    await ingestFile(db, reference, westMerciaJanuary);
    const original = await readFile(westMerciaJanuary, "utf8");
    const refreshed = original.split("\n").slice(0, 3).join("\n") + "\n"; // header + 2 rows
    const path = await writeTemporaryCsv("2025-01-west-mercia-street.csv", refreshed);
    loaded(await ingestFile(db, reference, path));
    expect(await streetRows("west-mercia", "2025-01")).toHaveLength(2);
    const counts = await db.kysely
      .selectFrom("crime_monthly_counts")
      .select("count")
      .where("force_id", "=", "west-mercia")
      .where("month", "=", "2025-01")
      .execute();
    expect(counts.reduce((sum, row) => sum + Number(row.count), 0)).toBe(2);
  });
});

describe("refusing bad files", () => {
  const header =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context";
  const goodRow =
    "abc123,2025-01,West Mercia Police,West Mercia Police,-2.0,52.3,On or near Mull Close,E01009161,Bromsgrove 010C,Public order,Status update unavailable,";

  const cases = [
    {
      problem: "a wrong field count",
      row: "abc124,2025-01,West Mercia Police,West Mercia Police,-2.0,52.3,On or near Mull Close,E01009161,Bromsgrove 010C,Public order,",
      field: "row",
      says: "has 11 fields, expected 12",
    },
    {
      problem: "a month that is not a month",
      row: goodRow.replace("2025-01", "2025-13"),
      field: "Month",
      says: "not a YYYY-MM month",
    },
    {
      problem: "a month other than the file's",
      row: goodRow.replace("2025-01", "2025-02"),
      field: "Month",
      says: "does not match the file's month 2025-01",
    },
    {
      problem: "a longitude out of range",
      row: goodRow.replace("-2.0", "-200.5"),
      field: "Longitude",
      says: "is not a coordinate",
    },
  ];

  for (const { problem, row, field, says } of cases) {
    it(`rejects a file with ${problem} whole, naming file, line and field, and writes nothing`, async () => {
      await ingestFile(db, reference, westMerciaJanuary);
      const before = await snapshotCrimeData(db);
      const [ingests, audits] = [await countRows(db, "crime_ingests"), await countRows(db, "audit_log")];
      const path = await writeTemporaryCsv(
        "2025-01-west-mercia-street.csv",
        [header, goodRow, row, goodRow, ""].join("\n"),
      );

      const result = rejected(await ingestFile(db, reference, path));
      expect(result.errorTotal).toBe(1);
      expect(result.reason).toContain(path);
      const message = describeParseError(result.errors[0]!);
      expect(message).toContain(`${path} line 3, ${field}: `);
      expect(message).toContain(says);

      expect(await snapshotCrimeData(db)).toEqual(before);
      expect(await countRows(db, "crime_ingests")).toBe(ingests);
      expect(await countRows(db, "audit_log")).toBe(audits);
    });
  }

  it("rejects a file for a force that is not in the reference list, and writes nothing", async () => {
    const before = await snapshotCrimeData(db);
    const path = await writeTemporaryCsv(
      "2025-01-atlantis-street.csv",
      [header, goodRow.replaceAll("West Mercia Police", "Atlantis Police"), ""].join("\n"),
    );
    const result = rejected(await ingestFile(db, reference, path));
    expect(result.reason).toContain(path);
    expect(result.reason).toContain(`force "atlantis" is not in the reference forces list`);
    expect(await snapshotCrimeData(db)).toEqual(before);
  });

  it("reports the first 50 errors of a badly broken file and how many there were", async () => {
    const badRows = Array.from({ length: 120 }, () => goodRow.replace("2025-01", "2025-02"));
    const path = await writeTemporaryCsv(
      "2025-01-west-mercia-street.csv",
      [header, ...badRows, ""].join("\n"),
    );
    const result = rejected(await ingestFile(db, reference, path));
    expect(result.errorTotal).toBe(120);
    expect(result.errors).toHaveLength(50);
    expect(result.reason).toContain("120 invalid rows; nothing was loaded");
  });

  it("with skip-invalid, loads the good rows and logs every rejected line", async () => {
    const badRows = Array.from({ length: 60 }, () => goodRow.replace("-2.0", "-200.5"));
    const path = await writeTemporaryCsv(
      "2025-01-west-mercia-street.csv",
      [header, goodRow, ...badRows, goodRow, ""].join("\n"),
    );
    const result = loaded(await ingestFile(db, reference, path, { skipInvalid: true }));
    expect(result).toMatchObject({ rowsAccepted: 2, rowsRejected: 60 });
    expect(await streetRows("west-mercia", "2025-01")).toHaveLength(2);
    const log = await db.kysely
      .selectFrom("crime_ingests")
      .select("rejected_lines_json")
      .where("id", "=", result.ingestId)
      .executeTakeFirstOrThrow();
    const lines = JSON.parse(log.rejected_lines_json ?? "[]") as { line: number; field: string }[];
    expect(lines).toHaveLength(60);
    expect(lines[0]).toMatchObject({ line: 3, field: "Longitude" });
    expect(lines.at(-1)).toMatchObject({ line: 62, field: "Longitude" });
  });
});
