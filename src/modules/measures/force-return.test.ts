import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { fromRoot } from "../../lib/paths.js";
import { cliActor } from "../../cli/context.js";
import { areaDirectory } from "./areas.js";
import { builtInMeasures, loadForceReturnDefinitions } from "./catalogue.js";
import { checkForceReturn, describeProblem, type CheckingContext } from "./force-return.js";
import { findMeasure } from "./measures.repository.js";
import {
  ForceReturnRejectedError,
  ensureMeasureCatalogue,
  importForceReturn,
  measurePoints,
  measureSeries,
} from "./measures.service.js";

const examplesFolder = fromRoot("data", "measures", "examples");
const header = "measure_id,period,area,value,numerator,denominator,note";
let context: CheckingContext;

beforeAll(async () => {
  const measures = [...builtInMeasures(), ...(await loadForceReturnDefinitions())];
  context = { measures: new Map(measures.map((m) => [m.id, m])), areas: await areaDirectory() };
});

/** The problems of a one-line return, as the import would print them. */
function problemsOf(line: string): string[] {
  const result = checkForceReturn(`${header}\n${line}\n`, context);
  return result.ok ? [] : result.problems.map((p) => describeProblem(p, "return.csv"));
}

describe("checking a force return", () => {
  it("accepts a good line and reads its period, area and numbers", () => {
    const result = checkForceReturn(
      `${header}\ncalls.101-abandonment,2025-01,west-mercia,12.5,5000,40000,\nconduct.cases,Q3 2024/25,west-mercia/herefordshire,7,,,checked\n`,
      context,
    );
    expect(result).toEqual({
      ok: true,
      values: [
        expect.objectContaining({
          measureId: "calls.101-abandonment",
          period: "2025-01",
          periodStart: "2025-01-01",
          periodEnd: "2025-01-31",
          areaType: "force",
          areaCode: "west-mercia",
          value: 12.5,
          numerator: 5000,
          denominator: 40000,
          note: null,
        }),
        expect.objectContaining({
          period: "Q3 2024/25",
          periodStart: "2024-10-01",
          periodEnd: "2024-12-31",
          areaType: "lpa",
          areaCode: "west-mercia/herefordshire",
          value: 7,
          note: "checked",
        }),
      ],
    });
  });

  it.each([
    [
      "a percentage above 100",
      "calls.101-abandonment,2025-01,west-mercia,104,,,",
      "return.csv line 2, value: 104 is a percentage outside 0 to 100",
    ],
    [
      "a negative percentage",
      "calls.101-abandonment,2025-01,west-mercia,-1,,,",
      "return.csv line 2, value: -1 is a percentage outside 0 to 100",
    ],
    [
      "a numerator above its denominator",
      "calls.101-abandonment,2025-01,west-mercia,50,120,100,",
      "return.csv line 2, numerator: 120 is above the denominator 100",
    ],
    [
      "an unknown measure",
      "calls.102-abandonment,2025-01,west-mercia,5,,,",
      'return.csv line 2, measure_id: "calls.102-abandonment" is not a measure in the catalogue',
    ],
    [
      "an unknown area",
      "calls.101-abandonment,2025-01,west-murcia,5,,,",
      'return.csv line 2, area: "west-murcia" is not a known area',
    ],
    [
      "a month for a quarterly measure",
      "conduct.cases,2025-01,west-mercia,5,,,",
      'return.csv line 2, period: "2025-01" does not match the measure\'s frequency: conduct.cases is quarterly, so give a financial quarter such as Q1 2025/26',
    ],
    [
      "a quarter for a monthly measure",
      "calls.101-abandonment,Q1 2025/26,west-mercia,5,,,",
      "calls.101-abandonment is monthly, so give a month such as 2025-01",
    ],
    [
      "a period that is no period",
      "calls.101-abandonment,Jan,west-mercia,5,,,",
      'return.csv line 2, period: Cannot read "Jan" as a period',
    ],
    [
      "a count with decimals",
      "conduct.cases,Q1 2025/26,west-mercia,5.5,,,",
      "return.csv line 2, value: 5.5 is a count, so a whole number",
    ],
    [
      "a value that is not a number",
      "conduct.cases,Q1 2025/26,west-mercia,five,,,",
      'return.csv line 2, value: "five" is not a number',
    ],
    [
      "a percentage that disagrees with its counts",
      "calls.101-abandonment,2025-01,west-mercia,12.6,5000,40000,",
      "return.csv line 2, value: 12.6 does not match the numerator and denominator (5000 / 40000 gives 12.5)",
    ],
    [
      "a numerator without a denominator",
      "calls.101-abandonment,2025-01,west-mercia,12.5,5000,,",
      "return.csv line 2, denominator: give both the numerator and the denominator, or neither",
    ],
    [
      "a data.police.uk measure",
      "crimes.burglary,2025-01,west-mercia,5,,,",
      'measure_id: "crimes.burglary" is calculated from data.police.uk and cannot be given in a return',
    ],
    [
      "a line with too few columns",
      "calls.101-abandonment,2025-01,west-mercia,12.5",
      "return.csv line 2: has 4 columns; every line needs 7",
    ],
  ])("refuses %s", (_case, line, message) => {
    expect(problemsOf(line).join("\n")).toContain(message);
  });

  it("accepts a percentage rounded as written", () => {
    expect(problemsOf("calls.101-abandonment,2025-01,west-mercia,33.3,1,3,")).toEqual([]);
    expect(problemsOf("calls.101-abandonment,2025-01,west-mercia,33,1,3,")).toEqual([]);
    expect(problemsOf("calls.101-abandonment,2025-01,west-mercia,33.4,1,3,")).not.toEqual([]);
  });

  it("refuses a wrong header, a file without values, and a repeated value, naming the lines", () => {
    const wrongHeader = checkForceReturn("measure,period,area,value\n", context);
    expect(wrongHeader.ok ? [] : wrongHeader.problems.map((p) => describeProblem(p))).toEqual([
      `Line 1: header must be exactly "${header}" (missing measure_id, numerator, denominator, note; unknown "measure")`,
    ]);
    const empty = checkForceReturn(`${header}\n`, context);
    expect(empty.ok ? [] : empty.problems.map((p) => p.message)).toEqual(["has no values"]);
    const repeated = checkForceReturn(
      `${header}\nconduct.cases,Q1 2025/26,west-mercia,5,,,\nconduct.cases,Q1 2025/26,West-Mercia,6,,,\n`,
      context,
    );
    expect(repeated.ok ? [] : repeated.problems.map((p) => describeProblem(p))).toEqual([
      "Line 3, period: repeats the value on line 2 (same measure, area and period)",
    ]);
  });

  it("reports every problem in the file with its physical line, quoted line breaks included", () => {
    const result = checkForceReturn(
      `${header}\nconduct.cases,Q1 2025/26,west-mercia,5,,,"a note\nover two lines"\ncalls.101-abandonment,2025-01,nowhere,104,,,\n`,
      context,
    );
    expect(result.ok ? [] : result.problems.map((p) => describeProblem(p))).toEqual([
      'Line 4, area: "nowhere" is not a known area (a force id such as west-mercia, an ONS local authority code such as E06000019, or an LPA such as west-mercia/herefordshire)',
      "Line 4, value: 104 is a percentage outside 0 to 100",
    ]);
  });
});

