import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { useCli } from "../../../test/helpers/cli.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { fromRoot } from "../../lib/paths.js";

// Expected values: NHSRplotthedots 0.2.2 outputs (MIT), see test/fixtures/spc/README.md.
interface OracleCase {
  name: string;
  expected: Record<string, unknown>[];
}
const oracleText = readFileSync(fromRoot("test", "fixtures", "spc", "examples.json"), "utf8");
const oracleCases = JSON.parse(oracleText) as OracleCase[];

const database = useTestDatabase();
const cli = useCli(database);

/** Runs `scrutineer spc` with the text arriving on standard input, as a pipe gives it. */
async function pipeThroughSpc(text: string, ...args: string[]): Promise<number> {
  vi.spyOn(process, "stdin", "get").mockReturnValue(
    Readable.from([Buffer.from(text)]) as unknown as typeof process.stdin,
  );
  return cli.run("spc", ...args);
}

/** Numbers within 1e-9 relative (R sums in extended precision); everything else exactly. */
function expectSamePoints(
  actual: Record<string, unknown>[],
  expected: Record<string, unknown>[],
  name: string,
): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((point, i) => {
    expect(Object.keys(actual[i]!).sort(), `${name} point ${i} fields`).toEqual(Object.keys(point).sort());
    for (const [field, value] of Object.entries(point)) {
      const got = actual[i]![field];
      if (typeof value === "number" && typeof got === "number") {
        expect(Math.abs(got - value), `${name} point ${i}.${field}`).toBeLessThanOrEqual(
          1e-9 * Math.max(1, Math.abs(value)),
        );
      } else {
        expect(got, `${name} point ${i}.${field}`).toStrictEqual(value);
      }
    }
  });
}

describe("scrutineer spc", () => {
  it("has every oracle case to check", () => {
    expect(oracleCases).toHaveLength(9);
  });

  for (const oracle of oracleCases) {
    it(`prints the oracle's expected points for ${oracle.name}, read from standard input`, async () => {
      expect(await pipeThroughSpc(JSON.stringify(oracle))).toBe(0);
      expectSamePoints(JSON.parse(cli.output) as Record<string, unknown>[], oracle.expected, oracle.name);
    });
  }

  it("reads a file and prints CSV with R's NA and TRUE/FALSE", async () => {
    const folder = await mkdtemp(join(tmpdir(), "scrutineer-spc-"));
    const file = join(folder, "case.json");
    const oracle = oracleCases.find((c) => c.name === "ex_fix12_step_target")!;
    await writeFile(file, JSON.stringify(oracle));
    expect(await cli.run("spc", file, "--csv")).toBe(0);
    const [header, first, ...rest] = cli.output.trim().split("\n");
    expect(header).toBe(
      "x,y,mean,lpl,upl,nlpl,nupl,point_type,special_cause_type,special_cause_flag,outside_limits,close_to_limits,relative_to_mean,rebase_group,short_group_warning,fix_y,target",
    );
    expect(rest).toHaveLength(oracle.expected.length - 1);
    const cells = first!.split(",");
    const expected = oracle.expected[0]!;
    expect(cells[0]).toBe(expected.x);
    expect(Number(cells[2])).toBeCloseTo(expected.mean as number, 9);
    expect(cells[9]).toBe(expected.special_cause_flag ? "TRUE" : "FALSE");
    expect(cells[16]).toBe(String(expected.target));
    const noTarget = oracleCases.find((c) => c.name === "ex_rebase")!;
    cli.clearOutput();
    await pipeThroughSpc(JSON.stringify(noTarget), "--csv");
    expect(cli.output.split("\n")[1]!.endsWith(",NA")).toBe(true);
  });

  it("says what is wrong with input that is not a case", async () => {
    expect(await pipeThroughSpc("{not json")).toBe(1);
    expect(cli.errors).toContain("scrutineer: The input is not JSON");
    expect(await pipeThroughSpc(JSON.stringify({ input: { x: ["2020-01-01"], y: [1, 2] } }))).toBe(1);
    expect(cli.errors).toContain("SPC input has 1 dates but 2 values.");
    expect(
      await pipeThroughSpc(
        JSON.stringify({ options: { improvement_direction: "up" }, input: { x: [], y: [] } }),
      ),
    ).toBe(1);
    expect(cli.errors).toContain("The input is not an SPC case");
  });

  it("works as a real pipe into the command", async () => {
    const oracle = oracleCases[0]!;
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/index.ts", "spc"], {
      cwd: fromRoot(),
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdin.end(JSON.stringify(oracle));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expectSamePoints(JSON.parse(stdout) as Record<string, unknown>[], oracle.expected, oracle.name);
  }, 60_000);
});

describe("scrutineer measures", () => {
  it("imports force returns, and refuses a bad one listing every problem with file and line", async () => {
    const example = fromRoot("data", "measures", "examples", "sample-victim-satisfaction.csv");
    expect(await cli.run("measures", "import", example)).toBe(0);
    expect(cli.output).toContain(
      "sample-victim-satisfaction.csv: imported 36 value(s) for 3 measure(s), 36 new, 0 replaced",
    );

    const folder = await mkdtemp(join(tmpdir(), "scrutineer-return-"));
    const bad = join(folder, "bad.csv");
    await writeFile(
      bad,
      "measure_id,period,area,value,numerator,denominator,note\nconduct.cases,2025-01,west-mercia,3,,,\nnot.a-measure,Q1 2025/26,west-mercia,3,,,\n",
    );
    expect(await cli.run("measures", "import", bad)).toBe(1);
    expect(cli.errors).toContain("bad.csv was not imported: 2 problems:\nbad.csv line 2, period:");
    expect(cli.errors).toContain(
      'bad.csv line 3, measure_id: "not.a-measure" is not a measure in the catalogue',
    );
  });

  it("lists the catalogue", async () => {
    expect(await cli.run("measures", "list")).toBe(0);
    expect(cli.output).toContain(
      'calls.999-answered-within-10-seconds,"999 calls answered within 10 seconds","%",monthly,force return,no',
    );
    expect(cli.output).toContain(
      'crimes.neighbourhood,"Neighbourhood crime","count",monthly,data.police.uk,no',
    );
  });
});
