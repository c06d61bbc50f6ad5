import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { rootDir } from "../../lib/paths.js";
import { systemActor } from "../audit/actor.js";
import { ingestPath } from "../crime/ingest.service.js";
import { ingestFile, policeFixtures } from "../crime/test-support.js";
import { loadReferenceData } from "../crime/reference.js";
import { areaDirectory, type Area, type AreaDirectory } from "../measures/areas.js";
import { loadMeasuresDemo } from "../measures/measures.demo.js";
import { findMeasure } from "../measures/measures.repository.js";
import { policeUkQuerySchema } from "../measures/measures.schema.js";
import { importForceReturn, measurePoints, measureSeries } from "../measures/measures.service.js";
import type { MeasureRow } from "../measures/measures.tables.js";
import type { SeriesPoint } from "../measures/series.js";
import { explorePerformance } from "./performance.service.js";

const database = useTestDatabase();
const kysely = () => database.current().db.kysely;
let areas: AreaDirectory;

// Real data.police.uk files: three months of West Mercia, whose nine local authorities make its five
// LPAs, and a month of Thames Valley's stop and searches (published for forces, not smaller areas).
const months = ["2025-01", "2025-02", "2025-03"];
const searchFile = join(policeFixtures, "original", "2022-01-thames-valley-stop-and-search.csv");

beforeAll(async () => {
  const db = database.current().db;
  areas = await areaDirectory();
  await loadMeasuresDemo(db);
  // The SAMPLE returns give road casualties by LPA only: one local authority's figure in the explorer's
  // last 12 months (April 2025 to March 2026) and one before them, so one authority has figures to show.
  await importForceReturn(db.kysely, systemActor, {
    name: "herefordshire.csv",
    text:
      "measure_id,period,area,value,numerator,denominator,note\n" +
      "roads.killed-or-seriously-injured,2026-01,E06000019,4,,,Test figure\n" +
      "roads.killed-or-seriously-injured,2024-06,E06000019,7,,,Test figure\n",
  });
  const reference = await loadReferenceData();
  for (const month of months) {
    const archive = join(rootDir, "data", "demo", "police-uk", `${month}.zip`);
    for await (const result of ingestPath(db, archive, {
      reference,
      actor: systemActor,
      forceIds: ["west-mercia"],
    })) {
      expect(result.status).toBe("loaded");
    }
  }
  expect((await ingestFile(db, reference, searchFile)).status).toBe("loaded");
}, 240_000);

async function measureOf(id: string): Promise<MeasureRow> {
  const measure = await findMeasure(kysely(), id);
  if (!measure) throw new Error(`no measure ${id}`);
  return measure;
}

/** A point's figures, without the SPC a whole series adds to them. */
const figuresOf = ({ period, periodStart, periodEnd, value, numerator, denominator, note }: SeriesPoint) => ({
  period,
  periodStart,
  periodEnd,
  value,
  numerator,
  denominator,
  note,
});

/** Each area's series, as the explorer drew a breakdown before issue 7: kept if it has points, by name. */
async function breakdownFromSeries(measure: MeasureRow, parts: Area[], range: { from: string; to: string }) {
  const series = await Promise.all(
    parts.map((area) => measureSeries(kysely(), measure, { area: area.code, ...range })),
  );
  return series
    .filter((s) => s.unavailable === null && s.points.length > 0)
    .sort((a, b) => a.area.name.localeCompare(b.area.name))
    .map((s) => ({ area: s.area.code, points: s.points.map(figuresOf) }));
}

const lpasOf = (force: Area) =>
  areas.all.filter((area) => area.type === "lpa" && areas.forceIdOf(area) === force.code);
const authoritiesOf = (area: Area) =>
  areas.localAuthorityCodes(area).map((code) => areas.get("local_authority", code)!);

