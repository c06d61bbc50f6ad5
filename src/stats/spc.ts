/**
 * XmR ("plot the dots") statistical process control charts, reproducing NHSRplotthedots 0.2.2
 * (NHS England "Making Data Count") rule for rule, including its quirks, so that a figure shown
 * in Scrutineer can be checked against the NHS-R implementation. Field names and values of the
 * output mirror the package's output (snake_case) so they can be printed in the same form.
 */

export type ImprovementDirection = "increase" | "decrease" | "neutral";

export type PointType =
  | "common_cause"
  | "special_cause_improvement"
  | "special_cause_concern"
  | "special_cause_neutral_high"
  | "special_cause_neutral_low";

export type AssuranceType = "consistent_pass" | "consistent_fail" | "inconsistent";

/** Run lengths the trend and shift rules may use: Making Data Count uses 7; some NHS bodies use 6. */
export type RuleLength = 6 | 7;

export interface SpcOptions {
  improvementDirection: ImprovementDirection;
  /** Drop moving ranges of at least 3.267 × their mean before setting the limits (default true). */
  screenOutliers?: boolean;
  target?: number;
  /** Fix the centre line and limits of each group on its first n points (n ≥ 12). */
  fixAfterNPoints?: number;
  /** ISO dates ("YYYY-MM-DD") at which a new group, with its own mean and limits, starts. */
  rebase?: string[];
  /** Consecutive strictly rising/falling points that make a trend (default 7). */
  trendLength?: RuleLength;
  /** Consecutive points on one side of the mean that make a shift (default 7). */
  shiftLength?: RuleLength;
}

export interface SpcInput {
  /** ISO dates ("YYYY-MM-DD"), unique, in any order. */
  x: string[];
  y: number[];
}

export interface SpcPoint {
  x: string;
  y: number;
  mean: number;
  /** Limits are null when undefined (no moving range left in the group), as NaN is in the package. */
  lpl: number | null;
  upl: number | null;
  nlpl: number | null;
  nupl: number | null;
  point_type: PointType;
  special_cause_type: string;
  special_cause_flag: boolean;
  outside_limits: boolean | null;
  close_to_limits: boolean | null;
  relative_to_mean: -1 | 0 | 1;
  rebase_group: number;
  short_group_warning: boolean;
  fix_y: number | null;
  target: number | null;
}

export interface SpcGroupSummary {
  rebase_group: number;
  n: number;
  n_used_for_limits: number;
  mean: number;
  lpl: number | null;
  upl: number | null;
  amr: number | null;
  screened_moving_ranges: number;
  common_cause: number;
  special_cause_improvement: number;
  special_cause_concern: number;
  variation_type: PointType;
}

export interface SpcSummary {
  variation_type: PointType;
  assurance_type: AssuranceType | null;
  groups: SpcGroupSummary[];
}

export interface SpcResult {
  points: SpcPoint[];
  summary: SpcSummary;
  warnings: string[];
}

/** The package's minimum baseline length. */
export const MIN_FIX_AFTER_N_POINTS = 12;
/** Groups with fewer points than this carry the package's short-group warning. */
export const SHORT_GROUP_THRESHOLD = 13;
export const SHORT_GROUP_WARNING =
  "Some groups have 'n < 12' observations. These have trial limits, which will be revised with each additional observation until 'n = fix_after_n_points' has been reached.";

// Constants exactly as the package writes them: the near-limit multiplier must be computed as
// 2 * (2.66 / 3) so that points placed exactly on a line land on the same double.
const LIMIT_MULTIPLIER = 2.66;
const NEAR_LIMIT_MULTIPLIER = 2 * (2.66 / 3);
const SCREENING_MULTIPLIER = 3.267;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

interface GroupLimits {
  mean: number;
  amr: number;
  nUsedForLimits: number;
  screenedMovingRanges: number;
}

