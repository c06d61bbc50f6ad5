import { describe, expect, it } from "vitest";
import { EXPECTED_HEADERS, PoliceFileError, detectFileKind, identifyPoliceFile } from "./file-kinds.js";

describe("detectFileKind", () => {
  it.each(["street", "outcomes", "stop-and-search"] as const)("recognises the %s header", (kind) => {
    expect(detectFileKind("x.csv", EXPECTED_HEADERS[kind])).toBe(kind);
  });

  it("refuses any other header, naming the file and the expected headers", () => {
    const header = ["Crime ID", "Month", "Reported by"];
    expect(() => detectFileKind("2025-01-west-mercia-street.csv", header)).toThrow(PoliceFileError);
    expect(() => detectFileKind("2025-01-west-mercia-street.csv", header)).toThrow(
      /^2025-01-west-mercia-street\.csv: unrecognised header row "Crime ID,Month,Reported by".*\n {2}street: Crime ID,Month,.*,Context\n {2}outcomes: .*Outcome type\n {2}stop-and-search: Type,Date,/s,
    );
  });

  it("refuses a street header with a column missing or reordered", () => {
    const street = EXPECTED_HEADERS.street;
    expect(() => detectFileKind("f.csv", street.slice(0, -1))).toThrow(PoliceFileError);
    expect(() => detectFileKind("f.csv", [street[1] ?? "", street[0] ?? "", ...street.slice(2)])).toThrow(
      PoliceFileError,
    );
  });
});

describe("identifyPoliceFile", () => {
  it("reads force, month and kind from data.police.uk names, inside folders too", () => {
    expect(identifyPoliceFile("2025-01-west-mercia-street.csv")).toEqual({
      forceId: "west-mercia",
      month: "2025-01",
      kind: "street",
    });
    expect(identifyPoliceFile("2022-01/2022-01-thames-valley-stop-and-search.csv")).toEqual({
      forceId: "thames-valley",
      month: "2022-01",
      kind: "stop-and-search",
    });
    expect(identifyPoliceFile("C:\\downloads\\2022-01-btp-outcomes.csv")).toEqual({
      forceId: "btp",
      month: "2022-01",
      kind: "outcomes",
    });
  });

  it.each([
    "2025-13-west-mercia-street.csv",
    "2025-01-west-mercia-crimes.csv",
    "west-mercia-street.csv",
    "2025-01-street.csv",
  ])("returns null for %s", (name) => {
    expect(identifyPoliceFile(name)).toBeNull();
  });
});
