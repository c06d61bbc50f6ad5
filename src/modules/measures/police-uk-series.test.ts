import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { groupOfPoliceUkLabel } from "../../stats/outcomes.js";
import { loadReferenceData, policeForceAreaPopulation } from "../crime/reference.js";
import { ingestFile, policeFixtures, writeTemporaryCsv } from "../crime/test-support.js";
import { builtInMeasures } from "./catalogue.js";
import { findMeasure } from "./measures.repository.js";
import { areaDirectory, type Area } from "./areas.js";
import { policeUkSeries } from "./police-uk-series.js";
import { ensureMeasureCatalogue, measurePoints, measureSeries } from "./measures.service.js";

// Real data.police.uk files (Open Government Licence v3.0), see test/fixtures/police-uk/README.md.
const streetFiles = [
  "2025-01-west-mercia-street.csv",
  "2025-05-west-mercia-street.csv",
  "2025-02-devon-and-cornwall-street.csv",
];
const searchFile = "2022-01-thames-valley-stop-and-search.csv";

type CsvRow = Record<string, string>;
const readCsv = (name: string): CsvRow[] =>
  parse<CsvRow>(readFileSync(join(policeFixtures, "original", name), "utf8"), { bom: true, columns: true });
const streetRows = (force: string) =>
  streetFiles.filter((f) => f.includes(force)).flatMap((file) => readCsv(file));

const database = useTestDatabase();
const kysely = () => database.current().db.kysely;

beforeAll(async () => {
  const reference = await loadReferenceData();
  for (const file of [...streetFiles, searchFile]) {
    const result = await ingestFile(database.current().db, reference, join(policeFixtures, "original", file));
    expect(result.status).toBe("loaded");
  }
  await ensureMeasureCatalogue(kysely());
});

async function seriesOf(measureId: string, area: string) {
  const measure = await findMeasure(kysely(), measureId);
  if (!measure) throw new Error(`no measure ${measureId}`);
  return measureSeries(kysely(), measure, { area });
}

/** Month → value, from the series. */
const byMonth = (points: { period: string; value: number }[]) =>
  Object.fromEntries(points.map((p) => [p.period, p.value]));

/** Month → count of rows matching, over the months the force's files cover. */
function countFromCsv(rows: CsvRow[], months: string[], matches: (row: CsvRow) => boolean) {
  return Object.fromEntries(
    months.map((month) => [month, rows.filter((r) => r.Month === month && matches(r)).length]),
  );
}

