/**
 * Most Similar Group (MSG) comparison of a force with its peers, by funnel plot (Spiegelhalter
 * 2005, "Funnel plots for comparing institutional performance", Statistics in Medicine 24:1185).
 * This is our own method: the Home Office's iQuanta method is not public, so figures here may
 * differ from iQuanta's and are labelled as Scrutineer's.
 */
import binomialCdf from "@stdlib/stats-base-dists-binomial-cdf";
import binomialQuantile from "@stdlib/stats-base-dists-binomial-quantile";
import poissonQuantile from "@stdlib/stats-base-dists-poisson-quantile";
import gammaln from "@stdlib/math-base-special-gammaln";

export const MSG_METHOD_LABEL =
  "Scrutineer's funnel-plot method; the Home Office iQuanta method is not public";

export const MSG_METHOD_DESCRIPTION =
  "MSG average: the plain (unweighted) mean of the rates of the forces with complete data, the " +
  "focus force included. Funnel limits: the 95% and 99.8% ranges a force of that size would fall " +
  "in by chance alone if its true rate were the MSG average, from exact Poisson (rates) or " +
  "binomial (proportions) quantiles, interpolated between whole counts as Spiegelhalter (2005) " +
  "describes so the limits are smooth in the force's size.";

export type Polarity = "higher is better" | "lower is better" | "neutral";
/** 'rate': numerator per `per` of population (Poisson funnel); 'proportion': numerator out of denominator (binomial funnel). */
export type MeasureKind = "rate" | "proportion";
export type FunnelVerdict = "significantly above" | "significantly below" | "within";
export type Assessment = "better" | "worse" | "no different";

export interface ForceFigure {
  forceId: string;
  /** A count: crimes, or successes for a proportion. */
  numerator: number;
  /** Population for a rate, or the base (number of cases) for a proportion. */
  denominator: number;
  /** False when the force's data for the period is missing or partial: it is then excluded. */
  complete: boolean;
  note?: string;
}

export interface MsgOptions {
  focusForceId: string;
  kind: MeasureKind;
  polarity: Polarity;
  /** Rates are per this many population (default 1,000). Ignored for proportions. */
  per?: number;
}

export interface FunnelLimits {
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
}

export interface ForceComparison {
  forceId: string;
  isFocus: boolean;
  numerator: number;
  denominator: number;
  /** Per `per` population for a rate; a fraction (0 to 1) for a proportion. */
  value: number;
  /** 1 = best by polarity (highest first for a neutral measure); tied forces share a position. */
  position: number;
  limits: FunnelLimits;
  verdict95: FunnelVerdict;
  verdict998: FunnelVerdict;
  /** Null for a neutral measure. */
  assessment95: Assessment | null;
  assessment998: Assessment | null;
}

export interface MsgComparison {
  method: string;
  methodDescription: string;
  kind: MeasureKind;
  polarity: Polarity;
  per: number | null;
  average: number;
  positionMeaning: string;
  /** Included forces in position order. */
  forces: ForceComparison[];
  /** Forces left out of the average, positions and funnel because their data is incomplete. */
  excluded: { forceId: string; note: string }[];
  /** Null when the focus force is itself excluded. */
  focus: ForceComparison | null;
}

