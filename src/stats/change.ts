/**
 * Change against a comparison period, with a plain-English verdict on whether it is beyond chance:
 * counts by the exact conditional test for two Poisson counts, proportions by Newcombe's hybrid
 * score interval for a difference.
 */
import binomialCdf from "@stdlib/stats-base-dists-binomial-cdf";
import binomialPmf from "@stdlib/stats-base-dists-binomial-pmf";
import { wilsonInterval, DEFAULT_CONFIDENCE_LEVEL } from "./intervals.js";

export type ChangeDirection = "rise" | "fall" | "no change";

export const DEFAULT_SIGNIFICANCE_LEVEL = 0.05;

export const COUNT_TEST_METHOD =
  "Exact conditional test of two Poisson counts: given the total, the current count is binomial " +
  "with probability current exposure / total exposure; two-sided p-value by the method of small " +
  "p-values (as R's poisson.test and binom.test).";

export const PROPORTION_INTERVAL_METHOD =
  "Newcombe's hybrid score interval for the difference of two independent proportions " +
  "(Newcombe 1998, method 10); the change is beyond chance when the interval excludes zero.";

export interface CountChange {
  current: number;
  previous: number;
  currentExposure: number;
  previousExposure: number;
  absoluteChange: number;
  /** Change in the rate per unit exposure, as a percentage; null when the previous count is 0. */
  percentChange: number | null;
  /** null when there is nothing to test (both counts 0). */
  pValue: number | null;
  significant: boolean;
  direction: ChangeDirection;
  statement: string;
  method: string;
}

export interface ProportionChange {
  current: { successes: number; total: number; proportion: number | null };
  previous: { successes: number; total: number; proportion: number | null };
  /** current − previous proportion (0.05 = 5 percentage points); null if either total is 0. */
  difference: number | null;
  lower: number | null;
  upper: number | null;
  confidenceLevel: number;
  significant: boolean;
  direction: ChangeDirection | null;
  statement: string;
  method: string;
}

/**
 * Compares two counts. Exposures (e.g. days in each period, or population) default to equal, in
 * which case the test is of current against previous with probability ½.
 */
export function compareCounts(
  current: number,
  previous: number,
  options: { currentExposure?: number; previousExposure?: number; significanceLevel?: number } = {},
): CountChange {
  checkCount(current, "current");
  checkCount(previous, "previous");
  const currentExposure = options.currentExposure ?? 1;
  const previousExposure = options.previousExposure ?? 1;
  for (const exposure of [currentExposure, previousExposure]) {
    if (!(exposure > 0 && Number.isFinite(exposure)))
      throw new RangeError(`Exposures must be positive; got ${exposure}.`);
  }
  const significanceLevel = options.significanceLevel ?? DEFAULT_SIGNIFICANCE_LEVEL;
  const currentRate = current / currentExposure;
  const previousRate = previous / previousExposure;
  const base = {
    current,
    previous,
    currentExposure,
    previousExposure,
    absoluteChange: current - previous,
    percentChange: previous === 0 ? null : ((currentRate - previousRate) / previousRate) * 100,
    method: COUNT_TEST_METHOD,
  };
  if (current + previous === 0) {
    return {
      ...base,
      pValue: null,
      significant: false,
      direction: "no change",
      statement: "none in either period: no change, and no test is possible",
    };
  }
  const pValue = binomialTwoSidedPValue(
    current,
    current + previous,
    currentExposure / (currentExposure + previousExposure),
  );
  const direction = directionOf(currentRate - previousRate);
  const significant = pValue < significanceLevel && direction !== "no change";
  return {
    ...base,
    pValue,
    significant,
    direction,
    statement: significant
      ? `a ${direction} beyond chance (${formatPValue(pValue)})`
      : `not a significant change (${formatPValue(pValue)})`,
  };
}

/**
 * Two-sided exact binomial p-value by the method of small p-values, as R's binom.test computes it:
 * the probability of every outcome no more likely than the observed one, with R's relative
 * tolerance of 1 + 1e-7 so that outcomes equally likely up to rounding are counted.
 */
