import { describe, expect, it } from "vitest";
import { compareCounts, compareProportions } from "../../stats/change.js";
import { poissonCountInterval, poissonRateInterval, wilsonInterval } from "../../stats/intervals.js";
import { computeSpc } from "../../stats/spc.js";
import { buildSeries, type SeriesPoint } from "./series.js";
import type { MeasureAnnotationRow } from "./measures.tables.js";
import { measureRow } from "./test-support.js";

const force = { type: "force" as const, code: "west-mercia", name: "West Mercia Police" };

/** Monthly points from April 2023, one per value. */
function months(
  values: number[],
  counts?: (v: number) => { numerator: number; denominator: number },
): SeriesPoint[] {
  return values.map((value, i) => {
    const year = 2023 + Math.floor((3 + i) / 12);
    const month = ((3 + i) % 12) + 1;
    const code = `${year}-${String(month).padStart(2, "0")}`;
    const end = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
    return {
      period: code,
      periodStart: `${code}-01`,
      periodEnd: end,
      value,
      numerator: counts?.(value).numerator ?? null,
      denominator: counts?.(value).denominator ?? null,
      note: null,
    };
  });
}

const annotation = (date: string, rebase: boolean): MeasureAnnotationRow => ({
  id: 1,
  measure_id: "m",
  date,
  text: "Operation X began",
  rebase: rebase ? 1 : 0,
  created_by: "test",
  created_at: "",
});

