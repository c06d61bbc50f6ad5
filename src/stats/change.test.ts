import { describe, expect, it } from "vitest";
import {
  binomialTwoSidedPValue,
  compareCounts,
  compareProportions,
  formatPValue,
  newcombeDifferenceInterval,
} from "./change.js";

describe("binomialTwoSidedPValue (method of small p-values, as R's binom.test)", () => {
  // R documentation, ?binom.test example (Mendel's peas): binom.test(c(682, 243), p = 3/4)
  // prints "p-value = 0.3825".
  it("reproduces R's binom.test(682, 925, p = 3/4): p = 0.3825", () => {
    expect(binomialTwoSidedPValue(682, 925, 3 / 4)).toBeCloseTo(0.3825, 4);
  });

  // R: binom.test(10, 30)$p.value = 0.09873715 (also scipy.stats.binomtest(10, 30).pvalue).
  it("reproduces binom.test(10, 30): p = 0.098737", () => {
    expect(binomialTwoSidedPValue(10, 30, 0.5)).toBeCloseTo(0.0987371467, 9);
  });

  it("is 1 at the expected value and tiny far from it", () => {
    expect(binomialTwoSidedPValue(50, 100, 0.5)).toBe(1);
    expect(binomialTwoSidedPValue(0, 100, 0.5)).toBeCloseTo(2 * 0.5 ** 100, 40);
  });

  it("copes with large counts without underflow", () => {
    // 52,000 v 50,000 crimes: a 4% rise on a force-sized count is far beyond chance.
    const pValue = binomialTwoSidedPValue(52_000, 102_000, 0.5);
    expect(pValue).toBeGreaterThan(0);
    expect(pValue).toBeLessThan(1e-9);
    // ...but 50,100 v 50,000 is not.
    expect(binomialTwoSidedPValue(50_100, 100_100, 0.5)).toBeGreaterThan(0.7);
  });

  // scipy.stats.binomtest(10250, 20000).pvalue = 0.000417714805494 and
  // binomtest(3000, 5500, 0.52).pvalue = 0.000157423512968 (scipy 1.17).
  it("reproduces scipy's binomtest at force-sized counts", () => {
    expect(binomialTwoSidedPValue(10_250, 20_000, 0.5)).toBeCloseTo(0.000417714805494, 14);
    expect(binomialTwoSidedPValue(3_000, 5_500, 0.52)).toBeCloseTo(0.000157423512968, 14);
  });

  it("equals the definition, the sum over every outcome no more likely than the observed one", () => {
    const byDefinition = (x: number, n: number, p: number) => {
      const pmf = (k: number) => Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
      let sum = 0;
      for (let k = 0; k <= n; k += 1) if (pmf(k) <= pmf(x) * (1 + 1e-7)) sum += pmf(k);
      return Math.min(1, sum);
    };
    for (const n of [1, 2, 7, 30, 61]) {
      for (const p of [0.03, 0.25, 0.5, 0.61, 0.9]) {
        for (let x = 0; x <= n; x += 1) {
          if (x === n * p) continue;
          const expected = byDefinition(x, n, p);
          expect(Math.abs(binomialTwoSidedPValue(x, n, p) - expected)).toBeLessThan(1e-12 + expected * 1e-9);
        }
      }
    }
  });
});

function logChoose(n: number, k: number): number {
  let sum = 0;
  for (let i = 1; i <= k; i += 1) sum += Math.log((n - k + i) / i);
  return sum;
}