export function computeSpc(input: SpcInput, options: SpcOptions): SpcResult {
  const trendLength = options.trendLength ?? 7;
  const shiftLength = options.shiftLength ?? 7;
  validate(input, options, trendLength, shiftLength);

  const rows = input.x
    .map((x, i) => ({ x, y: input.y[i] as number }))
    .sort((a, b) => (a.x < b.x ? -1 : a.x > b.x ? 1 : 0));
  const rebaseDates = new Set(options.rebase ?? []);
  const groupOf: number[] = [];
  let rebasesMet = 0;
  for (const row of rows) {
    if (rebaseDates.has(row.x)) rebasesMet += 1;
    groupOf.push(rebasesMet);
  }

  const points: SpcPoint[] = [];
  const groups: SpcGroupSummary[] = [];
  const warnings: string[] = [];
  let start = 0;
  while (start < rows.length) {
    let end = start;
    while (end + 1 < rows.length && groupOf[end + 1] === groupOf[start]) end += 1;
    const groupRows = rows.slice(start, end + 1);
    const group = computeGroup(groupRows, groupOf[start] as number, options, trendLength, shiftLength);
    points.push(...group.points);
    groups.push(group.summary);
    start = end + 1;
  }
  if (groups.some((g) => g.n < SHORT_GROUP_THRESHOLD)) warnings.push(SHORT_GROUP_WARNING);

  const last = points[points.length - 1] as SpcPoint;
  return {
    points,
    summary: {
      variation_type: last.point_type,
      assurance_type: assurance(last, options),
      groups,
    },
    warnings,
  };
}

function validate(input: SpcInput, options: SpcOptions, trendLength: number, shiftLength: number): void {
  if (input.x.length !== input.y.length) {
    throw new Error(`SPC input has ${input.x.length} dates but ${input.y.length} values.`);
  }
  if (input.x.length === 0) throw new Error("SPC needs at least one point.");
  for (const date of [...input.x, ...(options.rebase ?? [])]) {
    if (!ISO_DATE.test(date)) throw new Error(`SPC dates must be ISO dates (YYYY-MM-DD); got "${date}".`);
  }
  const seen = new Set<string>();
  for (const date of input.x) {
    if (seen.has(date))
      throw new Error(`SPC input has more than one value for ${date}; dates must be unique.`);
    seen.add(date);
  }
  for (const value of input.y) {
    if (!Number.isFinite(value)) throw new Error(`SPC values must be finite numbers; got ${value}.`);
  }
  const fix = options.fixAfterNPoints;
  if (fix !== undefined && (!Number.isInteger(fix) || fix < MIN_FIX_AFTER_N_POINTS)) {
    throw new Error(
      `fixAfterNPoints must be a whole number of at least ${MIN_FIX_AFTER_N_POINTS}; got ${fix}. ` +
        "Limits fixed on fewer points are not reliable.",
    );
  }
  for (const [name, length] of [
    ["trendLength", trendLength],
    ["shiftLength", shiftLength],
  ] as const) {
    if (length !== 6 && length !== 7) throw new Error(`${name} must be 6 or 7; got ${length}.`);
  }
  if (options.target !== undefined && !Number.isFinite(options.target)) {
    throw new Error(`SPC target must be a finite number; got ${options.target}.`);
  }
}

