import { describe, expect, it } from "vitest";
import type { ForceFigure } from "./msg.js";
import { MSG_METHOD_LABEL, compareWithMsg, findDataGaps, funnelLimits, poissonCdf } from "./msg.js";

describe("poissonCdf", () => {
  it("matches the closed form P(X ≤ 2 | mean 1) = 2.5/e", () => {
    expect(poissonCdf(2, 1)).toBeCloseTo(2.5 / Math.E, 14);
    expect(poissonCdf(0, 3)).toBeCloseTo(Math.exp(-3), 15);
    expect(poissonCdf(-1, 3)).toBe(0);
  });

  it("does not underflow at force-sized means (normal approximation: P(Z ≤ 1.58) ≈ 0.943)", () => {
    // mean 100,000, k = 100,500: z = (500.5) / 316.23 = 1.583, Φ(1.583) = 0.9433.
    expect(poissonCdf(100_500, 100_000)).toBeCloseTo(0.9432, 3);
  });

  // scipy.stats.poisson.cdf(4041, 4167.484722742822) = 0.0250611338421386 and cdf(4293, …) =
  // 0.9741054122543839 (scipy 1.17): a funnel limit's tails at a force's size.
  it("reproduces scipy in both tails at a mean of a few thousand", () => {
    expect(poissonCdf(4041, 4167.484722742822)).toBeCloseTo(0.0250611338421386, 12);
    expect(poissonCdf(4293, 4167.484722742822)).toBeCloseTo(0.9741054122543839, 12);
  });
});

describe("funnelLimits (Spiegelhalter 2005 interpolation)", () => {
  // Worked by hand from Spiegelhalter's appendix formula with Poisson(2) probabilities:
  // F(4) = 0.947347, F(5) = 0.983436, so r = 5, α = (0.983436 − 0.975)/(0.983436 − 0.947347) = 0.23376
  // and the upper 95% limit is (5 − 0.23376)/1000 per person = 4.7662 per 1,000.
  it("gives a Poisson upper 95% limit of 4.7662 per 1,000 for an expected count of 2", () => {
    const limits = funnelLimits("rate", 0.002, 1000, 1000);
    expect(limits.upper95).toBeCloseTo(4.766236, 5);
    expect(limits.upper998).toBeCloseTo(7.112559, 5);
    expect(limits.lower95).toBe(0);
  });

  // Same formula with Binomial(200, 0.3) probabilities (values checked against an independent
  // computation with scipy.stats.binom).
  it("gives binomial limits 0.2350 to 0.3620 (95%) and 0.2005 to 0.4001 (99.8%) for 30% of 200", () => {
    const limits = funnelLimits("proportion", 0.3, 200);
    expect(limits.lower95).toBeCloseTo(0.235031, 5);
    expect(limits.upper95).toBeCloseTo(0.362041, 5);
    expect(limits.lower998).toBeCloseTo(0.200523, 5);
    expect(limits.upper998).toBeCloseTo(0.400105, 5);
  });

  it("puts every limit on the target when the target is 0 or 100%", () => {
    expect(funnelLimits("proportion", 1, 50)).toStrictEqual({
      lower95: 1,
      upper95: 1,
      lower998: 1,
      upper998: 1,
    });
    expect(funnelLimits("rate", 0, 5000, 1000)).toStrictEqual({
      lower95: 0,
      upper95: 0,
      lower998: 0,
      upper998: 0,
    });
  });

  it("approaches the normal approximation θ ± 1.96·√(θ/n) for a large force", () => {
    const limits = funnelLimits("rate", 0.01, 1_000_000, 1000);
    expect(limits.upper95).toBeCloseTo(10 + 1.96 * Math.sqrt(0.01 / 1_000_000) * 1000, 2);
    expect(limits.lower95).toBeCloseTo(10 - 1.96 * Math.sqrt(0.01 / 1_000_000) * 1000, 2);
  });
});

