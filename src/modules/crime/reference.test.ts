import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  REFERENCE_FILES,
  indexLocalAuthorities,
  loadReferenceData,
  lsoaToLocalAuthority,
  normaliseForceName,
  parseForcesCsv,
  parseLadCspPfaLookupCsv,
  parseLocalPolicingAreasCsv,
  policeForceAreaPopulation,
  referenceDirectory,
  type ReferenceData,
} from "./reference.js";

const WEST_MERCIA_PFA = "E23000016";

// These tests read the committed CSVs in data/reference, so they also check the shipped data.
let reference: ReferenceData;
beforeAll(async () => {
  reference = await loadReferenceData();
});

describe("forces.csv", () => {
  it("has the 44 data.police.uk forces with their API names", () => {
    expect(reference.forces.size).toBe(44);
    expect(reference.forces.get("west-mercia")?.name).toBe("West Mercia Police");
    expect(reference.forces.get("metropolitan")?.name).toBe("Metropolitan Police Service");
    // Names as the API and the CSVs' "Falls within" give them, not the datahub copy's spelling.
    expect(reference.forces.get("avon-and-somerset")?.name).toBe("Avon and Somerset Constabulary");
    expect(reference.forces.get("dyfed-powys")?.name).toBe("Dyfed-Powys Police");
  });

  it("gives every territorial force exactly one ONS police force area, and BTP none", () => {
    const lookupPfas = new Map(
      [...reference.localAuthorities.byCode.values()].map((lad) => [lad.pfa23Code, lad.pfa23Name]),
    );
    const forcePfas = [...reference.forces.values()].filter((force) => force.pfa23Code !== null);
    expect(forcePfas).toHaveLength(43);
    expect(new Set(forcePfas.map((force) => force.pfa23Code))).toEqual(new Set(lookupPfas.keys()));
    for (const force of forcePfas) expect(force.pfa23Name).toBe(lookupPfas.get(force.pfa23Code ?? ""));
    expect(reference.forces.get("btp")).toMatchObject({ pfa23Code: null, pfa23Name: null });
    expect(reference.forces.get("city-of-london")?.pfa23Name).toBe("London, City of");
    expect(reference.forces.get("metropolitan")?.pfa23Name).toBe("Metropolitan Police");
  });

  it("rejects a malformed row with its line number", () => {
    expect(() =>
      parseForcesCsv("id,name,pfa23_code,pfa23_name\nwest-mercia,,E23000016,West Mercia\n"),
    ).toThrow(/forces\.csv line 2/);
  });
});

describe("normaliseForceName", () => {
  it("treats & and 'and', hyphens and spaces alike, but nothing else", () => {
    expect(normaliseForceName("Avon & Somerset Constabulary")).toBe(
      normaliseForceName("Avon and Somerset Constabulary"),
    );
    expect(normaliseForceName("Dyfed Powys Police")).toBe(normaliseForceName("Dyfed-Powys Police"));
    expect(normaliseForceName("West Midlands Police")).not.toBe(normaliseForceName("West Mercia Police"));
  });
});

describe("LAD -> CSP -> PFA lookup", () => {
  it("collapses LADs listed once per community safety partnership", async () => {
    const rows = parseLadCspPfaLookupCsv(
      await readFile(join(referenceDirectory(), REFERENCE_FILES.ladCspPfaLookup), "utf8"),
    );
    expect(rows).toHaveLength(332); // the file starts with a BOM, which must not break the first column
    expect(rows.filter((row) => row.lad23Code === "E06000060")).toHaveLength(4); // Buckinghamshire
    expect(reference.localAuthorities.byCode.size).toBe(318);
  });

  it("refuses a LAD that appears in two police force areas", () => {
    const row = {
      lad23Code: "E1",
      lad23Name: "A",
      csp23Code: "C",
      csp23Name: "C",
      pfa23Code: "P1",
      pfa23Name: "P",
    };
    expect(() => indexLocalAuthorities([row, { ...row, pfa23Code: "P2" }])).toThrow(/two police force areas/);
  });

  it("puts West Mercia's nine local authorities in E23000016", () => {
    const names = [...reference.localAuthorities.byCode.values()]
      .filter((lad) => lad.pfa23Code === WEST_MERCIA_PFA)
      .map((lad) => lad.name)
      .sort();
    expect(names).toEqual([
      "Bromsgrove",
      "Herefordshire, County of",
      "Malvern Hills",
      "Redditch",
      "Shropshire",
      "Telford and Wrekin",
      "Worcester",
      "Wychavon",
      "Wyre Forest",
    ]);
  });
});

