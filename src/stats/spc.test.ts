import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ImprovementDirection, SpcGroupSummary, SpcOptions, SpcPoint, SpcSummary } from "./spc.js";
import { SHORT_GROUP_WARNING, computeSpc } from "./spc.js";

// Expected values: NHSRplotthedots 0.2.2 outputs (MIT), see test/fixtures/spc/README.md.
interface OracleCase {
  name: string;
  options: {
    improvement_direction: ImprovementDirection;
    screen_outliers: boolean;
    target?: number;
    fix_after_n_points?: number;
    rebase?: string[];
  };
  input: { x: string[]; y: number[] };
  expected: SpcPoint[];
  summary: SpcSummary;
  warnings: string[];
}

const oracleCases = JSON.parse(
  readFileSync(new URL("../../test/fixtures/spc/examples.json", import.meta.url), "utf8"),
) as OracleCase[];

function toOptions(oracle: OracleCase["options"]): SpcOptions {
  return {
    improvementDirection: oracle.improvement_direction,
    screenOutliers: oracle.screen_outliers,
    target: oracle.target,
    fixAfterNPoints: oracle.fix_after_n_points,
    rebase: oracle.rebase,
  };
}

/** Numbers within 1e-9 relative (R's mean() sums in extended precision); everything else exactly. */
function expectSameValue(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === "number" && typeof actual === "number") {
    const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
    expect(Math.abs(actual - expected), `${where}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
  } else {
    expect(actual, where).toStrictEqual(expected);
  }
}

function expectSameRecord(actual: object, expected: object, where: string): void {
  expect(Object.keys(actual).sort(), `${where} fields`).toStrictEqual(Object.keys(expected).sort());
  for (const [field, value] of Object.entries(expected)) {
    expectSameValue((actual as Record<string, unknown>)[field], value, `${where}.${field}`);
  }
}

describe("computeSpc against the NHSRplotthedots 0.2.2 oracle", () => {
  it("has the oracle cases", () => {
    expect(oracleCases.length).toBe(9);
  });

  for (const oracle of oracleCases) {
    it(oracle.name, () => {
      const result = computeSpc(oracle.input, toOptions(oracle.options));
      expect(result.points).toHaveLength(oracle.expected.length);
      oracle.expected.forEach((expectedPoint, i) => {
        expectSameRecord(result.points[i] as SpcPoint, expectedPoint, `point ${i}`);
      });
      expectSameValue(result.summary.variation_type, oracle.summary.variation_type, "variation_type");
      expectSameValue(result.summary.assurance_type, oracle.summary.assurance_type, "assurance_type");
      expect(result.summary.groups).toHaveLength(oracle.summary.groups.length);
      oracle.summary.groups.forEach((expectedGroup, g) => {
        expectSameRecord(result.summary.groups[g] as SpcGroupSummary, expectedGroup, `group ${g}`);
      });
      expect(result.warnings).toStrictEqual(oracle.warnings);
    });
  }

  it("gives the same result whatever order the rows arrive in", () => {
    const oracle = oracleCases.find((c) => c.name === "ex_rebase") as OracleCase;
    const reversed = { x: [...oracle.input.x].reverse(), y: [...oracle.input.y].reverse() };
    const result = computeSpc(reversed, toOptions(oracle.options));
    expect(result.points.map((p) => [p.x, p.y, p.rebase_group])).toStrictEqual(
      oracle.expected.map((p) => [p.x, p.y, p.rebase_group]),
    );
  });
});

// The cases below follow the rules in the oracle's README (which describes the package's R code).
const months = (n: number, startYear = 2020): string[] =>
  Array.from({ length: n }, (_, i) => {
    const year = startYear + Math.floor(i / 12);
    return `${year}-${String((i % 12) + 1).padStart(2, "0")}-01`;
  });

const typesOf = (y: number[], options: Partial<SpcOptions> = {}): string[] =>
  computeSpc({ x: months(y.length), y }, { improvementDirection: "increase", ...options }).points.map(
    (p) => p.special_cause_type,
  );

describe("computeSpc rule details", () => {
  it("labels a peak shared by a rise and a fall as Decreasing", () => {
    // Rise over indices 6-12, fall over 12-18, inside wide limits.
    const y = [10, 30, 12, 28, 11, 29, 10, 13, 16, 19, 22, 25, 28, 25, 22, 19, 16, 13, 10, 30, 12, 28];
    const types = typesOf(y);
    expect(types.slice(6, 12)).toStrictEqual(Array<string>(6).fill("7 Point Trend (Increasing)"));
    expect(types.slice(12, 19)).toStrictEqual(Array<string>(7).fill("7 Point Trend (Decreasing)"));
  });

  it("labels the end of a rising run Decreasing when a flat step joins it to the next rise", () => {
    // Rises 10..16 (indices 5-11) and 16..22 (12-18) joined by two equal 16s.
    const y = [30, 0, 30, 0, 30, 10, 11, 12, 13, 14, 15, 16, 16, 17, 18, 19, 20, 21, 22, 0, 30, 0, 30, 0];
    const types = typesOf(y);
    expect(types[11]).toBe("7 Point Trend (Decreasing)");
    expect(types.slice(5, 11)).toStrictEqual(Array<string>(6).fill("7 Point Trend (Increasing)"));
    expect(types.slice(12, 19)).toStrictEqual(Array<string>(7).fill("7 Point Trend (Increasing)"));
  });

  it("flags nothing for a 6-point rise with the default length, but does with trendLength 6", () => {
    // Indices 5-10 rise strictly (10 to 25); the points either side fall.
    const y = [20, 30, 18, 29, 21, 10, 13, 16, 19, 22, 25, 20, 28, 19, 30, 20, 27, 18, 29, 22];
    expect(typesOf(y).filter((t) => t !== "Common Cause")).toHaveLength(0);
    const six = typesOf(y, { trendLength: 6 });
    expect(six.slice(5, 11)).toStrictEqual(Array<string>(6).fill("6 Point Trend (Increasing)"));
    expect(six.filter((t) => t !== "Common Cause")).toHaveLength(6);
  });

  it("with shiftLength 6 flags a 6-point run below the mean as '6 Points Below CL'", () => {
    const y = [22, 20, 23, 21, 24, 20.5, 20.4, 20.6, 20.3, 20.5, 20.4, 23, 21, 24, 22, 23, 21, 22, 24, 23];
    expect(typesOf(y).filter((t) => t !== "Common Cause")).toHaveLength(0);
    const six = typesOf(y, { shiftLength: 6 });
    expect(six.slice(5, 11)).toStrictEqual(Array<string>(6).fill("6 Points Below CL"));
    expect(six.filter((t) => t !== "Common Cause")).toHaveLength(6);
  });

  it("collapses the limits onto the mean when screening drops every moving range", () => {
    // A series of 5s with a single 6: both non-zero moving ranges are screened out, so amr = 0.
    const y = [5, 5, 5, 5, 5, 6, 5, 5, 5, 5, 5, 5, 5];
    const result = computeSpc({ x: months(y.length), y }, { improvementDirection: "decrease" });
    expect(result.summary.groups[0]?.amr).toBe(0);
    expect(result.points[0]?.special_cause_type).toBe("Below LCL");
    expect(result.points[5]?.special_cause_type).toBe("Above UCL");
  });

  it("gives null limits when every moving range is zero and screening is on", () => {
    const y = Array<number>(13).fill(4);
    const result = computeSpc({ x: months(13), y }, { improvementDirection: "increase", target: 3 });
    expect(result.points[0]).toMatchObject({
      lpl: null,
      upl: null,
      outside_limits: null,
      close_to_limits: null,
    });
    expect(result.summary.groups[0]).toMatchObject({ amr: null, screened_moving_ranges: 12 });
    expect(result.summary.assurance_type).toBe("inconsistent");
  });

  it("gives a single-point group null limits and a short-group warning", () => {
    const result = computeSpc(
      { x: months(14), y: [3, 4, 5, 4, 3, 4, 5, 4, 3, 4, 5, 4, 3, 9] },
      { improvementDirection: "increase", rebase: [months(14)[13] as string] },
    );
    expect(result.points[13]).toMatchObject({
      rebase_group: 1,
      mean: 9,
      upl: null,
      short_group_warning: true,
    });
    expect(result.points[0]?.short_group_warning).toBe(false);
    expect(result.warnings).toStrictEqual([SHORT_GROUP_WARNING]);
  });

  it("starts at group 1 when the first date is a rebase date and ignores unmatched rebase dates", () => {
    const x = months(13);
    const result = computeSpc(
      { x, y: [3, 4, 5, 4, 3, 4, 5, 4, 3, 4, 5, 4, 3] },
      { improvementDirection: "increase", rebase: [x[0] as string, "1999-01-01"] },
    );
    expect(result.summary.groups.map((g) => g.rebase_group)).toStrictEqual([1]);
  });

  it("rejects duplicate dates, a baseline under 12 points and other rule lengths", () => {
    const x = ["2020-01-01", "2020-02-01", "2020-01-01"];
    expect(() => computeSpc({ x, y: [1, 2, 3] }, { improvementDirection: "increase" })).toThrow(
      /more than one value for 2020-01-01/,
    );
    expect(() =>
      computeSpc(
        { x: months(20), y: Array<number>(20).fill(1) },
        { improvementDirection: "increase", fixAfterNPoints: 11 },
      ),
    ).toThrow(/at least 12/);
    expect(() =>
      computeSpc({ x: months(3), y: [1, 2, 3] }, { improvementDirection: "increase", trendLength: 8 as 7 }),
    ).toThrow(/6 or 7/);
  });
});