export function compareWithMsg(figures: ForceFigure[], options: MsgOptions): MsgComparison {
  validateFigures(figures, options);
  const per = options.kind === "rate" ? (options.per ?? 1000) : null;
  const scale = per ?? 1;
  const included = figures.filter((f) => f.complete);
  const excluded = figures
    .filter((f) => !f.complete)
    .map((f) => ({ forceId: f.forceId, note: f.note ?? "Data incomplete for this period." }));
  if (included.length === 0)
    throw new Error("No force in the group has complete data: there is nothing to compare.");

  const valueOf = (f: ForceFigure) => (f.numerator / f.denominator) * scale;
  const average = included.reduce((sum, f) => sum + valueOf(f), 0) / included.length;
  const higherFirst = options.polarity !== "lower is better";

  const forces = included.map((figure): ForceComparison => {
    const value = valueOf(figure);
    const limits = funnelLimits(options.kind, average / scale, figure.denominator, scale);
    const verdict95 = verdictOf(value, limits.lower95, limits.upper95);
    const verdict998 = verdictOf(value, limits.lower998, limits.upper998);
    return {
      forceId: figure.forceId,
      isFocus: figure.forceId === options.focusForceId,
      numerator: figure.numerator,
      denominator: figure.denominator,
      value,
      // Competition ranking ("1, 2, 2, 4"); ties compared by cross-multiplying, free of rounding.
      position:
        1 +
        included.filter((other) => {
          const difference = other.numerator * figure.denominator - figure.numerator * other.denominator;
          return higherFirst ? difference > 0 : difference < 0;
        }).length,
      limits,
      verdict95,
      verdict998,
      assessment95: assessmentOf(verdict95, options.polarity),
      assessment998: assessmentOf(verdict998, options.polarity),
    };
  });
  forces.sort((a, b) => a.position - b.position || a.forceId.localeCompare(b.forceId));

  return {
    method: MSG_METHOD_LABEL,
    methodDescription: MSG_METHOD_DESCRIPTION,
    kind: options.kind,
    polarity: options.polarity,
    per,
    average,
    positionMeaning:
      options.polarity === "neutral"
        ? "Position 1 is the highest value (this measure has no better or worse direction)."
        : `Position 1 is the best: the ${options.polarity === "higher is better" ? "highest" : "lowest"} value.`,
    forces,
    excluded,
    focus: forces.find((f) => f.isFocus) ?? null,
  };
}

/**
 * Funnel limits around `target` (per person, or a fraction) for a force of size `denominator`,
 * in display units (`scale` per person for a rate).
 */
export function funnelLimits(
  kind: MeasureKind,
  target: number,
  denominator: number,
  scale = 1,
): FunnelLimits {
  const limit = (p: number) => interpolatedQuantile(kind, p, target, denominator) * scale;
  return { lower95: limit(0.025), upper95: limit(0.975), lower998: limit(0.001), upper998: limit(0.999) };
}

/**
 * Spiegelhalter (2005), appendix: with r the p-quantile of the count and F its distribution
 * function, α = (F(r) − p) / (F(r) − F(r − 1)) and the limit is (r − α) / n. This turns the
 * step function of a discrete quantile into a continuous curve. Clipped to the possible range.
 */
function interpolatedQuantile(kind: MeasureKind, p: number, target: number, n: number): number {
  // A target of 0 (or 100%) leaves no room for chance; the formula would put limits off it.
  if (target === 0 || (kind === "proportion" && target === 1)) return target;
  const cdf = (k: number) =>
    k < 0 ? 0 : kind === "rate" ? poissonCdf(k, target * n) : binomialCdf(k, n, target);
  const r = kind === "rate" ? poissonQuantile(p, target * n) : binomialQuantile(p, n, target);
  const atR = cdf(r);
  const belowR = cdf(r - 1);
  const alpha = atR === belowR ? 0 : (atR - p) / (atR - belowR);
  const limit = Math.max(0, (r - alpha) / n);
  return kind === "proportion" ? Math.min(1, limit) : limit;
}

/**
 * P(X ≤ k) for X ~ Poisson(mean). Summed outward from P(X = k) (from its logarithm, so that a force's
 * annual crime count does not underflow e^(−mean)) over the shorter tail, until the terms no longer
 * add anything: about √mean terms, not k. (stdlib's gamma-function cdf is off by 0.6% in the lower
 * tail at means of a few thousand, against scipy.)
 */