describe("populations", () => {
  it("sum to the published West Mercia totals for mid-2023 and mid-2022", () => {
    const { localAuthorities, populations } = reference;
    expect(policeForceAreaPopulation(WEST_MERCIA_PFA, 2023, localAuthorities, populations)).toBe(1_325_250);
    expect(policeForceAreaPopulation(WEST_MERCIA_PFA, 2022, localAuthorities, populations)).toBe(1_314_498);
  });

  it("cover every LAD in the lookup for every year 2011-2023", () => {
    const years = new Set(reference.populations.map((row) => row.year));
    expect([...years].sort()).toEqual(Array.from({ length: 13 }, (_, i) => 2011 + i));
    expect(reference.populations).toHaveLength(318 * 13);
    const populated = new Set(reference.populations.map((row) => row.lad23Code));
    for (const code of reference.localAuthorities.byCode.keys()) expect(populated).toContain(code);
  });

  it("refuse to sum a force area when a LAD has no figure for the year", () => {
    const { localAuthorities, populations } = reference;
    expect(() => policeForceAreaPopulation(WEST_MERCIA_PFA, 2010, localAuthorities, populations)).toThrow(
      /no mid-2010 population for E06000019/,
    );
  });
});

describe("local policing areas", () => {
  it("divide West Mercia's nine local authorities into its five LPAs, each LAD once", () => {
    const areas = reference.localPolicingAreas.filter((area) => area.forceId === "west-mercia");
    const nameOf = (code: string) => reference.localAuthorities.byCode.get(code)?.name;
    expect(areas.map((area) => [area.name, area.lad23Codes.map(nameOf)])).toEqual([
      ["Herefordshire", ["Herefordshire, County of"]],
      ["Shropshire", ["Shropshire"]],
      ["Telford & Wrekin", ["Telford and Wrekin"]],
      ["North Worcestershire", ["Bromsgrove", "Redditch", "Wyre Forest"]],
      ["South Worcestershire", ["Malvern Hills", "Worcester", "Wychavon"]],
    ]);
    const codes = areas.flatMap((area) => area.lad23Codes);
    expect(new Set(codes).size).toBe(9);
    for (const code of codes)
      expect(reference.localAuthorities.byCode.get(code)?.pfa23Code).toBe(WEST_MERCIA_PFA);
  });

  it("groups rows by area", () => {
    const csv = "force_id,lpa_name,lad23_code,lad23_name\nf,A,E1,One\nf,B,E2,Two\nf,A,E3,Three\n";
    expect(parseLocalPolicingAreasCsv(csv)).toEqual([
      { forceId: "f", name: "A", lad23Codes: ["E1", "E3"] },
      { forceId: "f", name: "B", lad23Codes: ["E2"] },
    ]);
  });
});

describe("lsoaToLocalAuthority", () => {
  it.each([
    ["Wyre Forest 003B", "E07000239"],
    ["Herefordshire, County of 001A", "E06000019"],
    ["Herefordshire 001A", "E06000019"], // 2021 LSOA name, as in the 2025 West Mercia files
    ["Bournemouth, Christchurch and Poole 004A", "E06000058"],
    ["Birmingham 128B", "E08000025"], // outside West Mercia, but a real local authority
  ])("resolves %s", (lsoaName, code) => {
    expect(lsoaToLocalAuthority(lsoaName, reference.localAuthorities).localAuthority?.code).toBe(code);
  });

  it("returns null and a reason for a district abolished before the lookup", () => {
    const result = lsoaToLocalAuthority("Aylesbury Vale 001A", reference.localAuthorities);
    expect(result.localAuthority).toBeNull();
    expect(result.reason).toMatch(/"Aylesbury Vale" .* not a local authority in the December 2023 lookup/);
  });

  it("returns null and a reason for something that is not an LSOA name", () => {
    const result = lsoaToLocalAuthority("Wyre Forest", reference.localAuthorities);
    expect(result.localAuthority).toBeNull();
    expect(result.reason).toMatch(/not an LSOA name/);
  });
});