describe("compareCounts", () => {
  // R documentation, ?poisson.test example (eba1977, Fredericia against the other three cities):
  // poisson.test(c(11, 6 + 8 + 7), c(800, 1083 + 1050 + 878)) prints "p-value = 0.07967".
  it("reproduces R's poisson.test(c(11, 21), c(800, 3011)): p = 0.07967", () => {
    const change = compareCounts(11, 21, { currentExposure: 800, previousExposure: 3011 });
    expect(change.pValue).toBeCloseTo(0.07967, 5);
    expect(change.significant).toBe(false);
    expect(change.direction).toBe("rise");
    expect(change.statement).toBe("not a significant change (p = 0.080)");
    // The percentage compares rates per unit exposure, not raw counts.
    expect(change.percentChange).toBeCloseTo((11 / 800 / (21 / 3011) - 1) * 100, 10);
  });

  // R: poisson.test(c(30, 60))$p.value = 0.002060266 (binom.test(30, 90)).
  it("calls 60 against 30 in equal periods a rise beyond chance (p = 0.002)", () => {
    const change = compareCounts(60, 30);
    expect(change.pValue).toBeCloseTo(0.0020602657, 9);
    expect(change).toMatchObject({
      significant: true,
      direction: "rise",
      absoluteChange: 30,
      percentChange: 100,
    });
    expect(change.statement).toBe("a rise beyond chance (p = 0.002)");
    expect(compareCounts(30, 60).statement).toBe("a fall beyond chance (p = 0.002)");
  });

  it("says no test is possible when both counts are zero", () => {
    const change = compareCounts(0, 0);
    expect(change).toMatchObject({
      pValue: null,
      significant: false,
      direction: "no change",
      percentChange: null,
    });
    expect(change.statement).toMatch(/no test is possible/);
  });

  it("leaves the percentage undefined when the previous count is zero, but still tests", () => {
    const change = compareCounts(8, 0);
    expect(change.percentChange).toBeNull();
    // binom.test(8, 8): p = 2 × 0.5^8 = 0.0078125.
    expect(change.pValue).toBeCloseTo(0.0078125, 12);
    expect(change.significant).toBe(true);
  });

  it("rejects negative or fractional counts", () => {
    expect(() => compareCounts(-1, 3)).toThrow(/whole number/);
    expect(() => compareCounts(1, 3, { currentExposure: 0 })).toThrow(/positive/);
  });
});

describe("newcombeDifferenceInterval", () => {
  // Newcombe RG (1998) "Interval estimation for the difference between independent proportions:
  // comparison of eleven methods", Statistics in Medicine 17:873-890, Table II, method 10.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
    [10, 10, 0, 10, 0.6075, 1],
  ])("%i/%i − %i/%i gives %f to %f", (s1, n1, s2, n2, lower, upper) => {
    const interval = newcombeDifferenceInterval({ successes: s1, total: n1 }, { successes: s2, total: n2 });
    expect(interval.lower).toBeCloseTo(lower, 4);
    expect(interval.upper).toBeCloseTo(upper, 4);
  });
});

describe("compareProportions", () => {
  it("calls 56/70 against 48/80 a rise beyond chance (interval 5.2 to 33.4 points, Newcombe 1998)", () => {
    const change = compareProportions({ successes: 56, total: 70 }, { successes: 48, total: 80 });
    expect(change.significant).toBe(true);
    expect(change.difference).toBeCloseTo(0.2, 12);
    expect(change.statement).toBe("a rise beyond chance (+20.0 percentage points, 95% interval 5.2 to 33.4)");
  });

  it("calls 5/56 against 0/29 not significant (interval −3.8 to 19.3 points, Newcombe 1998)", () => {
    const change = compareProportions({ successes: 5, total: 56 }, { successes: 0, total: 29 });
    expect(change.significant).toBe(false);
    expect(change.statement).toBe(
      "not a significant change (+8.9 percentage points, 95% interval \u22123.8 to 19.3)",
    );
  });

  it("calls a mirrored change a fall", () => {
    const change = compareProportions({ successes: 48, total: 80 }, { successes: 56, total: 70 });
    expect(change).toMatchObject({ significant: true, direction: "fall" });
  });

  it("says no comparison is possible when a period has no responses", () => {
    const change = compareProportions({ successes: 0, total: 0 }, { successes: 3, total: 10 });
    expect(change).toMatchObject({ difference: null, significant: false, direction: null });
    expect(change.statement).toBe("no responses in the current period: no comparison is possible");
    expect(compareProportions({ successes: 0, total: 0 }, { successes: 0, total: 0 }).statement).toBe(
      "no responses in the current or the previous period: no comparison is possible",
    );
  });
});

describe("formatPValue", () => {
  it("rounds as the statements show", () => {
    expect(formatPValue(0.4132)).toBe("p = 0.41");
    expect(formatPValue(0.0031)).toBe("p = 0.003");
    expect(formatPValue(0.0004)).toBe("p < 0.001");
  });
});
