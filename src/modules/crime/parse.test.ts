import { rootDir } from "../../lib/paths.js";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { PoliceFileError } from "./file-kinds.js";
import { parsePoliceCsv, type RowBatch } from "./parse.js";
import { loadReferenceData, type Force } from "./reference.js";

const FIXTURES = join(rootDir, "test", "fixtures", "police-uk");
let forces: ReadonlyMap<string, Force>;
beforeAll(async () => {
  ({ forces } = await loadReferenceData());
});

async function parseAll(input: Readable, file: string, batchSize?: number) {
  const parser = parsePoliceCsv(input, { file, forces, batchSize });
  const batches: RowBatch[] = [];
  for await (const batch of parser) batches.push(batch);
  const rows = batches.flatMap((batch): RowBatch["rows"][number][] => batch.rows);
  return { batches, rows, errors: parser.errors };
}

function parseFixture(folder: string, name: string) {
  return parseAll(createReadStream(join(FIXTURES, folder, name)), name);
}

function parseText(name: string, text: string) {
  return parseAll(Readable.from([Buffer.from(text)]), name);
}

const STREET_HEADER =
  "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context";
const streetRow = (
  changes: Partial<Record<"month" | "fallsWithin" | "longitude" | "latitude", string>> = {},
) =>
  [
    "abc",
    changes.month ?? "2025-01",
    "West Mercia Police",
    changes.fallsWithin ?? "West Mercia Police",
    changes.longitude ?? "-2.1",
    changes.latitude ?? "52.2",
    "On or near X",
    "E01032160",
    "Bromsgrove 010C",
    "Burglary",
    "",
    "",
  ].join(",");

describe("street files (real West Mercia rows)", () => {
  it("yields every row, typed, with physical line numbers", async () => {
    const { batches, rows, errors } = await parseFixture("original", "2025-01-west-mercia-street.csv");
    expect(errors.total).toBe(0);
    expect(batches.map((batch) => batch.kind)).toEqual(["street"]);
    expect(rows.map((row) => row.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(rows[0]).toEqual({
      line: 2,
      crimeId: "6085ced56f9fd556985c10bdf35fa17483c7366b44929a260dac2240bd489c25",
      month: "2025-01",
      reportedBy: "West Mercia Police",
      fallsWithin: "West Mercia Police",
      longitude: -2.015357,
      latitude: 52.395158,
      location: "On or near Beoley Grove",
      lsoaCode: "E01009160",
      lsoaName: "Birmingham 125E",
      crimeType: "Violence and sexual offences",
      lastOutcomeCategory: "Unable to prosecute suspect",
      context: null,
    });
  });

  it("keeps anti-social behaviour rows, which have no Crime ID and no outcome", async () => {
    const { rows } = await parseFixture("original", "2025-01-west-mercia-street.csv");
    const asb = rows.filter((row) => "crimeType" in row && row.crimeType === "Anti-social behaviour");
    expect(asb.map((row) => row.line)).toEqual([4, 7]);
    for (const row of asb) expect(row).toMatchObject({ crimeId: null, lastOutcomeCategory: null });
  });

  it("keeps 'No Location' rows with null coordinates and blank LSOA code and name as null", async () => {
    const { rows } = await parseFixture("original", "2025-01-west-mercia-street.csv");
    expect(rows[5]).toMatchObject({
      line: 7,
      location: "No Location",
      longitude: null,
      latitude: null,
      lsoaCode: null,
      lsoaName: null,
    });
  });

  it("keeps rows whose LSOA lies outside the force area (Birmingham 128B in West Mercia)", async () => {
    const { rows, errors } = await parseFixture("original", "2025-05-west-mercia-street.csv");
    expect(errors.total).toBe(0);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ lsoaCode: "E01009110", lsoaName: "Birmingham 128B" });
  });

  it("passes outcome categories through verbatim, including ones added over time", async () => {
    const { rows } = await parseFixture("original", "2025-01-west-mercia-street.csv");
    expect(rows.map((row) => ("lastOutcomeCategory" in row ? row.lastOutcomeCategory : undefined))).toEqual([
      "Unable to prosecute suspect",
      "Status update unavailable",
      null,
      "Awaiting court outcome",
      "Investigation complete; no suspect identified",
      null,
    ]);
  });

  it("reads quoted fields containing commas (a real Devon & Cornwall row)", async () => {
    const { rows, errors } = await parseFixture("original", "2025-02-devon-and-cornwall-street.csv");
    expect(errors.total).toBe(0);
    expect(rows[1]).toMatchObject({
      line: 3,
      lsoaName: "Bournemouth, Christchurch and Poole 004A",
      crimeType: "Violence and sexual offences",
    });
  });

  it.each(["bom", "crlf"])("reads a %s copy exactly like the original", async (folder) => {
    const original = await parseFixture("original", "2025-01-west-mercia-street.csv");
    const copy = await parseFixture(folder, "2025-01-west-mercia-street.csv");
    expect(copy.errors.total).toBe(0);
    expect(copy.rows).toEqual(original.rows);
  });

  it("cuts batches of about batchSize rows", async () => {
    const text = [STREET_HEADER, ...Array.from({ length: 7 }, () => streetRow())].join("\n");
    const { batches } = await parseAll(
      Readable.from(text.split(/(?<=\n)/).map((line) => Buffer.from(line))),
      "2025-01-west-mercia-street.csv",
      3,
    );
    expect(batches.map((batch) => batch.rows.length)).toEqual([3, 3, 1]);
  });
});