describe("importing force returns", () => {
  const database = useTestDatabase();
  const kysely = () => database.current().db.kysely;
  const valueCount = async () =>
    Number(
      (
        await kysely()
          .selectFrom("measure_values")
          .select((eb) => eb.fn.countAll<string | number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    await ensureMeasureCatalogue(database.current().db.kysely);
  });

  it("loads every example file, each labelled SAMPLE, and replaces values on a second import", async () => {
    const files = readdirSync(examplesFolder).filter((name) => name.endsWith(".csv"));
    expect(files.length).toBeGreaterThanOrEqual(7);
    let total = 0;
    for (const name of files) {
      const text = readFileSync(join(examplesFolder, name), "utf8");
      const lines = text.trim().split("\n").slice(1);
      expect(lines.every((line) => line.includes("SAMPLE"))).toBe(true);
      const summary = await importForceReturn(kysely(), cliActor, { name, text });
      expect(summary).toMatchObject({ rows: lines.length, added: lines.length, replaced: 0 });
      total += lines.length;
    }
    expect(await valueCount()).toBe(total);
    const definitions = await loadForceReturnDefinitions();
    const measuresWithValues = await kysely()
      .selectFrom("measure_values")
      .select("measure_id")
      .distinct()
      .execute();
    expect(measuresWithValues.map((m) => m.measure_id).sort()).toEqual(definitions.map((d) => d.id).sort());

    const again = await importForceReturn(kysely(), cliActor, {
      name: files[0]!,
      text: readFileSync(join(examplesFolder, files[0]!), "utf8"),
    });
    expect(again.added).toBe(0);
    expect(again.replaced).toBe(again.rows);
    expect(await valueCount()).toBe(total);
  });

  it("imports nothing of a file with one bad line, and says which", async () => {
    const before = await valueCount();
    const imports = await kysely().selectFrom("measure_imports").select("id").execute();
    const text = `${header}\nconduct.cases,Q1 2026/27,west-mercia,5,,,\ncalls.101-abandonment,2026-04,west-mercia,101,,,\n`;
    const error = await importForceReturn(kysely(), cliActor, { name: "bad.csv", text }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ForceReturnRejectedError);
    expect((error as Error).message).toContain("bad.csv line 3, value: 101 is a percentage outside 0 to 100");
    expect(await valueCount()).toBe(before);
    expect(await kysely().selectFrom("measure_imports").select("id").execute()).toHaveLength(imports.length);
  });

  it("compares a force with its group's values for its latest period, and with no other force", async () => {
    const text =
      `${header}\n` +
      [
        "calls.101-abandonment,2026-05,west-mercia,10,400,4000,",
        "calls.101-abandonment,2026-05,staffordshire,12,480,4000,",
        "calls.101-abandonment,2026-06,west-mercia,11,440,4000,",
        "calls.101-abandonment,2026-06,staffordshire,13,520,4000,",
        "calls.101-abandonment,2026-06,warwickshire,9,180,2000,",
        // Not in West Mercia's group.
        "calls.101-abandonment,2026-06,thames-valley,20,800,4000,",
      ].join("\n");
    await importForceReturn(kysely(), cliActor, { name: "group.csv", text });
    const measure = await findMeasure(kysely(), "calls.101-abandonment");
    const series = await measureSeries(kysely(), measure!, { area: "west-mercia", from: "2026-05-01" });
    if (series.msg.comparison === null) throw new Error(series.msg.reason);
    expect(series.msg.comparison.forces.map((f) => [f.forceId, f.numerator, f.denominator]).sort()).toEqual([
      ["staffordshire", 520, 4000],
      ["warwickshire", 180, 2000],
      ["west-mercia", 440, 4000],
    ]);
    // The latest period is the force's latest within the range, and so is the group's.
    const may = await measureSeries(kysely(), measure!, { area: "west-mercia", to: "2026-05-01" });
    if (may.msg.comparison === null) throw new Error(may.msg.reason);
    expect(may.msg.comparison.forces.map((f) => [f.forceId, f.numerator, f.denominator]).sort()).toEqual([
      ["staffordshire", 480, 4000],
      ["west-mercia", 400, 4000],
    ]);
    // The peers come in the force's read: members only, and only for the force's latest period.
    const westMercia = context.areas.get("force", "west-mercia")!;
    const periodsByArea = async (to: string) =>
      Object.fromEntries(
        [
          ...(await measurePoints(
            kysely(),
            measure!,
            [westMercia],
            { from: "2026-05-01", to },
            "west-mercia",
          )),
        ].map(([code, points]) => [code, points.map((p) => p.period)]),
      );
    expect(await periodsByArea("2026-06-01")).toEqual({
      "west-mercia": ["2026-05", "2026-06"],
      staffordshire: ["2026-06"],
      warwickshire: ["2026-06"],
    });
    expect(await periodsByArea("2026-05-01")).toEqual({
      "west-mercia": ["2026-05"],
      staffordshire: ["2026-05"],
    });
  });

  it("writes one audit entry per import", async () => {
    const entries = await kysely()
      .selectFrom("audit_log")
      .select(["action", "entity_type", "actor"])
      .where("entity_type", "=", "measure-import")
      .execute();
    expect(entries.length).toBeGreaterThanOrEqual(7);
    expect(entries.every((e) => e.action === "import" && e.actor.startsWith("cli ("))).toBe(true);
  });
});
