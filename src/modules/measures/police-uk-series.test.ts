import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { groupOfPoliceUkLabel } from "../../stats/outcomes.js";
import { loadReferenceData, policeForceAreaPopulation } from "../crime/reference.js";
import { msgPeerIds } from "../crime/msg-groups.service.js";
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

  it("give a positive outcome rate over the outcomes chosen, never counting those under investigation", async () => {
    const rows = streetRows("west-mercia").filter(
      (r) => r["Crime type"] !== "Anti-social behaviour" && r.Month === "2025-01",
    );
    const positive = ["charge_summons", "out_of_court_disposal", "taken_into_consideration"];
    const series = await seriesOf("outcomes.all-crime.positive", "west-mercia");
    const numerator = rows.filter((r) =>
      positive.includes(groupOfPoliceUkLabel(r["Last outcome category"] ?? "")),
    ).length;
    expect(series.points[0]).toMatchObject({ period: "2025-01", numerator, denominator: rows.length });
    expect(series.measure.definition).toMatch(
      /^Positive outcome rate: crimes whose latest outcome is charge\/summons, out-of-court disposal or taken into consideration, as a share/,
    );
    // The fixture has crimes awaiting an outcome: they are in the base, not the rate.
    expect(rows.some((r) => groupOfPoliceUkLabel(r["Last outcome category"] ?? "") === "pending")).toBe(true);
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

  it("flag months missing or loaded with under half the usual records, and leave them out of comparisons", async () => {
    // After the test above: West Mercia has January (6 records) and May (1), Devon and Cornwall January
    // and February (2 each). More months are made of a real row of each force's, numbered afresh.
    const reference = await loadReferenceData();
    const load = async (force: string, month: string, records: number) => {
      const [header, row] = readFileSync(
        join(
          policeFixtures,
          "original",
          streetFiles.find((f) => f.includes(force))!,
        ),
        "utf8",
      ).split("\n");
      const [, , ...rest] = row!.split(",");
      const lines = Array.from({ length: records }, (_, i) =>
        [`${force}-${month}-${i}`, month, ...rest].join(","),
      );
      const path = await writeTemporaryCsv(`${month}-${force}-street.csv`, [header, ...lines].join("\n"));
      expect((await ingestFile(database.current().db, reference, path)).status).toBe("loaded");
    };
    await load("west-mercia", "2025-06", 12);
    for (const month of ["2025-03", "2025-04", "2025-05"]) await load("devon-and-cornwall", month, 20);
    await load("devon-and-cornwall", "2025-06", 3);
    const measure = await findMeasure(kysely(), "crimes.all");
    const june = await measureSeries(kysely(), measure!, { area: "west-mercia", to: "2025-06-01" });
    // West Mercia's May excerpt (1 record against a median month of 6) reads as partly reported.
    expect(june.gaps.map((gap) => [gap.period, gap.kind])).toEqual([
      ["2025-02", "missing"],
      ["2025-03", "missing"],
      ["2025-04", "missing"],
      ["2025-05", "partial"],
    ]);
    expect(june.gaps[3]?.note).toBe(
      "2025-05: 1, under 50% of this force's median month (6); the month looks only partly reported.",
    );
    expect(june.points.find((p) => p.period === "2025-05")).toMatchObject({ spc: null });
    if (june.msg.comparison === null) throw new Error(june.msg.reason);
    expect(june.msg.comparison.forces.map((f) => f.forceId)).toEqual(["west-mercia"]);
    const excluded = new Map(june.msg.comparison.excluded.map((e) => [e.forceId, e.note]));
    expect(excluded.get("devon-and-cornwall")).toBe(
      "2025-06: 3, under 50% of this force's median month (11.5); the month looks only partly reported.",
    );
    const others = [...(await msgPeerIds(kysely(), "west-mercia"))!.forceIds].filter(
      (id) => id !== "west-mercia" && id !== "devon-and-cornwall",
    );
    expect(others.length).toBeGreaterThan(0);
    for (const id of others) expect(excluded.get(id)).toBe("No figure for 2025-06.");

    // July: West Mercia's own month partial, flagged on its point and change, left out of its limits.
    await load("west-mercia", "2025-07", 1);
    await load("devon-and-cornwall", "2025-07", 20);
    const july = await measureSeries(kysely(), measure!, { area: "west-mercia", to: "2025-07-01" });
    const latest = july.points.at(-1)!;
    expect(latest).toMatchObject({ period: "2025-07", spc: null });
    expect(latest.partial).toMatch(/^2025-07: 1, under 50%/);
    expect(july.change.previousPeriod?.caution).toBe(latest.partial);
    expect(july.gaps.at(-1)).toEqual({ period: "2025-07", kind: "partial", note: latest.partial });
    if (july.msg.comparison === null) throw new Error(july.msg.reason);
    expect(july.msg.comparison.focus).toBeNull();
    expect(july.msg.comparison.forces.map((f) => f.forceId)).toEqual(["devon-and-cornwall"]);
    expect(july.msg.comparison.excluded).toContainEqual({ forceId: "west-mercia", note: latest.partial });
    // Its LPAs' July is flagged too: it is the force's file that is short.
    const lpa = await measureSeries(kysely(), measure!, { area: "west-mercia/shropshire", to: "2025-07-01" });
    expect(lpa.points.at(-1)?.partial).toBe(latest.partial);
  });
});