export function poissonCdf(k: number, mean: number): number {
  if (k < 0) return 0;
  if (mean === 0) return 1;
  const whole = Math.floor(k);
  const probabilityOf = (i: number) => Math.exp(i * Math.log(mean) - mean - gammaln(i + 1));
  if (whole < mean) {
    let lower = 0;
    for (let i = whole, term = probabilityOf(whole); i >= 0 && term > lower * 1e-17; i -= 1) {
      lower += term;
      term *= i / mean;
    }
    return lower;
  }
  let upper = 0;
  for (let i = whole + 1, term = probabilityOf(whole + 1); term > upper * 1e-17; i += 1) {
    upper += term;
    term *= mean / (i + 1);
  }
  return 1 - upper;
}

function verdictOf(value: number, lower: number, upper: number): FunnelVerdict {
  if (value > upper) return "significantly above";
  if (value < lower) return "significantly below";
  return "within";
}

function assessmentOf(verdict: FunnelVerdict, polarity: Polarity): Assessment | null {
  if (polarity === "neutral") return null;
  if (verdict === "within") return "no different";
  const aboveIsBetter = polarity === "higher is better";
  return (verdict === "significantly above") === aboveIsBetter ? "better" : "worse";
}

function validateFigures(figures: ForceFigure[], options: MsgOptions): void {
  const ids = new Set<string>();
  for (const f of figures) {
    if (ids.has(f.forceId)) throw new Error(`Force ${f.forceId} appears more than once.`);
    ids.add(f.forceId);
    if (!Number.isInteger(f.numerator) || f.numerator < 0) {
      throw new RangeError(`${f.forceId}: numerator must be a whole number ≥ 0; got ${f.numerator}.`);
    }
    if (!(f.denominator > 0 && Number.isFinite(f.denominator))) {
      throw new RangeError(`${f.forceId}: denominator must be positive; got ${f.denominator}.`);
    }
    if (options.kind === "proportion" && (!Number.isInteger(f.denominator) || f.numerator > f.denominator)) {
      throw new RangeError(`${f.forceId}: a proportion needs a whole-number base at least the numerator.`);
    }
  }
  if (!ids.has(options.focusForceId))
    throw new Error(`The focus force ${options.focusForceId} is not in the group.`);
}

// ---------------------------------------------------------------------------------------------
// Missing or partial force-months

export interface ForceMonthlyCounts {
  forceId: string;
  /** Count by month ("YYYY-MM"); a month with no entry is missing. */
  counts: Record<string, number>;
}

export interface DataGap {
  forceId: string;
  month: string;
  kind: "missing" | "partial";
  count: number | null;
  /** Median of the force's reported months in the range; null if it reported none. */
  forceMedian: number | null;
  note: string;
}

export const DEFAULT_PARTIAL_MONTH_FRACTION = 0.5;

/**
 * Flags force-months that are absent, or below `partialFraction` of that force's median month
 * (a sign of a partial upload, as data.police.uk sometimes has), so they are excluded rather
 * than averaged in silently.
 */
export function findDataGaps(
  series: ForceMonthlyCounts[],
  months: string[],
  options: { partialFraction?: number } = {},
): DataGap[] {
  const fraction = options.partialFraction ?? DEFAULT_PARTIAL_MONTH_FRACTION;
  const gaps: DataGap[] = [];
  for (const { forceId, counts } of series) {
    const reported = months.filter((m) => counts[m] !== undefined).map((m) => counts[m] as number);
    const forceMedian = reported.length === 0 ? null : median(reported);
    for (const month of months) {
      const count = counts[month];
      if (count === undefined) {
        gaps.push({
          forceId,
          month,
          kind: "missing",
          count: null,
          forceMedian,
          note: `No data for ${month}.`,
        });
      } else if (forceMedian !== null && count < fraction * forceMedian) {
        gaps.push({
          forceId,
          month,
          kind: "partial",
          count,
          forceMedian,
          note:
            `${month}: ${count}, under ${Math.round(fraction * 100)}% of this force's median month ` +
            `(${forceMedian}); the month looks only partly reported.`,
        });
      }
    }
  }
  return gaps;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
