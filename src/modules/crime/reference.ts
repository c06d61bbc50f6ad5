/**
 * Reference data shipped in `data/reference/` (see its README for sources and licences): the
 * data.police.uk forces, the ONS local authority -> community safety partnership -> police force
 * area lookup, mid-year populations and local policing areas. Parsing is pure (text in, values
 * out); only `loadReferenceData` touches the file system.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { fromRoot } from "../../lib/paths.js";

export const REFERENCE_FILES = {
  forces: "forces.csv",
  ladCspPfaLookup: "lad-csp-pfa-lookup-2023-12.csv",
  ladPopulations: "lad-population-2011-2023.csv",
  localPolicingAreas: "local-policing-areas.csv",
} as const;

export interface Force {
  /** data.police.uk slug, e.g. `west-mercia`. */
  id: string;
  /** As data.police.uk's API and the CSVs' "Falls within" column give it, e.g. "West Mercia Police". */
  name: string;
  /** ONS police force area; null for forces without one (British Transport Police). */
  pfa23Code: string | null;
  pfa23Name: string | null;
}

export interface LadCspPfaRow {
  lad23Code: string;
  lad23Name: string;
  csp23Code: string;
  csp23Name: string;
  pfa23Code: string;
  pfa23Name: string;
}

export interface LocalAuthority {
  code: string;
  name: string;
  pfa23Code: string;
  pfa23Name: string;
}

export interface LocalAuthorityIndex {
  byCode: ReadonlyMap<string, LocalAuthority>;
  /** By ONS name and, for "Herefordshire, County of" and the like, also by the short name. */
  byName: ReadonlyMap<string, LocalAuthority>;
}

export interface LadPopulation {
  lad23Code: string;
  lad23Name: string;
  /** Mid-year (30 June) of the estimate. */
  year: number;
  population: number;
}

export interface LocalPolicingArea {
  forceId: string;
  name: string;
  lad23Codes: readonly string[];
}

export interface ReferenceData {
  forces: ReadonlyMap<string, Force>;
  localAuthorities: LocalAuthorityIndex;
  populations: readonly LadPopulation[];
  localPolicingAreas: readonly LocalPolicingArea[];
}

const nonEmpty = z.string().min(1);
const optionalText = z.string().transform((value) => (value === "" ? null : value));
const wholeNumber = z.string().regex(/^\d+$/).transform(Number);

const forceRowSchema = z.object({
  id: z.string().regex(/^[a-z][a-z-]*[a-z]$/),
  name: nonEmpty,
  pfa23_code: optionalText,
  pfa23_name: optionalText,
});

const lookupRowSchema = z.object({
  LAD23CD: nonEmpty,
  LAD23NM: nonEmpty,
  CSP23CD: nonEmpty,
  CSP23NM: nonEmpty,
  PFA23CD: nonEmpty,
  PFA23NM: nonEmpty,
});

const populationRowSchema = z.object({
  lad23_code: nonEmpty,
  lad23_name: nonEmpty,
  year: wholeNumber,
  population: wholeNumber,
});

const localPolicingAreaRowSchema = z.object({
  force_id: nonEmpty,
  lpa_name: nonEmpty,
  lad23_code: nonEmpty,
  lad23_name: nonEmpty,
});

function parseCsvRows<T>(text: string, source: string, schema: z.ZodType<T>): T[] {
  const records: unknown[] = parse(text, { bom: true, columns: true, skip_empty_lines: true });
  return records.map((record, index) => {
    const result = schema.safeParse(record);
    if (!result.success) {
      // index 0 is the first data row, on line 2 (after the header)
      throw new Error(`${source} line ${index + 2}: ${z.prettifyError(result.error)}`);
    }
    return result.data;
  });
}

export function parseForcesCsv(text: string): Force[] {
  return parseCsvRows(text, REFERENCE_FILES.forces, forceRowSchema).map((row) => ({
    id: row.id,
    name: row.name,
    pfa23Code: row.pfa23_code,
    pfa23Name: row.pfa23_name,
  }));
}

export function parseLadCspPfaLookupCsv(text: string): LadCspPfaRow[] {
  return parseCsvRows(text, REFERENCE_FILES.ladCspPfaLookup, lookupRowSchema).map((row) => ({
    lad23Code: row.LAD23CD,
    lad23Name: row.LAD23NM,
    csp23Code: row.CSP23CD,
    csp23Name: row.CSP23NM,
    pfa23Code: row.PFA23CD,
    pfa23Name: row.PFA23NM,
  }));
}

// 2011 LSOA names keep ONS's "Herefordshire, County of 001A"; the 2021 names that data.police.uk
// uses from 2022 or so drop the suffix ("Herefordshire 001A", "Bristol 001A").
const CITY_OR_COUNTY_SUFFIX = /, (?:City|County) of$/;

/**
 * One entry per local authority. The lookup repeats a LAD once per community safety partnership
 * it contains (e.g. Buckinghamshire has four), so rows are collapsed; a LAD split between two
 * police force areas would make population sums ambiguous and is refused.
 */