describe("data.police.uk measures, from the aggregates", () => {
  const crimeMeasures = builtInMeasures().filter((m) => m.query?.kind === "crimes");

  it("count, for every crime measure and force, what the CSVs hold", async () => {
    expect(crimeMeasures.length).toBe(17);
    for (const [force, months] of [
      ["west-mercia", ["2025-01", "2025-05"]],
      ["devon-and-cornwall", ["2025-02"]],
    ] as const) {
      const rows = streetRows(force);
      for (const measure of crimeMeasures) {
        const types = measure.query?.kind === "crimes" ? measure.query.crimeTypes : [];
        const series = await seriesOf(measure.id, force);
        expect(byMonth(series.points), `${measure.id} in ${force}`).toEqual(
          countFromCsv(rows, [...months], (row) => types.includes(row["Crime type"]!)),
        );
      }
    }
  });

  it("count a local authority's and an LPA's crimes from the LSOAs in the CSVs", async () => {
    const rows = streetRows("west-mercia");
    const inHerefordshire = (row: CsvRow) =>
      /^Herefordshire/.test(row["LSOA name"] ?? "") && row["Crime type"] !== "Anti-social behaviour";
    const expected = countFromCsv(rows, ["2025-01", "2025-05"], inHerefordshire);
    expect(byMonth((await seriesOf("crimes.all", "E06000019")).points)).toEqual(expected);
    expect(byMonth((await seriesOf("crimes.all", "west-mercia/herefordshire")).points)).toEqual(expected);
    const inBromsgrove = (row: CsvRow) =>
      /^(Bromsgrove|Redditch|Wyre Forest)/.test(row["LSOA name"] ?? "") &&
      row["Crime type"] !== "Anti-social behaviour";
    expect(byMonth((await seriesOf("crimes.all", "west-mercia/north-worcestershire")).points)).toEqual(
      countFromCsv(rows, ["2025-01", "2025-05"], inBromsgrove),
    );
  });

  it("give an area made of no local authority a zero for each month loaded, beside its force's other areas", async () => {
    const directory = await areaDirectory();
    const [empty, other] = ["west-mercia/herefordshire", "west-mercia/north-worcestershire"].map((code) =>
      directory.find(code)!,
    );
    const withoutAuthorities = {
      ...directory,
      localAuthorityCodes: (area: Area) => (area === empty ? [] : directory.localAuthorityCodes(area)),
    };
    const query = builtInMeasures().find((m) => m.id === "crimes.all")!.query!;
    const series = await policeUkSeries(kysely(), query, [empty!, other!], withoutAuthorities, {});
    expect(byMonth(series.get(empty!.code)!)).toEqual({ "2025-01": 0, "2025-05": 0 });
    expect(byMonth(series.get(other!.code)!)).toEqual(
      byMonth((await seriesOf("crimes.all", "west-mercia/north-worcestershire")).points),
    );
  });

  it("give outcome shares with the counts they are made from", async () => {
    const rows = streetRows("west-mercia").filter(
      (r) => r["Crime type"] !== "Anti-social behaviour" && r.Month === "2025-01",
    );
    for (const group of ["pending", "no_suspect_identified", "charge_summons"] as const) {
      const series = await seriesOf(`outcomes.all-crime.${group.replace(/_/g, "-")}`, "west-mercia");
      const numerator = rows.filter(
        (r) => groupOfPoliceUkLabel(r["Last outcome category"] ?? "") === group,
      ).length;
      expect(series.points[0]).toMatchObject({
        period: "2025-01",
        numerator,
        denominator: rows.length,
        value: (numerator / rows.length) * 100,
      });
    }
  });

  it("count stop and searches, by outcome and officer-defined ethnicity, for forces only", async () => {
    const rows = readCsv(searchFile);
    expect(byMonth((await seriesOf("searches.all", "thames-valley")).points)).toEqual({
      "2022-01": rows.length,
    });
    expect(byMonth((await seriesOf("searches.ethnicity.asian", "thames-valley")).points)).toEqual({
      "2022-01": rows.filter((r) => r["Officer-defined ethnicity"] === "Asian").length,
    });
    const arrests = await seriesOf("searches.outcome.arrest", "thames-valley");
    expect(arrests.points[0]).toMatchObject({
      numerator: rows.filter((r) => r.Outcome === "Arrest").length,
      denominator: rows.length,
    });
    const lpa = await seriesOf("searches.all", "west-mercia/shropshire");
    expect(lpa.points).toEqual([]);
    expect(lpa.unavailable).toBe("Stop and search data is published for forces only.");
  });

  it("compare forces as rates per 1,000 mid-year population, for a month both have", async () => {
    const alone = await seriesOf("crimes.all", "west-mercia");
    expect(alone.msg).toEqual({ comparison: null, reason: "No other force has a value for 2025-05." });

    // Devon and Cornwall's February rows, relabelled as January, give a second force for January.
    const reference = await loadReferenceData();
    const text = readFileSync(
      join(policeFixtures, "original", "2025-02-devon-and-cornwall-street.csv"),
      "utf8",
    );
    const january = await writeTemporaryCsv(
      "2025-01-devon-and-cornwall-street.csv",
      text.replace(/,2025-02,/g, ",2025-01,"),
    );
    expect((await ingestFile(database.current().db, reference, january)).status).toBe("loaded");

    const measure = await findMeasure(kysely(), "crimes.all");
    const series = await measureSeries(kysely(), measure!, { area: "west-mercia", to: "2025-01-01" });
    if (series.msg.comparison === null) throw new Error(series.msg.reason);
    const population = (pfa: string) =>
      policeForceAreaPopulation(pfa, 2023, reference.localAuthorities, reference.populations);
    const recorded = (rows: CsvRow[]) =>
      rows.filter((r) => r["Crime type"] !== "Anti-social behaviour").length;
    expect(series.msg.comparison.forces.map((f) => [f.forceId, f.numerator, f.denominator]).sort()).toEqual([
      [
        "devon-and-cornwall",
        recorded(streetRows("devon-and-cornwall")),
        population(reference.forces.get("devon-and-cornwall")!.pfa23Code!),
      ],
      [
        "west-mercia",
        recorded(streetRows("west-mercia").filter((r) => r.Month === "2025-01")),
        population(reference.forces.get("west-mercia")!.pfa23Code!),
      ],
    ]);
    expect(series.msg.comparison.focus?.forceId).toBe("west-mercia");

    // The peers come in the force's read, for its latest loaded month in range only.
    const westMercia = (await areaDirectory()).get("force", "west-mercia")!;
    const monthsByArea = async (to: string) =>
      Object.fromEntries(
        [...(await measurePoints(kysely(), measure!, [westMercia], { to }, "west-mercia"))].map(
          ([code, points]) => [code, points.map((p) => p.period)],
        ),
      );
    expect(await monthsByArea("2025-01-01")).toEqual({
      "west-mercia": ["2025-01"],
      "devon-and-cornwall": ["2025-01"],
    });
    expect(await monthsByArea("2025-05-01")).toEqual({ "west-mercia": ["2025-01", "2025-05"] });
  });
});