function computeGroup(
  rows: { x: string; y: number }[],
  rebaseGroup: number,
  options: SpcOptions,
  trendLength: number,
  shiftLength: number,
): { points: SpcPoint[]; summary: SpcGroupSummary } {
  const ys = rows.map((r) => r.y);
  const baselineSize = Math.min(options.fixAfterNPoints ?? ys.length, ys.length);
  const limits = groupLimits(ys.slice(0, baselineSize), options.screenOutliers ?? true);
  const { mean, amr } = limits;
  const defined = !Number.isNaN(amr);
  const upl = mean + LIMIT_MULTIPLIER * amr;
  const lpl = mean - LIMIT_MULTIPLIER * amr;
  const nupl = mean + NEAR_LIMIT_MULTIPLIER * amr;
  const nlpl = mean - NEAR_LIMIT_MULTIPLIER * amr;

  const relative = ys.map((y) => Math.sign(y - mean) as -1 | 0 | 1);
  const outside = ys.map((y) => (defined ? y > upl || y < lpl : null));
  const close = ys.map((y, i) => (defined ? !outside[i] && (y > nupl || y < nlpl) : null));

  const inTrend = trendFlags(ys, trendLength);
  const inTwoInThree = twoInThreeFlags(
    close.map((c) => c === true),
    relative,
  );
  const inShift = shiftFlags(relative, shiftLength);
  const shortGroup = ys.length < SHORT_GROUP_THRESHOLD;
  const direction = options.improvementDirection;

  const points = rows.map((row, i): SpcPoint => {
    const rel = relative[i] as -1 | 0 | 1;
    const side = rel > 0 ? "Above" : "Below";
    let label = "Common Cause";
    let signal: -1 | 0 | 1 = 0;
    if (outside[i] === true) {
      label = rel === 1 ? "Above UCL" : "Below LCL";
      signal = rel === 1 ? 1 : -1;
    } else if (inTrend[i]) {
      const rising = trendDirectionAt(ys, inTrend, i) > 0;
      label = `${trendLength} Point Trend (${rising ? "Increasing" : "Decreasing"})`;
      signal = rising ? 1 : -1;
    } else if (inTwoInThree[i]) {
      label = `2 in 3 ${side} CL`;
      signal = rel > 0 ? 1 : -1;
    } else if (inShift[i]) {
      label = `${shiftLength} Points ${side} CL`;
      signal = rel > 0 ? 1 : -1;
    }
    return {
      x: row.x,
      y: row.y,
      mean,
      lpl: defined ? lpl : null,
      upl: defined ? upl : null,
      nlpl: defined ? nlpl : null,
      nupl: defined ? nupl : null,
      point_type: pointType(signal, direction),
      special_cause_type: label,
      special_cause_flag: signal !== 0,
      outside_limits: outside[i] as boolean | null,
      close_to_limits: close[i] as boolean | null,
      relative_to_mean: rel,
      rebase_group: rebaseGroup,
      short_group_warning: shortGroup,
      fix_y: i < baselineSize ? row.y : null,
      target: options.target ?? null,
    };
  });

  const count = (type: PointType) => points.filter((p) => p.point_type === type).length;
  const lastPoint = points[points.length - 1] as SpcPoint;
  return {
    points,
    summary: {
      rebase_group: rebaseGroup,
      n: points.length,
      n_used_for_limits: limits.nUsedForLimits,
      mean,
      lpl: lastPoint.lpl,
      upl: lastPoint.upl,
      amr: defined ? amr : null,
      screened_moving_ranges: limits.screenedMovingRanges,
      common_cause: points.filter((p) => !p.special_cause_flag).length,
      special_cause_improvement: count("special_cause_improvement"),
      special_cause_concern: count("special_cause_concern"),
      variation_type: lastPoint.point_type,
    },
  };
}

function groupLimits(baseline: number[], screenOutliers: boolean): GroupLimits {
  const movingRanges = baseline.slice(1).map((y, i) => Math.abs(y - (baseline[i] as number)));
  const amr0 = rMean(movingRanges);
  // One screening pass only, with a strict inequality: when every moving range is 0, all are
  // dropped and the limits become undefined, as in the package.
  const kept = screenOutliers ? movingRanges.filter((mr) => mr < SCREENING_MULTIPLIER * amr0) : movingRanges;
  return {
    mean: rMean(baseline),
    amr: rMean(kept),
    nUsedForLimits: baseline.length,
    screenedMovingRanges: movingRanges.length - kept.length,
  };
}

