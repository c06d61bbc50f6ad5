/**
 * Confidence intervals for the figures a commissioner is shown: survey proportions (Wilson score
 * interval) and crime counts or rates per 1,000 population (exact Poisson, Garwood 1936).
 */
import gammaQuantile from "@stdlib/stats-base-dists-gamma-quantile";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";

export const DEFAULT_CONFIDENCE_LEVEL = 0.95;
/** Below this many responses a survey proportion is flagged as a small sample. */
export const DEFAULT_SMALL_SAMPLE_THRESHOLD = 100;

export interface ProportionInterval {
  successes: number;
  total: number;
  estimate: number;
  lower: number;
  upper: number;
  confidenceLevel: number;
  /** Fewer responses than the threshold: show the figure with a caution. */
  smallSample: boolean;
}

export interface CountInterval {
  count: number;
  lower: number;
  upper: number;
  confidenceLevel: number;
}

export interface RateInterval {
  count: number;
  population: number;
  /** The rate is per this many people (1,000 by default). */
  per: number;
  rate: number;
  lower: number;
  upper: number;
  confidenceLevel: number;
}

/** Two-sided standard normal critical value, e.g. 1.959964 for 95%. */
export function zForConfidence(confidenceLevel: number): number {
  checkConfidenceLevel(confidenceLevel);
  return normalQuantile(1 - (1 - confidenceLevel) / 2, 0, 1);
}

/**
 * Wilson score interval without continuity correction (Newcombe 1998, method 3). Unlike the
 * simple p ± z·se interval it stays inside [0, 1] and behaves at 0% and 100%.
 */
export function wilsonInterval(
  successes: number,
  total: number,
  options: { confidenceLevel?: number; smallSampleThreshold?: number } = {},
): ProportionInterval {
  checkCount(successes, "successes");
  checkCount(total, "total");
  if (total === 0) throw new RangeError("A proportion needs at least one response; total is 0.");
  if (successes > total) throw new RangeError(`successes (${successes}) exceed total (${total}).`);
  const confidenceLevel = options.confidenceLevel ?? DEFAULT_CONFIDENCE_LEVEL;
  const z = zForConfidence(confidenceLevel);
  const p = successes / total;
  const z2 = z * z;
  const centre = p + z2 / (2 * total);
  const spread = z * Math.sqrt((p * (1 - p) + z2 / (4 * total)) / total);
  const divisor = 1 + z2 / total;
  return {
    successes,
    total,
    estimate: p,
    // At 0 or all successes the bound is exactly 0 or 1; the formula gives it only up to rounding.
    lower: successes === 0 ? 0 : (centre - spread) / divisor,
    upper: successes === total ? 1 : (centre + spread) / divisor,
    confidenceLevel,
    smallSample: total < (options.smallSampleThreshold ?? DEFAULT_SMALL_SAMPLE_THRESHOLD),
  };
}

/**
 * Exact (Garwood) interval for a Poisson count from gamma quantiles: lower = Gamma(count, 1)
 * quantile at α/2 (0 for a count of 0), upper = Gamma(count + 1, 1) quantile at 1 − α/2.
 */
export function poissonCountInterval(
  count: number,
  confidenceLevel = DEFAULT_CONFIDENCE_LEVEL,
): CountInterval {
  checkCount(count, "count");
  checkConfidenceLevel(confidenceLevel);
  const alpha = 1 - confidenceLevel;
  return {
    count,
    lower: count === 0 ? 0 : gammaQuantile(alpha / 2, count, 1),
    upper: gammaQuantile(1 - alpha / 2, count + 1, 1),
    confidenceLevel,
  };
}

/** Rate per `per` people (default 1,000) with the exact Poisson interval of its count scaled alike. */
export function poissonRateInterval(
  count: number,
  population: number,
  options: { per?: number; confidenceLevel?: number } = {},
): RateInterval {
  if (!(population > 0) || !Number.isFinite(population)) {
    throw new RangeError(`population must be a positive number; got ${population}.`);
  }
  const per = options.per ?? 1000;
  const interval = poissonCountInterval(count, options.confidenceLevel);
  const scale = per / population;
  return {
    count,
    population,
    per,
    rate: count * scale,
    lower: interval.lower * scale,
    upper: interval.upper * scale,
    confidenceLevel: interval.confidenceLevel,
  };
}

function checkCount(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${name} must be a whole number ≥ 0; got ${value}.`);
}

function checkConfidenceLevel(level: number): void {
  if (!(level > 0 && level < 1))
    throw new RangeError(`confidenceLevel must be between 0 and 1; got ${level}.`);
}