export function indexLocalAuthorities(rows: readonly LadCspPfaRow[]): LocalAuthorityIndex {
  const byCode = new Map<string, LocalAuthority>();
  const byName = new Map<string, LocalAuthority>();
  for (const row of rows) {
    const known = byCode.get(row.lad23Code);
    if (known !== undefined) {
      if (known.pfa23Code !== row.pfa23Code) {
        throw new Error(
          `${row.lad23Code} ${row.lad23Name} is in two police force areas (${known.pfa23Code}, ${row.pfa23Code})`,
        );
      }
      continue;
    }
    const localAuthority: LocalAuthority = {
      code: row.lad23Code,
      name: row.lad23Name,
      pfa23Code: row.pfa23Code,
      pfa23Name: row.pfa23Name,
    };
    byCode.set(localAuthority.code, localAuthority);
    byName.set(localAuthority.name, localAuthority);
    byName.set(localAuthority.name.replace(CITY_OR_COUNTY_SUFFIX, ""), localAuthority);
  }
  return { byCode, byName };
}

export function parseLadPopulationsCsv(text: string): LadPopulation[] {
  return parseCsvRows(text, REFERENCE_FILES.ladPopulations, populationRowSchema).map((row) => ({
    lad23Code: row.lad23_code,
    lad23Name: row.lad23_name,
    year: row.year,
    population: row.population,
  }));
}

/** The CSV has one row per (area, local authority); areas are returned with their LADs grouped. */
export function parseLocalPolicingAreasCsv(text: string): LocalPolicingArea[] {
  const areas = new Map<string, { forceId: string; name: string; lad23Codes: string[] }>();
  for (const row of parseCsvRows(text, REFERENCE_FILES.localPolicingAreas, localPolicingAreaRowSchema)) {
    const key = `${row.force_id}\u0000${row.lpa_name}`;
    const area = areas.get(key) ?? { forceId: row.force_id, name: row.lpa_name, lad23Codes: [] };
    area.lad23Codes.push(row.lad23_code);
    areas.set(key, area);
  }
  return [...areas.values()];
}

/** Mid-year population of a police force area: the sum over its local authorities. */
export function policeForceAreaPopulation(
  pfa23Code: string,
  year: number,
  localAuthorities: LocalAuthorityIndex,
  populations: readonly LadPopulation[],
): number {
  const ladCodes = new Set(
    [...localAuthorities.byCode.values()].filter((lad) => lad.pfa23Code === pfa23Code).map((lad) => lad.code),
  );
  if (ladCodes.size === 0) throw new Error(`no local authorities in police force area ${pfa23Code}`);
  let total = 0;
  for (const row of populations) {
    if (row.year === year && ladCodes.delete(row.lad23Code)) total += row.population;
  }
  if (ladCodes.size > 0) {
    throw new Error(`no mid-${year} population for ${[...ladCodes].join(", ")} (in ${pfa23Code})`);
  }
  return total;
}

/**
 * Compares force names loosely enough that "Avon & Somerset Constabulary" matches "Avon and
 * Somerset Constabulary" and "Dyfed Powys Police" matches "Dyfed-Powys Police" (both spellings
 * occur across data.police.uk's API, CSVs and third-party copies), but no looser.
 */
export function normaliseForceName(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[-\s]+/g, " ")
    .trim();
}

export type LsoaResolution =
  { localAuthority: LocalAuthority; reason?: never } | { localAuthority: null; reason: string };

// LSOA names are "<local authority name> <3-digit number><letter>", e.g. "Wyre Forest 003B".
const LSOA_NAME_PATTERN = /^(.+) \d{3}[A-Z]$/;

/**
 * The local authority an LSOA lies in, taken from the LSOA's name ("Wyre Forest 003B",
 * "Herefordshire, County of 001A", "Herefordshire 001A") and checked against the Dec 2023 lookup.
 * Names from before a boundary change (e.g. "Aylesbury Vale 001A", now Buckinghamshire)
 * resolve to null with a reason rather than being guessed.
 */
export function lsoaToLocalAuthority(
  lsoaName: string,
  localAuthorities: LocalAuthorityIndex,
): LsoaResolution {
  const match = LSOA_NAME_PATTERN.exec(lsoaName);
  const ladName = match?.[1];
  if (ladName === undefined) {
    return { localAuthority: null, reason: `"${lsoaName}" is not an LSOA name ("<local authority> 001A")` };
  }
  const localAuthority = localAuthorities.byName.get(ladName);
  if (localAuthority === undefined) {
    return {
      localAuthority: null,
      reason: `"${ladName}" (from LSOA "${lsoaName}") is not a local authority in the December 2023 lookup; the LSOA may predate a boundary change`,
    };
  }
  return { localAuthority };
}

/**
 * The repository root: the nearest folder above this module holding package.json. Walking up
 * works both from `src/modules/crime` (tsx, vitest) and from the compiled `dist/src/modules/crime`.
 */
export function referenceDirectory(): string {
  return fromRoot("data", "reference");
}

export async function loadReferenceData(directory = referenceDirectory()): Promise<ReferenceData> {
  const read = (name: string) => readFile(join(directory, name), "utf8");
  const [forces, lookup, populations, localPolicingAreas] = await Promise.all([
    read(REFERENCE_FILES.forces),
    read(REFERENCE_FILES.ladCspPfaLookup),
    read(REFERENCE_FILES.ladPopulations),
    read(REFERENCE_FILES.localPolicingAreas),
  ]);
  return {
    forces: new Map(parseForcesCsv(forces).map((force) => [force.id, force])),
    localAuthorities: indexLocalAuthorities(parseLadCspPfaLookupCsv(lookup)),
    populations: parseLadPopulationsCsv(populations),
    localPolicingAreas: parseLocalPolicingAreasCsv(localPolicingAreas),
  };
}