/**
 * Mean computed as R's mean() does (sum, divide, then add the mean residual) so that lines
 * land on the same doubles as the package's; NaN for an empty vector.
 */
function rMean(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const first = values.reduce((sum, v) => sum + v, 0) / values.length;
  return first + values.reduce((sum, v) => sum + (v - first), 0) / values.length;
}

/** A point is in a trend if some window of `length` points containing it rises (or falls) strictly throughout. */
function trendFlags(ys: number[], length: number): boolean[] {
  const flags = ys.map(() => false);
  for (let start = 0; start + length <= ys.length; start += 1) {
    const firstStep = Math.sign((ys[start + 1] as number) - (ys[start] as number));
    if (firstStep === 0) continue;
    let monotonic = true;
    for (let i = start + 1; i < start + length && monotonic; i += 1) {
      monotonic = Math.sign((ys[i] as number) - (ys[i - 1] as number)) === firstStep;
    }
    if (monotonic) flags.fill(true, start, start + length);
  }
  return flags;
}

/**
 * The package labels trend direction point by point, not per run: from the step to the next point
 * if that point is also in a trend, otherwise from the step from the previous point; a zero step
 * counts as decreasing. Hence a peak shared by a rise and a fall is labelled "Decreasing".
 */
function trendDirectionAt(ys: number[], inTrend: boolean[], i: number): number {
  const y = ys[i] as number;
  if (inTrend[i + 1] === true) return Math.sign((ys[i + 1] as number) - y);
  return Math.sign(y - (ys[i - 1] as number));
}

/**
 * A near-limit point is flagged if some window of 3 containing it has at least 2 near-limit points
 * and all 3 points on the same side of the mean.
 */
function twoInThreeFlags(close: boolean[], relative: number[]): boolean[] {
  const flags = close.map(() => false);
  for (let start = 0; start + 3 <= close.length; start += 1) {
    const side = relative[start] as number;
    const sameSide = side !== 0 && relative[start + 1] === side && relative[start + 2] === side;
    const nearCount = close.slice(start, start + 3).filter(Boolean).length;
    if (!sameSide || nearCount < 2) continue;
    for (let i = start; i < start + 3; i += 1) if (close[i]) flags[i] = true;
  }
  return flags;
}

/** Every point of a run of at least `length` points on the same side of the mean (a point on the mean breaks it). */
function shiftFlags(relative: number[], length: number): boolean[] {
  const flags = relative.map(() => false);
  let runStart = 0;
  for (let i = 1; i <= relative.length; i += 1) {
    if (i < relative.length && relative[i] === relative[runStart]) continue;
    if (relative[runStart] !== 0 && i - runStart >= length) flags.fill(true, runStart, i);
    runStart = i;
  }
  return flags;
}

function pointType(signal: -1 | 0 | 1, direction: ImprovementDirection): PointType {
  if (signal === 0) return "common_cause";
  switch (direction) {
    case "increase":
      return signal > 0 ? "special_cause_improvement" : "special_cause_concern";
    case "decrease":
      return signal > 0 ? "special_cause_concern" : "special_cause_improvement";
    case "neutral":
      return signal > 0 ? "special_cause_neutral_high" : "special_cause_neutral_low";
  }
}

/** Whether the target lies beyond the latest limits (always / never met) or within them. */
function assurance(last: SpcPoint, options: SpcOptions): AssuranceType | null {
  const { target, improvementDirection } = options;
  if (target === undefined || improvementDirection === "neutral") return null;
  const increaseIsGood = improvementDirection === "increase";
  // Undefined (null) limits make both comparisons false, giving "inconsistent" as NaN does in R.
  if (last.upl !== null && target > last.upl) return increaseIsGood ? "consistent_fail" : "consistent_pass";
  if (last.lpl !== null && target < last.lpl) return increaseIsGood ? "consistent_pass" : "consistent_fail";
  return "inconsistent";
}