describe("compareWithMsg", () => {
  const group: ForceFigure[] = [
    { forceId: "a", numerator: 9000, denominator: 1_000_000, complete: true },
    { forceId: "b", numerator: 12_000, denominator: 1_200_000, complete: true },
    { forceId: "c", numerator: 5500, denominator: 500_000, complete: true },
    { forceId: "focus", numerator: 8000, denominator: 800_000, complete: true },
    {
      forceId: "e",
      numerator: 100,
      denominator: 900_000,
      complete: false,
      note: "March 2025 not published.",
    },
  ];

  it("averages complete forces only (unweighted) and lists the incomplete with their note", () => {
    const result = compareWithMsg(group, {
      focusForceId: "focus",
      kind: "rate",
      polarity: "lower is better",
    });
    // (9 + 10 + 11 + 10) / 4 = 10 per 1,000; force e's 0.11 is not averaged in.
    expect(result.average).toBeCloseTo(10, 12);
    expect(result.excluded).toStrictEqual([{ forceId: "e", note: "March 2025 not published." }]);
    expect(result.forces.map((f) => f.forceId)).not.toContain("e");
    expect(result.method).toBe(MSG_METHOD_LABEL);
    expect(result.per).toBe(1000);
  });

  it("ranks lowest first when lower is better, with ties sharing a position", () => {
    const result = compareWithMsg(group, {
      focusForceId: "focus",
      kind: "rate",
      polarity: "lower is better",
    });
    expect(result.forces.map((f) => [f.forceId, f.position])).toStrictEqual([
      ["a", 1],
      ["b", 2],
      ["focus", 2],
      ["c", 4],
    ]);
    expect(result.focus).toMatchObject({ forceId: "focus", value: 10, position: 2, verdict95: "within" });
  });

  it("calls a force far below the average better when lower is better, and far above worse", () => {
    const result = compareWithMsg(group, {
      focusForceId: "focus",
      kind: "rate",
      polarity: "lower is better",
    });
    const byId = new Map(result.forces.map((f) => [f.forceId, f]));
    expect(byId.get("a")).toMatchObject({
      verdict95: "significantly below",
      verdict998: "significantly below",
    });
    expect(byId.get("a")?.assessment998).toBe("better");
    expect(byId.get("c")).toMatchObject({ verdict998: "significantly above", assessment998: "worse" });
    expect(byId.get("b")?.assessment95).toBe("no different");
  });

  it("reverses the ranking and the assessment when higher is better; gives none when neutral", () => {
    const higher = compareWithMsg(group, {
      focusForceId: "focus",
      kind: "rate",
      polarity: "higher is better",
    });
    expect(higher.forces[0]).toMatchObject({ forceId: "c", position: 1, assessment95: "better" });
    const neutral = compareWithMsg(group, { focusForceId: "focus", kind: "rate", polarity: "neutral" });
    expect(neutral.forces[0]).toMatchObject({ forceId: "c", position: 1, assessment95: null });
    expect(neutral.positionMeaning).toMatch(/no better or worse/);
  });

  it("compares proportions on a binomial funnel", () => {
    const result = compareWithMsg(
      [
        { forceId: "x", numerator: 60, denominator: 200, complete: true },
        { forceId: "y", numerator: 90, denominator: 300, complete: true },
        { forceId: "z", numerator: 85, denominator: 200, complete: true },
      ],
      { focusForceId: "z", kind: "proportion", polarity: "higher is better" },
    );
    expect(result.per).toBeNull();
    // Average (0.3 + 0.3 + 0.425) / 3 = 0.341667; z's 0.425 on 200 is above the 95% limit only.
    expect(result.average).toBeCloseTo(0.341667, 6);
    expect(result.focus).toMatchObject({
      verdict95: "significantly above",
      verdict998: "within",
      position: 1,
    });
  });

  it("gives no focus result when the focus force is incomplete, and refuses bad input", () => {
    expect(compareWithMsg(group, { focusForceId: "e", kind: "rate", polarity: "neutral" }).focus).toBeNull();
    expect(() => compareWithMsg(group, { focusForceId: "zz", kind: "rate", polarity: "neutral" })).toThrow(
      /not in the group/,
    );
    expect(() =>
      compareWithMsg([{ forceId: "a", numerator: 1, denominator: 0, complete: true }], {
        focusForceId: "a",
        kind: "rate",
        polarity: "neutral",
      }),
    ).toThrow(/positive/);
  });
});

describe("findDataGaps", () => {
  const months = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"];

  it("flags absent months and months under half the force's median", () => {
    const gaps = findDataGaps(
      [
        { forceId: "a", counts: { "2025-01": 400, "2025-02": 410, "2025-03": 150, "2025-05": 420 } },
        {
          forceId: "b",
          counts: { "2025-01": 90, "2025-02": 100, "2025-03": 95, "2025-04": 50, "2025-05": 105 },
        },
      ],
      months,
    );
    // a: median of 150, 400, 410, 420 = 405, so 150 < 202.5 is partial; April is missing.
    // b: median 95, so 50 is not under 47.5 and nothing is flagged.
    expect(gaps.map((g) => [g.forceId, g.month, g.kind])).toStrictEqual([
      ["a", "2025-03", "partial"],
      ["a", "2025-04", "missing"],
    ]);
    expect(gaps[0]?.note).toBe(
      "2025-03: 150, under 50% of this force's median month (405); the month looks only partly reported.",
    );
    expect(gaps[1]?.note).toBe("No data for 2025-04.");
  });

  it("uses a configurable fraction and reports a force with no data at all", () => {
    const counts = { "2025-01": 100, "2025-02": 100, "2025-03": 70, "2025-04": 100, "2025-05": 100 };
    expect(findDataGaps([{ forceId: "a", counts }], months, { partialFraction: 0.8 })).toHaveLength(1);
    const none = findDataGaps([{ forceId: "z", counts: {} }], months);
    expect(none).toHaveLength(5);
    expect(none.every((g) => g.kind === "missing" && g.forceMedian === null)).toBe(true);
  });
});