describe("the explorer's breakdowns by area", () => {
  const cases: [measureId: string, area: string, period?: string][] = [
    ["crimes.all", "west-mercia"],
    ["crimes.possession-of-weapons", "west-mercia"],
    ["outcomes.all-crime.charge-summons", "west-mercia", "2025-02"],
    ["crimes.burglary", "west-mercia/north-worcestershire"],
    ["searches.all", "thames-valley"],
    ["roads.killed-or-seriously-injured", "west-mercia"],
  ];

  it.each(cases)("give %s in %s what each area's own series gives", async (measureId, areaCode, period) => {
    const measure = await measureOf(measureId);
    const explorer = await explorePerformance(
      kysely(),
      { measure: measureId, area: areaCode, period },
      { publishedOnly: false },
    );
    if (!explorer) throw new Error("no explorer");
    const shown = explorer.series.points.slice(-12);
    const range = { from: shown[0]!.periodStart, to: shown[shown.length - 1]!.periodStart };
    const area = areas.find(areaCode)!;
    const within =
      area.type === "force"
        ? [
            { areaKind: "local policing area", parts: lpasOf(area) },
            { areaKind: "local authority", parts: authoritiesOf(area) },
          ]
        : [{ areaKind: "local authority", parts: authoritiesOf(area) }];
    const expected = await Promise.all(
      within.map(async ({ areaKind, parts }) => ({
        areaKind,
        areas: await breakdownFromSeries(measure, parts, range),
      })),
    );
    expect(
      explorer.breakdowns.map((breakdown) => ({
        areaKind: breakdown.areaKind,
        areas: breakdown.areas.map((part) => ({ area: part.area.code, points: part.points.map(figuresOf) })),
      })),
    ).toEqual(expected);
  });

  const explore = async (measure: string, area = "west-mercia") =>
    (await explorePerformance(
      kysely(),
      { measure, area, period: undefined },
      { publishedOnly: false },
    ))!.breakdowns.map((breakdown) =>
      breakdown.areas.map((part) => [part.area.code, part.points.map((p) => [p.period, p.value])]),
    );

  /** An area's crimes of the measure's types in a month, counted from the street rows themselves, not the rollups. */
  async function streetRowCounter(measureId: string) {
    const query = policeUkQuerySchema.parse(JSON.parse((await measureOf(measureId)).query_json!));
    const rows = await kysely()
      .selectFrom("crime_street_crimes as s")
      .innerJoin("crime_lsoas as l", "l.code", "s.lsoa_code")
      .innerJoin("crime_types as t", "t.id", "s.crime_type_id")
      .where("s.force_id", "=", "west-mercia")
      .where("t.label", "in", "crimeTypes" in query ? query.crimeTypes : [])
      .select((eb) => ["s.month", "l.local_authority_code", eb.fn.countAll<string | number>().as("n")])
      .groupBy(["s.month", "l.local_authority_code"])
      .execute();
    return (area: Area, month: string) =>
      rows
        .filter(
          (row) => row.month === month && areas.localAuthorityCodes(area).includes(row.local_authority_code!),
        )
        .reduce((sum, row) => sum + Number(row.n), 0);
  }

  it("count each area's crimes as the street rows placed in its local authorities add up", async () => {
    const westMercia = areas.get("force", "west-mercia")!;
    const byName = (parts: Area[]) => [...parts].sort((a, b) => a.name.localeCompare(b.name));
    for (const id of ["crimes.all", "crimes.bicycle-theft"]) {
      const counted = await streetRowCounter(id);
      expect(await explore(id), id).toEqual(
        [lpasOf(westMercia), authoritiesOf(westMercia)].map((parts) =>
          byName(parts).map((area) => [area.code, months.map((month) => [month, counted(area, month)])]),
        ),
      );
    }
    // So an authority with no crimes of the type in a loaded month is shown with 0, not left out.
    const bicycleThefts = await streetRowCounter("crimes.bicycle-theft");
    expect(
      authoritiesOf(westMercia).some((area) => months.some((month) => bicycleThefts(area, month) === 0)),
    ).toBe(true);
  });

  it("leave out the areas with no figures, or none the measure can have", async () => {
    // Stop and search is published for forces only; the road casualty returns give LPAs and one authority.
    expect(await explore("searches.all", "thames-valley")).toEqual([[], []]);
    const casualties = await explore("roads.killed-or-seriously-injured");
    expect(casualties[0]).toHaveLength(5);
    expect(casualties[1]).toEqual([["E06000019", [["2026-01", 4]]]]);
  });
});

describe("measurePoints", () => {
  it("sums an LPA from its local authorities, numerators and bases alike", async () => {
    const lpa = areas.get("lpa", "west-mercia/north-worcestershire")!;
    const authorities = authoritiesOf(lpa);
    expect(authorities.map((area) => area.name)).toEqual(["Bromsgrove", "Redditch", "Wyre Forest"]);
    const measure = await measureOf("outcomes.all-crime.charge-summons");
    const points = await measurePoints(kysely(), measure, [lpa, ...authorities], {});
    const sum = (month: string, pick: (point: SeriesPoint) => number | null) =>
      authorities.reduce((total, area) => {
        const point = points.get(area.code)!.find((p) => p.period === month)!;
        return total + pick(point)!;
      }, 0);
    expect(points.get(lpa.code)!.map((p) => [p.period, p.numerator, p.denominator, p.value])).toEqual(
      months.map((month) => {
        const hits = sum(month, (p) => p.numerator);
        const crimes = sum(month, (p) => p.denominator);
        return [month, hits, crimes, (hits / crimes) * 100];
      }),
    );
    expect(sum("2025-01", (p) => p.denominator)).toBeGreaterThan(0);
  });

  it("gives each area, wherever it is, what its own series gives, and none to an area without data", async () => {
    const norfolk = areas.get("force", "norfolk")!;
    const westMercia = areas.get("force", "west-mercia")!;
    const wanted = [
      westMercia,
      ...lpasOf(westMercia),
      ...authoritiesOf(westMercia),
      norfolk,
      ...authoritiesOf(norfolk).slice(0, 2),
    ];
    for (const id of ["crimes.bicycle-theft", "outcomes.all-crime.charge-summons", "searches.all"]) {
      const measure = await measureOf(id);
      const points = await measurePoints(kysely(), measure, wanted, { from: "2025-02-01" });
      for (const area of wanted) {
        const series = await measureSeries(kysely(), measure, { area: area.code, from: "2025-02-01" });
        expect(points.get(area.code)!.map(figuresOf), `${id} in ${area.name}`).toEqual(
          series.points.map(figuresOf),
        );
      }
      expect(points.get(norfolk.code)).toEqual([]);
      expect(points.get(authoritiesOf(norfolk)[0]!.code)).toEqual([]);
    }
  });
});