describe("outcomes files (real Thames Valley rows, CRLF line endings as published)", () => {
  it("yields duplicate rows as they are, each with its own line, for the loader to deduplicate", async () => {
    const { batches, rows, errors } = await parseFixture("original", "2022-01-thames-valley-outcomes.csv");
    expect(errors.total).toBe(0);
    expect(batches[0]?.kind).toBe("outcomes");
    const [, , first, second] = rows;
    expect(first?.line).toBe(4);
    expect(second?.line).toBe(5);
    expect({ ...second, line: 0 }).toEqual({ ...first, line: 0 });
  });

  it("keeps blank LSOA codes and 'No location' (lower-case l) rows", async () => {
    const { rows } = await parseFixture("original", "2022-01-thames-valley-outcomes.csv");
    expect(rows[1]).toMatchObject({
      location: "No location",
      lsoaCode: null,
      longitude: null,
      outcomeType: "Suspect charged as part of another case",
    });
  });
});

describe("stop-and-search files (real Thames Valley rows)", () => {
  it("reads flags, blanks and timestamps, with latitude before longitude", async () => {
    const { batches, rows, errors } = await parseFixture(
      "original",
      "2022-01-thames-valley-stop-and-search.csv",
    );
    expect(errors.total).toBe(0);
    expect(batches[0]?.kind).toBe("stop-and-search");
    expect(rows[1]).toEqual({
      line: 3,
      type: "Person and Vehicle search",
      date: "2022-01-01T02:15:00+00:00",
      partOfPolicingOperation: false,
      policingOperation: null,
      latitude: null,
      longitude: null,
      gender: "Male",
      ageRange: "18-24",
      selfDefinedEthnicity: "Asian/Asian British - Pakistani",
      officerDefinedEthnicity: "Asian",
      legislation: null,
      objectOfSearch: "Controlled drugs",
      outcome: "A no further action disposal",
      outcomeLinkedToObjectOfSearch: null,
      removalOfMoreThanJustOuterClothing: false,
    });
  });

  it("reports a Date that is not an ISO timestamp, and a column that is not True/False", async () => {
    const fixture = await readFile(
      join(FIXTURES, "original", "2022-01-thames-valley-stop-and-search.csv"),
      "utf8",
    );
    const header = fixture.split("\r\n")[0]; // the real Thames Valley files have CRLF line endings
    const text = `${header}\nVehicle search,01/01/2022 00:00,False,,52.1,-1.2,,,,,,Controlled drugs,Arrest,,\nVehicle search,2022-01-01T00:00:00+00:00,Maybe,,52.1,-1.2,,,,,,Controlled drugs,Arrest,,\n`;
    const { rows, errors } = await parseText("2022-01-thames-valley-stop-and-search.csv", text);
    expect(rows).toHaveLength(0);
    expect(errors.kept.map(({ line, field }) => [line, field])).toEqual([
      [2, "Date"],
      [3, "Part of a policing operation"],
    ]);
  });
});