export function binomialTwoSidedPValue(successes: number, trials: number, probability: number): number {
  checkCount(successes, "successes");
  checkCount(trials, "trials");
  if (successes > trials) throw new RangeError(`successes (${successes}) exceed trials (${trials}).`);
  if (!(probability >= 0 && probability <= 1))
    throw new RangeError(`probability must be in [0, 1]; got ${probability}.`);
  const mean = trials * probability;
  // R returns exactly 1 when the observed count equals its expectation.
  if (successes === mean) return 1;
  const pmf = (k: number) => binomialPmf(k, trials, probability);
  const observed = pmf(successes) * (1 + 1e-7);
  // The distribution rises to its mode and falls after it, so the outcomes on the far side of the mean
  // that are no more likely than the observed one form a tail, found by bisection rather than by
  // visiting all trials + 1 outcomes (millions for a year of a large force's crime).
  const firstNoMoreLikely = (from: number, to: number, step: 1 | -1): number => {
    let [likely, unlikely] = [from - step, to + step];
    while (Math.abs(unlikely - likely) > 1) {
      const middle = Math.floor((likely + unlikely) / 2);
      if (pmf(middle) <= observed) unlikely = middle;
      else likely = middle;
    }
    return unlikely;
  };
  const atMost = (k: number) => (k < 0 ? 0 : binomialCdf(k, trials, probability));
  // P(X ≥ k) as the lower tail of the failures, which keeps its precision when it is tiny.
  const atLeast = (k: number) => (k > trials ? 0 : binomialCdf(trials - k, trials, 1 - probability));
  const pValue =
    successes < mean
      ? atMost(successes) + atLeast(firstNoMoreLikely(Math.ceil(mean), trials, 1))
      : atMost(firstNoMoreLikely(Math.floor(mean), 0, -1)) + atLeast(successes);
  return Math.min(1, pValue);
}

/** Compares two proportions, e.g. survey satisfaction this year against last. */
export function compareProportions(
  current: { successes: number; total: number },
  previous: { successes: number; total: number },
  options: { confidenceLevel?: number } = {},
): ProportionChange {
  const confidenceLevel = options.confidenceLevel ?? DEFAULT_CONFIDENCE_LEVEL;
  const describe = (side: { successes: number; total: number }) => ({
    ...side,
    proportion: side.total === 0 ? null : side.successes / side.total,
  });
  const base = { current: describe(current), previous: describe(previous), confidenceLevel };
  const empty = [current.total === 0 ? "current" : null, previous.total === 0 ? "previous" : null].filter(
    (name) => name !== null,
  );
  if (empty.length > 0) {
    return {
      ...base,
      difference: null,
      lower: null,
      upper: null,
      significant: false,
      direction: null,
      statement: `no responses in the ${empty.join(" or the ")} period: no comparison is possible`,
      method: PROPORTION_INTERVAL_METHOD,
    };
  }
  const interval = newcombeDifferenceInterval(current, previous, confidenceLevel);
  const significant = interval.lower > 0 || interval.upper < 0;
  const direction = directionOf(interval.difference);
  const level = `${Math.round(confidenceLevel * 1000) / 10}%`;
  const detail =
    `${formatPoints(interval.difference, true)} percentage points, ${level} interval ` +
    `${formatPoints(interval.lower, false)} to ${formatPoints(interval.upper, false)}`;
  return {
    ...base,
    ...interval,
    significant,
    direction,
    statement: significant
      ? `a ${direction} beyond chance (${detail})`
      : `not a significant change (${detail})`,
    method: PROPORTION_INTERVAL_METHOD,
  };
}

/**
 * Newcombe (1998) method 10: combines the Wilson intervals (l, u) of each proportion,
 * lower = d − √((p1 − l1)² + (u2 − p2)²), upper = d + √((u1 − p1)² + (p2 − l2)²), d = p1 − p2.
 */
export function newcombeDifferenceInterval(
  first: { successes: number; total: number },
  second: { successes: number; total: number },
  confidenceLevel = DEFAULT_CONFIDENCE_LEVEL,
): { difference: number; lower: number; upper: number } {
  const a = wilsonInterval(first.successes, first.total, { confidenceLevel });
  const b = wilsonInterval(second.successes, second.total, { confidenceLevel });
  const difference = a.estimate - b.estimate;
  return {
    difference,
    lower: difference - Math.hypot(a.estimate - a.lower, b.upper - b.estimate),
    upper: difference + Math.hypot(a.upper - a.estimate, b.estimate - b.lower),
  };
}

/** "p = 0.41", "p = 0.003" or "p < 0.001": two decimals above 0.1, three below. */
export function formatPValue(pValue: number): string {
  if (pValue < 0.001) return "p < 0.001";
  return `p = ${pValue.toFixed(pValue < 0.1 ? 3 : 2)}`;
}

function formatPoints(proportion: number, signed: boolean): string {
  const points = (proportion * 100).toFixed(1);
  const text = points === "-0.0" ? "0.0" : points;
  return signed && proportion > 0 ? `+${text}` : text.replace("-", "\u2212");
}

function directionOf(change: number): ChangeDirection {
  return change > 0 ? "rise" : change < 0 ? "fall" : "no change";
}

function checkCount(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${name} must be a whole number ≥ 0; got ${value}.`);
}