describe("a measure's series", () => {
  const values = [20, 23, 21, 19, 22, 20, 24, 21, 10, 22, 20, 23, 21, 22, 19, 21, 23, 20, 22, 21];

  it("tests a percentage's change as two proportions, against last period and last year", () => {
    const points = months(values, (v) => ({ numerator: v * 10, denominator: 1000 }));
    const series = buildSeries({ measure: measureRow({}), area: force, points, annotations: [], peers: [] });
    expect(series.change.latest).toBe("2024-11");
    expect(series.change.previousPeriod).toMatchObject({
      period: "2024-10",
      value: 21,
      previousValue: 22,
      absoluteChange: -1,
    });
    expect(series.change.previousPeriod?.test).toEqual(
      compareProportions({ successes: 210, total: 1000 }, { successes: 220, total: 1000 }),
    );
    expect(series.change.samePeriodLastYear).toMatchObject({ period: "2023-11", previousValue: 21 });
  });

  it("tests a count's change per day, so months of different lengths compare fairly", () => {
    const series = buildSeries({
      measure: measureRow({ unit: "count", polarity: "lower is better" }),
      area: force,
      points: months(values),
      annotations: [],
      peers: [],
    });
    // November (30 days) against October (31 days).
    expect(series.change.previousPeriod?.test).toEqual(
      compareCounts(21, 22, { currentExposure: 30, previousExposure: 31 }),
    );
  });

  it("makes no significance claim for figures without counts", () => {
    const series = buildSeries({
      measure: measureRow({ unit: "days" }),
      area: force,
      points: months([90.5, 95.25]),
      annotations: [],
      peers: [],
    });
    expect(series.change.previousPeriod).toMatchObject({
      significant: null,
      statement: "no significance test: the figures carry no counts to test",
    });
  });

  it("gives the SPC points of computeSpc with the measure's direction and target, and lists the signals", () => {
    const series = buildSeries({
      measure: measureRow({ unit: "count", polarity: "lower is better", target: 18 }),
      area: force,
      points: months(values),
      annotations: [],
      peers: [],
    });
    const expected = computeSpc(
      { x: months(values).map((p) => p.periodStart), y: values },
      { improvementDirection: "decrease", target: 18, rebase: [] },
    );
    expect(series.points.map((p) => p.spc?.upl)).toEqual(expected.points.map((p) => p.upl));
    expect(series.spc?.summary).toEqual(expected.summary);
    expect(series.spc?.signals).toEqual([
      { period: "2023-12", pointType: "special_cause_improvement", rule: "Below LCL" },
    ]);
  });

  it("rebases the SPC limits from the period containing a rebase annotation, and ignores plain notes", () => {
    const series = buildSeries({
      measure: measureRow({ unit: "count" }),
      area: force,
      points: months(values),
      annotations: [annotation("2024-02-14", true), annotation("2023-06-01", false)],
      peers: [],
    });
    expect(series.spc?.rebasedAt).toEqual(["2024-02-01"]);
    expect(series.points.find((p) => p.period === "2024-01")?.spc?.mean).not.toBe(
      series.points.find((p) => p.period === "2024-02")?.spc?.mean,
    );
    expect(series.spc?.summary.groups).toHaveLength(2);
    expect(series.annotations).toHaveLength(2);
  });

  it("compares a force's percentage with the forces that have counts, leaving out those without", () => {
    const points = months([80, 82], (v) => ({ numerator: v * 10, denominator: 1000 }));
    const latest = points[1]!;
    const peer = (forceId: string, numerator: number | null) => ({
      forceId,
      point: { ...latest, numerator, denominator: numerator === null ? null : 1000 },
      population: null,
      partial: null,
    });
    const series = buildSeries({
      measure: measureRow({}),
      area: force,
      points,
      annotations: [],
      peers: [peer("west-mercia", 820), peer("a", 700), peer("b", 900), peer("c", null)],
    });
    if (series.msg.comparison === null) throw new Error(series.msg.reason);
    expect(series.msg.period).toBe("2023-05");
    expect(series.msg.comparison.focus?.forceId).toBe("west-mercia");
    expect(series.msg.comparison.forces.map((f) => f.forceId)).toEqual(["b", "west-mercia", "a"]);
    expect(series.msg.comparison.excluded).toEqual([
      { forceId: "c", note: "No numerator and denominator given." },
    ]);
  });

  it("compares counts as rates per 1,000 population, and explains when no comparison is possible", () => {
    const points = months([100]);
    const peers = [
      { forceId: "west-mercia", point: points[0]!, population: 1_300_000, partial: null },
      { forceId: "a", point: { ...points[0]!, value: 300 }, population: 1_000_000, partial: null },
    ];
    const series = buildSeries({
      measure: measureRow({ unit: "count", polarity: "lower is better" }),
      area: force,
      points,
      annotations: [],
      peers,
    });
    expect(series.msg.comparison?.kind).toBe("rate");
    expect(series.msg.comparison?.focus?.value).toBeCloseTo((100 / 1_300_000) * 1000, 12);
    const alone = buildSeries({
      measure: measureRow({ unit: "count" }),
      area: force,
      points,
      annotations: [],
      peers: peers.slice(0, 1),
    });
    expect(alone.msg).toEqual({ comparison: null, reason: "No other force has a value for 2023-04." });
    const lpa = buildSeries({
      measure: measureRow({ unit: "count" }),
      area: { type: "lpa", code: "west-mercia/shropshire", name: "Shropshire" },
      points,
      annotations: [],
      peers: [],
    });
    expect(lpa.msg).toEqual({ comparison: null, reason: "Peer comparison is between forces." });
  });

  it("lists the periods missing between the first and last, in the measure's own periods", () => {
    const quarter = (label: string, start: string, end: string, value: number): SeriesPoint => ({
      period: label,
      periodStart: start,
      periodEnd: end,
      value,
      numerator: null,
      denominator: null,
      note: null,
    });
    const series = buildSeries({
      measure: measureRow({ unit: "days", frequency: "quarterly" }),
      area: force,
      points: [
        quarter("Q4 2023/24", "2024-01-01", "2024-03-31", 90),
        quarter("Q3 2024/25", "2024-10-01", "2024-12-31", 80),
        quarter("Q1 2024/25", "2024-04-01", "2024-06-30", 85),
      ],
      annotations: [],
      peers: [],
    });
    expect(series.gaps).toEqual([
      { period: "Q2 2024/25", kind: "missing", note: "No figure for Q2 2024/25." },
    ]);
    expect(series.points.every((p) => p.partial === null && p.spc !== null)).toBe(true);
  });

  it("leaves a partly reported period out of the SPC limits and flags the changes it touches", () => {
    const points = months(values);
    const note =
      "2024-11: 21, under 50% of this force's median month (40); the month looks only partly reported.";
    const series = buildSeries({
      measure: measureRow({ unit: "count" }),
      area: force,
      points,
      annotations: [],
      peers: [],
      gaps: [
        { period: "2024-11", kind: "partial", note },
        { period: "2025-01", kind: "missing", note: "No data for 2025-01." },
      ],
    });
    const whole = computeSpc(
      { x: points.slice(0, -1).map((p) => p.periodStart), y: values.slice(0, -1) },
      { improvementDirection: "increase", rebase: [] },
    );
    expect(series.points.at(-1)).toMatchObject({ period: "2024-11", partial: note, spc: null });
    expect(series.points.at(-2)?.spc?.upl).toBe(whole.points.at(-1)?.upl);
    expect(series.spc?.summary).toEqual(whole.summary);
    expect(series.change.previousPeriod?.caution).toBe(note);
    expect(series.change.samePeriodLastYear?.caution).toBe(note);
    expect(series.change.previousPeriod?.statement).toMatch(
      /; caution: 2024-11 only partly reported, so not like for like$/,
    );
    expect(series.gaps.map((gap) => [gap.period, gap.kind])).toEqual([
      ["2024-11", "partial"],
      ["2025-01", "missing"],
    ]);
  });

  it("leaves out of the peer comparison, with a note, a force with no figure or only a partial one", () => {
    const points = months([100]);
    const peer = (forceId: string, point: SeriesPoint | null, partial: string | null = null) => ({
      forceId,
      point,
      population: 1_000_000,
      partial,
    });
    const series = buildSeries({
      measure: measureRow({ unit: "count" }),
      area: force,
      points,
      annotations: [],
      peers: [
        peer("west-mercia", points[0]!),
        peer("a", { ...points[0]!, value: 300 }),
        peer("b", null),
        peer("c", { ...points[0]!, value: 20 }, "2023-04 looks only partly reported."),
      ],
    });
    if (series.msg.comparison === null) throw new Error(series.msg.reason);
    expect(series.msg.comparison.forces.map((f) => f.forceId)).toEqual(["a", "west-mercia"]);
    expect(series.msg.comparison.average).toBeCloseTo(0.2, 12);
    expect(series.msg.comparison.excluded).toEqual([
      { forceId: "b", note: "No figure for 2023-04." },
      { forceId: "c", note: "2023-04 looks only partly reported." },
    ]);
  });

  it("gives each figure its 95% interval: Wilson for a percentage, exact Poisson for a count or a rate", () => {
    const survey = buildSeries({
      measure: measureRow({}),
      area: force,
      points: months([75, 75], (v) => ({ numerator: v * 4, denominator: 400 })).map((p, i) =>
        i === 0 ? { ...p, numerator: 60, denominator: 80 } : p,
      ),
      annotations: [],
      peers: [],
    });
    const [small, large] = survey.points;
    const wilson = wilsonInterval(300, 400);
    expect(large?.interval).toEqual({
      lower: wilson.lower * 100,
      upper: wilson.upper * 100,
      confidenceLevel: 0.95,
      method: "Wilson score interval",
      smallSample: false,
    });
    expect(small?.interval?.smallSample).toBe(true);

    const counts = buildSeries({
      measure: measureRow({ unit: "count" }),
      area: force,
      points: months([21]),
      annotations: [],
      peers: [],
    });
    const poisson = poissonCountInterval(21);
    expect(counts.points[0]?.interval).toMatchObject({ lower: poisson.lower, upper: poisson.upper });

    const rate = buildSeries({
      measure: measureRow({ unit: "rate per 1,000" }),
      area: force,
      points: months([2.1]).map((p) => ({ ...p, numerator: 21, denominator: 10_000 })),
      annotations: [],
      peers: [],
    });
    const perThousand = poissonRateInterval(21, 10_000);
    expect(rate.points[0]?.interval?.lower).toBeCloseTo(perThousand.lower, 12);
    expect(rate.points[0]?.interval?.upper).toBeCloseTo(perThousand.upper, 12);

    const noCounts = buildSeries({
      measure: measureRow({ unit: "days" }),
      area: force,
      points: months([90.5]),
      annotations: [],
      peers: [],
    });
    expect(noCounts.points[0]?.interval).toBeNull();
  });

  it("draws no SPC limits on rolling 12-month counts, which overlap, and tests only the change on a year before", () => {
    const points = months(values);
    const series = buildSeries({
      measure: measureRow({ unit: "count", polarity: "lower is better" }),
      area: force,
      points,
      annotations: [],
      peers: [],
      overlapping: true,
    });
    expect(series.spc).toBeNull();
    expect(series.spcOmitted).toMatch(
      /^No SPC chart: each figure covers months the one before it covers too/,
    );
    expect(series.points.every((p) => p.spc === null)).toBe(true);
    // November's 12 months against October's share 11 months: no test. Against November a year before: none shared.
    expect(series.change.previousPeriod).toMatchObject({
      significant: null,
      statement: "no significance test: the two 12-month figures share 11 months",
    });
    expect(series.change.samePeriodLastYear?.test).toEqual(compareCounts(21, 21));

    const monthly = buildSeries({
      measure: measureRow({ unit: "count" }),
      area: force,
      points,
      annotations: [],
      peers: [],
    });
    expect(monthly.spcOmitted).toBeNull();
    expect(monthly.spc).not.toBeNull();
  });
});
