/**
 * The areas a measure's values are given for: a force (`west-mercia`), a local authority by its ONS
 * code (`E06000019`) or a local policing area as `<force>/<lpa>` (`west-mercia/north-worcestershire`),
 * all taken from the reference data in `data/reference/`.
 */
import { loadReferenceData, type ReferenceData } from "../crime/reference.js";
import type { AreaType } from "./measures.schema.js";

export interface Area {
  type: AreaType;
  code: string;
  name: string;
}

export interface AreaDirectory {
  /** By the text a force return writes in its `area` column. */
  find(text: string): Area | undefined;
  get(type: AreaType, code: string): Area | undefined;
  /** Every area, forces first, for choosing one in a form. */
  all: readonly Area[];
  /**
   * ONS mid-year population of the area, summed over its local authorities: for `year`, or the latest
   * estimate before it when that year's is not yet published. Null for an area without one (BTP).
   */
  population(area: Area, year: number): { population: number; year: number } | null;
  /** The force whose area contains it. */
  forceIdOf(area: Area): string | null;
  /** ONS codes of the local authorities making up the area. */
  localAuthorityCodes(area: Area): readonly string[];
}

export function buildAreaDirectory(reference: ReferenceData): AreaDirectory {
  const areas: Area[] = [];
  const ladCodesOf = new Map<string, readonly string[]>();
  const forceOf = new Map<string, string>();
  const authorities = [...reference.localAuthorities.byCode.values()];
  for (const force of reference.forces.values()) {
    areas.push({ type: "force", code: force.id, name: force.name });
    const lads = authorities.filter((lad) => force.pfa23Code !== null && lad.pfa23Code === force.pfa23Code);
    ladCodesOf.set(
      `force:${force.id}`,
      lads.map((lad) => lad.code),
    );
    forceOf.set(`force:${force.id}`, force.id);
    for (const lad of lads) forceOf.set(`local_authority:${lad.code}`, force.id);
  }
  for (const lpa of reference.localPolicingAreas) {
    const force = reference.forces.get(lpa.forceId);
    const area: Area = {
      type: "lpa",
      code: `${lpa.forceId}/${slug(lpa.name)}`,
      name: `${lpa.name} (${force?.name ?? lpa.forceId} local policing area)`,
    };
    areas.push(area);
    ladCodesOf.set(`lpa:${area.code}`, lpa.lad23Codes);
    forceOf.set(`lpa:${area.code}`, lpa.forceId);
  }
  for (const authority of authorities) {
    areas.push({ type: "local_authority", code: authority.code, name: authority.name });
    ladCodesOf.set(`local_authority:${authority.code}`, [authority.code]);
  }
  const populationByLadYear = new Map(
    reference.populations.map((row) => [`${row.lad23Code}:${row.year}`, row.population]),
  );
  const latestYear = Math.max(...reference.populations.map((row) => row.year));
  const populationOf = (area: Area, year: number) => {
    const ladCodes = ladCodesOf.get(`${area.type}:${area.code}`) ?? [];
    const usedYear = Math.min(year, latestYear);
    if (ladCodes.length === 0) return null;
    let population = 0;
    for (const code of ladCodes) {
      const count = populationByLadYear.get(`${code}:${usedYear}`);
      if (count === undefined) return null;
      population += count;
    }
    return { population, year: usedYear };
  };
  // Rates ask for the same few area-years for every month of every series.
  const populations = new Map<string, { population: number; year: number } | null>();
  const byCode = new Map(areas.map((area) => [area.code.toLowerCase(), area]));
  const byTypeAndCode = new Map(areas.map((area) => [`${area.type}:${area.code}`, area]));
  return {
    find: (text) => byCode.get(text.trim().toLowerCase()),
    get: (type, code) => byTypeAndCode.get(`${type}:${code}`),
    all: areas,
    forceIdOf: (area) => forceOf.get(`${area.type}:${area.code}`) ?? null,
    localAuthorityCodes: (area) => ladCodesOf.get(`${area.type}:${area.code}`) ?? [],
    population(area, year) {
      const key = `${area.type}:${area.code}:${year}`;
      if (!populations.has(key)) populations.set(key, populationOf(area, year));
      return populations.get(key) ?? null;
    },
  };
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, "and")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

let shared: Promise<AreaDirectory> | undefined;

/** The reference files are read once per process. */
export function areaDirectory(): Promise<AreaDirectory> {
  shared ??= loadReferenceData().then(buildAreaDirectory);
  return shared;
}