describe("row errors", () => {
  const file = "2025-01-west-mercia-street.csv";

  it("records each bad row as {file, line, field, message} and keeps the good ones", async () => {
    const text = [
      STREET_HEADER,
      streetRow(),
      streetRow({ month: "2025-02" }),
      streetRow({ month: "Jan 2025" }),
      streetRow({ longitude: "181" }),
      streetRow({ latitude: " " }),
      streetRow({ longitude: "", latitude: "52.2" }),
      streetRow({ fallsWithin: "West Midlands Police" }),
      "abc,2025-01,West Mercia Police",
      ",2025-01,West Mercia Police,West Mercia Police,,,No Location,,,Burglary,,",
      streetRow(),
    ].join("\n");
    const { rows, errors } = await parseText(file, text);
    expect(rows.map((row) => row.line)).toEqual([2, 11]);
    expect(errors.total).toBe(8);
    expect(errors.kept.map(({ line, field }) => [line, field])).toEqual([
      [3, "Month"],
      [4, "Month"],
      [5, "Longitude"],
      [6, "Latitude"],
      [7, "Longitude"],
      [8, "Falls within"],
      [9, null],
      [10, "Crime ID"],
    ]);
    expect(errors.kept[0]).toEqual({
      file,
      line: 3,
      field: "Month",
      message: "2025-02 does not match the file's month 2025-01",
    });
    expect(errors.kept[1]?.message).toBe('"Jan 2025" is not a YYYY-MM month');
    expect(errors.kept[6]?.message).toBe("has 3 fields, expected 12");
  });

  it("accepts another spelling of the force's name in Falls within", async () => {
    const text = [STREET_HEADER, streetRow({ fallsWithin: "West-Mercia  Police" })].join("\n");
    const { rows, errors } = await parseText(file, text);
    expect(errors.total).toBe(0);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ fallsWithin: "West-Mercia  Police" });
  });

  it("numbers rows by the physical line they start on, after a quoted line break", async () => {
    const twoLineLocation = streetRow().replace("On or near X", '"On or near X,\nY"');
    const text = [STREET_HEADER, twoLineLocation, streetRow({ month: "2025-13" })].join("\n");
    const { rows, errors } = await parseText(file, text);
    expect(rows).toMatchObject([{ line: 2, location: "On or near X,\nY" }]);
    expect(errors.kept.map(({ line, field }) => [line, field])).toEqual([[4, "Month"]]);
  });

  it("keeps the first 50 errors and counts the rest", async () => {
    const text = [STREET_HEADER, ...Array.from({ length: 120 }, () => streetRow({ month: "2024-12" }))].join(
      "\n",
    );
    const { errors } = await parseText(file, text);
    expect(errors.total).toBe(120);
    expect(errors.kept).toHaveLength(50);
    expect(errors.kept.at(-1)?.line).toBe(51);
  });
});

describe("file-level refusals", () => {
  it("refuses a name that does not follow the data.police.uk scheme, before reading", () => {
    expect(() => parsePoliceCsv(Readable.from([]), { file: "crimes.csv", forces })).toThrow(
      /YYYY-MM-<force>/,
    );
  });

  it("refuses a force that is not in the reference list", () => {
    expect(() => parsePoliceCsv(Readable.from([]), { file: "2025-01-gotham-street.csv", forces })).toThrow(
      /force "gotham" is not in the reference forces list/,
    );
  });

  it("refuses an unrecognised header, naming the file", async () => {
    await expect(parseText("2025-01-west-mercia-street.csv", "a,b,c\n1,2,3\n")).rejects.toThrow(
      /^2025-01-west-mercia-street\.csv: unrecognised header row/,
    );
  });

  it("refuses a header of another kind than the name says", async () => {
    await expect(
      parseText("2025-01-west-mercia-outcomes.csv", `${STREET_HEADER}\n${streetRow()}\n`),
    ).rejects.toThrow(/the name says outcomes but the header is street/);
  });

  it("refuses an empty file and a file with broken quoting", async () => {
    await expect(parseText("2025-01-west-mercia-street.csv", "")).rejects.toThrow(/empty/);
    const broken = `${STREET_HEADER}\n${streetRow()}\nabc,"2025-01,West Mercia Police\n`;
    await expect(parseText("2025-01-west-mercia-street.csv", broken)).rejects.toThrow(PoliceFileError);
    await expect(parseText("2025-01-west-mercia-street.csv", broken)).rejects.toThrow(
      /^2025-01-west-mercia-street\.csv: line 3: quoted field is not closed before the end of the file$/,
    );
  });

  it("can be read only once", async () => {
    const parser = parsePoliceCsv(Readable.from([Buffer.from(`${STREET_HEADER}\n`)]), {
      file: "2025-01-west-mercia-street.csv",
      forces,
    });
    for await (const _batch of parser) expect.unreachable();
    await expect(async () => {
      for await (const _batch of parser) expect.unreachable();
    }).rejects.toThrow(/read only once/);
  });
});
