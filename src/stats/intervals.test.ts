import { describe, expect, it } from "vitest";
import { poissonCountInterval, poissonRateInterval, wilsonInterval, zForConfidence } from "./intervals.js";

describe("wilsonInterval", () => {
  // Newcombe RG (1998) "Two-sided confidence intervals for the single proportion: comparison of
  // seven methods", Statistics in Medicine 17:857-872, Table I, method 3 (score, no correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])("%i/%i gives %f to %f (Newcombe 1998)", (successes, total, lower, upper) => {
    const interval = wilsonInterval(successes, total);
    expect(interval.lower).toBeCloseTo(lower, 4);
    expect(interval.upper).toBeCloseTo(upper, 4);
    expect(interval.estimate).toBe(successes / total);
  });

  it("reaches exactly 1 when every response is a success", () => {
    expect(wilsonInterval(29, 29).upper).toBe(1);
    expect(wilsonInterval(0, 20).lower).toBe(0);
  });

  it("flags samples under 100 responses, with a configurable threshold", () => {
    expect(wilsonInterval(50, 99).smallSample).toBe(true);
    expect(wilsonInterval(50, 100).smallSample).toBe(false);
    expect(wilsonInterval(50, 100, { smallSampleThreshold: 200 }).smallSample).toBe(true);
  });

  it("widens at 99% and rejects impossible inputs", () => {
    const at95 = wilsonInterval(81, 263);
    const at99 = wilsonInterval(81, 263, { confidenceLevel: 0.99 });
    expect(at99.lower).toBeLessThan(at95.lower);
    expect(at99.upper).toBeGreaterThan(at95.upper);
    expect(() => wilsonInterval(0, 0)).toThrow(/at least one response/);
    expect(() => wilsonInterval(5, 4)).toThrow(/exceed/);
    expect(() => wilsonInterval(1.5, 4)).toThrow(/whole number/);
  });
});

describe("zForConfidence", () => {
  it("gives the textbook 1.96 and 2.576", () => {
    expect(zForConfidence(0.95)).toBeCloseTo(1.959964, 6);
    expect(zForConfidence(0.99)).toBeCloseTo(2.575829, 6);
    expect(() => zForConfidence(1)).toThrow(/between 0 and 1/);
  });
});

describe("poissonCountInterval", () => {
  // Exact Poisson limits as tabulated by e.g. Public Health England's "Technical Guide: Confidence
  // intervals" (Byar/exact tables) and R: poisson.test(10)$conf.int = 4.795389 18.390356.
  it("gives 4.795 to 18.39 for a count of 10 at 95%", () => {
    const interval = poissonCountInterval(10);
    expect(interval.lower).toBeCloseTo(4.795389, 6);
    expect(interval.upper).toBeCloseTo(18.390356, 6);
  });

  // R: poisson.test(0)$conf.int = 0.000000 3.688879; poisson.test(1)$conf.int = 0.0253178 5.5716434.
  it("gives 0 to 3.689 for a count of 0 and 0.0253 to 5.572 for a count of 1", () => {
    expect(poissonCountInterval(0)).toMatchObject({ lower: 0 });
    expect(poissonCountInterval(0).upper).toBeCloseTo(3.688879, 6);
    expect(poissonCountInterval(1).lower).toBeCloseTo(0.0253178, 6);
    expect(poissonCountInterval(1).upper).toBeCloseTo(5.5716434, 6);
  });
});

describe("poissonRateInterval", () => {
  it("scales the count interval to a rate per 1,000", () => {
    // 10 crimes in a population of 2,000: 5 per 1,000, interval 2.398 to 9.195 per 1,000.
    const rate = poissonRateInterval(10, 2000);
    expect(rate.rate).toBe(5);
    expect(rate.lower).toBeCloseTo(2.397694, 6);
    expect(rate.upper).toBeCloseTo(9.195178, 6);
  });

  it("accepts another base and rejects a zero population", () => {
    expect(poissonRateInterval(10, 2000, { per: 100_000 }).rate).toBe(500);
    expect(() => poissonRateInterval(10, 0)).toThrow(/positive/);
  });
});
