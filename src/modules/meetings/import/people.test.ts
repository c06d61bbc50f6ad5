import { describe, expect, it } from "vitest";
import {
  isAbbreviation,
  isPersonName,
  kindFromRole,
  parseAttendanceHeading,
  parsePerson,
  splitPeople,
} from "./people.js";

describe("parsePerson", () => {
  it("reads 'Name, Role (ABBR)'", () => {
    expect(parsePerson("John Campion, Police and Crime Commissioner (PCC)")).toEqual({
      name: "John Campion",
      role: "Police and Crime Commissioner",
      abbreviation: "PCC",
      abbreviationRaw: "PCC",
    });
  });

  it("reads 'Name – Role (ABBR)'", () => {
    expect(parsePerson("Casey Fictional – Temporary Deputy Chief Constable (T/DCC)")).toMatchObject({
      name: "Casey Fictional",
      role: "Temporary Deputy Chief Constable",
      abbreviation: "T/DCC",
    });
  });

  it("reads 'Name (ABBR) Role' with a comma inside the role", () => {
    expect(parsePerson("Pat Madeup (CEO) Chief Executive, OPCC")).toMatchObject({
      name: "Pat Madeup",
      role: "Chief Executive, OPCC",
      abbreviation: "CEO",
    });
  });

  it("keeps the leading abbreviation of '(T/DCC Cooper)' and the bracket as written", () => {
    expect(parsePerson("Richard Cooper, Assistant Chief Constable (T/DCC Cooper)")).toMatchObject({
      role: "Assistant Chief Constable",
      abbreviation: "T/DCC",
      abbreviationRaw: "T/DCC Cooper",
    });
  });

  it("reads a name with only an abbreviation, and a bare name", () => {
    expect(parsePerson("Nicola Lowery (NL)")).toMatchObject({
      name: "Nicola Lowery",
      role: null,
      abbreviation: "NL",
    });
    expect(parsePerson("Jo O'Neill")).toMatchObject({ name: "Jo O'Neill", role: null, abbreviation: null });
  });

  it("reads 'PCC John Campion' as chairs are written", () => {
    expect(parsePerson("PCC John Campion")).toMatchObject({ name: "John Campion", abbreviation: "PCC" });
  });

  it("keeps a bracket that is not an abbreviation in the role", () => {
    expect(parsePerson("Jane Roe, Head of Estates (interim)")).toMatchObject({
      role: "Head of Estates (interim)",
      abbreviation: null,
    });
  });

  it("rejects text that is not a person", () => {
    expect(parsePerson("Quarter 2 Performance -2023/24 Meeting Notes")).toBeNull();
    expect(parsePerson("The meeting was quorate.")).toBeNull();
    expect(parsePerson("Apologies")).toBeNull();
  });
});

describe("name and abbreviation checks", () => {
  it("accepts abbreviations with temporary/acting prefixes but not ordinary words", () => {
    expect(["PCC", "T/CC", "A/ACC", "HoPP", "NL"].every(isAbbreviation)).toBe(true);
    expect(["Cooper", "interim", "P", "minutes"].some(isAbbreviation)).toBe(false);
  });

  it("accepts two to four capitalised words, allowing particles", () => {
    expect(isPersonName("Anna de Souza")).toBe(true);
    expect(isPersonName("Campion")).toBe(false);
    expect(isPersonName("Police and Crime Commissioner")).toBe(false);
    expect(isPersonName("PCC DPCC")).toBe(false);
  });
});

describe("splitPeople", () => {
  it("splits on slashes, commas and 'and' but keeps T/ prefixes", () => {
    expect(splitPeople("PCC/T/CC")).toEqual(["PCC", "T/CC"]);
    expect(splitPeople("RJ/KM")).toEqual(["RJ", "KM"]);
    expect(splitPeople("MF, RI and CFO")).toEqual(["MF", "RI", "CFO"]);
    expect(splitPeople("T/DCC & A/ACC")).toEqual(["T/DCC", "A/ACC"]);
  });
});

describe("attendance headings", () => {
  it.each([
    ["Apologies:", "apologies"],
    ["Apologies for absence", "apologies"],
    ["Present:", "present"],
    ["Attendees", "present"],
    ["Guest presenters:", "guest"],
    ["Observers:", "observer"],
    ["Minute taker:", "minute-taker"],
  ] as const)("reads %s", (text, kind) => {
    expect(parseAttendanceHeading(text)).toEqual({ kind, rest: "" });
  });

  it("returns names written on the heading line", () => {
    expect(parseAttendanceHeading("Apologies: Jane Roe (JR) Head of Finance")).toEqual({
      kind: "apologies",
      rest: "Jane Roe (JR) Head of Finance",
    });
  });

  it("does not treat other labels as attendance", () => {
    expect(parseAttendanceHeading("Date: 11/12/2023")).toBeNull();
    expect(parseAttendanceHeading("Governance Board Minutes")).toBeNull();
  });

  it("refines 'present' from the role but never overrides apologies", () => {
    expect(kindFromRole("Business Support Officer (minutes)", "present")).toBe("minute-taker");
    expect(kindFromRole("Observer", "present")).toBe("observer");
    expect(kindFromRole("Guest presenter", "present")).toBe("guest");
    expect(kindFromRole("Policy Officer", "present")).toBe("present");
    expect(kindFromRole("Observer", "apologies")).toBe("apologies");
  });
});
