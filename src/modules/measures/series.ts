/**
 * A measure's series for one area, with what a commissioner asks of it: how it changed against the
 * previous period and the same period last year (and whether beyond chance), the SPC chart's points
 * and signals, and how the force compares with its peers. Pure: the service gathers the inputs.
 */
import {
  compareCounts,
  compareProportions,
  type CountChange,
  type ProportionChange,
} from "../../stats/change.js";
import { poissonCountInterval, wilsonInterval, type CountInterval } from "../../stats/intervals.js";
import {
  compareWithMsg,
  type ForceFigure,
  type MeasureKind,
  type MsgComparison,
  type MsgOptions,
} from "../../stats/msg.js";
import {
  formatPeriod,
  parsePeriod,
  periodDates,
  previousPeriod,
  samePeriodLastYear,
} from "../../stats/periods.js";
import { computeSpc, type ImprovementDirection, type PointType, type SpcResult } from "../../stats/spc.js";
import type { Area } from "./areas.js";
import type { MeasureAnnotationRow, MeasureRow } from "./measures.tables.js";

export interface SeriesPoint {
  period: string;
  periodStart: string;
  periodEnd: string;
  value: number;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
}

/**
 * A period missing from a series between its first and last, or only partly reported (a month a force
 * supplied a fraction of its usual volume of data.police.uk records, by findDataGaps). A partial period is
 * left out of the SPC limits and the peer comparison, and flagged on the changes it touches.
 */
export interface SeriesGap {
  period: string;
  kind: "missing" | "partial";
  note: string;
}

export interface Change {
  against: "previous period" | "same period last year";
  period: string;
  value: number;
  previousValue: number;
  absoluteChange: number;
  percentChange: number | null;
  /** Null when the figures carry no counts to test. */
  significant: boolean | null;
  statement: string;
  method: string | null;
  test: CountChange | ProportionChange | null;
  /** Set when either period is only partly reported: the change is then not a like-for-like one. */
  caution: string | null;
}

/** The range a figure's true value lies in with 95% confidence, given the chance in its counts. */
export interface PointInterval {
  lower: number;
  upper: number;
  confidenceLevel: number;
  method: string;
  /** A percentage from fewer than 100 responses: shown with a caution. */
  smallSample: boolean;
}

export interface SpcSignal {
  period: string;
  pointType: PointType;
  rule: string;
}

export interface MeasureSeries {
  measure: MeasureRow;
  area: Area;
  points: (SeriesPoint & {
    /** Null for a partly reported period, which is left out of the SPC limits. */
    spc: { mean: number; lpl: number | null; upl: number | null; pointType: PointType; rule: string } | null;
    /** Why the period is flagged as partly reported, or null. */
    partial: string | null;
    /** Null when the figure carries no counts to draw one from. */
    interval: PointInterval | null;
  })[];
  /** Periods missing or partly reported, oldest first. */
  gaps: SeriesGap[];
  change: { latest: string | null; previousPeriod: Change | null; samePeriodLastYear: Change | null };
  spc: (Pick<SpcResult, "summary" | "warnings"> & { signals: SpcSignal[]; rebasedAt: string[] }) | null;
  /** Why a series with figures has no SPC chart, or null. */
  spcOmitted: string | null;
  msg: { comparison: MsgComparison; period: string } | { comparison: null; reason: string };
  annotations: MeasureAnnotationRow[];
}

/** A force's figure for the MSG comparison: a count, or successes out of a base. */
export interface PeerFigure {
  forceId: string;
  /** Null when the force has no figure for the period: it is then left out, with a note. */
  point: SeriesPoint | null;
  /** Mid-year population, for counts and rates; null if the force has none. */
  population: number | null;
  /** Why the force's figure for the period is only partial, or null: it is then left out. */
  partial: string | null;
}

const improvementDirectionOf: Record<MeasureRow["polarity"], ImprovementDirection> = {
  "higher is better": "increase",
  "lower is better": "decrease",
  neutral: "neutral",
};

export function buildSeries(input: {
  measure: MeasureRow;
  area: Area;
  points: SeriesPoint[];
  annotations: MeasureAnnotationRow[];
  /** Each force of the group's figure for the latest period; empty when the area is not a force. */
  peers: PeerFigure[];
  /** The area's periods found missing or partly reported from the volume of data loaded (data.police.uk). */
  gaps?: SeriesGap[];
  /** Each value covers periods the one before covers too (a rolling 12 months): no SPC limits. */
  overlapping?: boolean;
}): MeasureSeries {
  const { measure, area, annotations } = input;
  const points = [...input.points].sort((a, b) => a.periodStart.localeCompare(b.periodStart));
  const latest = points[points.length - 1];
  const byStart = new Map(points.map((point) => [point.periodStart, point]));
  const gaps = seriesGaps(points, input.gaps ?? []);
  const partialNotes = new Map(
    gaps.flatMap((gap) => (gap.kind === "partial" ? [[gap.period, gap.note]] : [])),
  );
  const changeAgainst = (against: Change["against"]): Change | null => {
    if (!latest) return null;
    const period = parsePeriod(latest.period);
    const earlier = byStart.get(
      periodDates(against === "previous period" ? previousPeriod(period) : samePeriodLastYear(period)).start,
    );
    if (!earlier) return null;
    const change = compare(measure, latest, earlier, against, input.overlapping === true);
    const partial = [latest, earlier].filter((p) => partialNotes.has(p.period));
    if (partial.length === 0) return { ...change, caution: null };
    // In the statement too, so that every page and document quoting the change carries the warning.
    return {
      ...change,
      statement: `${change.statement}; caution: ${partial.map((p) => p.period).join(" and ")} only partly reported, so not like for like`,
      caution: partial.map((p) => partialNotes.get(p.period)).join(" "),
    };
  };

  const rebasedAt = rebaseStarts(points, annotations);
  const whole = points.filter((point) => !partialNotes.has(point.period));
  const spcOmitted = input.overlapping && latest ? OVERLAPPING_PERIODS : null;
  const spc =
    whole.length === 0 || spcOmitted !== null
      ? null
      : computeSpc(
          { x: whole.map((p) => p.periodStart), y: whole.map((p) => p.value) },
          {
            improvementDirection: improvementDirectionOf[measure.polarity],
            ...(measure.target === null ? {} : { target: measure.target }),
            rebase: rebasedAt,
          },
        );
  const spcByStart = new Map(spc?.points.map((p) => [p.x, p]) ?? []);

  return {
    measure,
    area,
    points: points.map((point) => {
      const spcPoint = spcByStart.get(point.periodStart);
      return {
        ...point,
        spc: spcPoint
          ? {
              mean: spcPoint.mean,
              lpl: spcPoint.lpl,
              upl: spcPoint.upl,
              pointType: spcPoint.point_type,
              rule: spcPoint.special_cause_type,
            }
          : null,
        partial: partialNotes.get(point.period) ?? null,
        interval: intervalOf(measure, point),
      };
    }),
    gaps,
    change: {
      latest: latest?.period ?? null,
      previousPeriod: changeAgainst("previous period"),
      samePeriodLastYear: changeAgainst("same period last year"),
    },
    spcOmitted,
    spc: spc && {
      summary: spc.summary,
      warnings: spc.warnings,
      rebasedAt,
      signals: spc.points
        .filter((p) => p.special_cause_flag)
        .map((p) => ({
          period: byStart.get(p.x)?.period ?? p.x,
          pointType: p.point_type,
          rule: p.special_cause_type,
        })),
    },
    msg: latest
      ? msgComparison(measure, area, latest, input.peers)
      : { comparison: null, reason: "No values yet." },
    annotations,
  };
}

/**
 * The gaps found from the data's volume, with every period missing between the series' first and last
 * (a period with no value given, or a month whose file was not loaded).
 */
function seriesGaps(points: SeriesPoint[], found: SeriesGap[]): SeriesGap[] {
  const first = points[0];
  const last = points[points.length - 1];
  const gaps = new Map(found.map((gap) => [gap.period, gap]));
  if (first && last) {
    const held = new Set(points.map((p) => p.periodStart));
    // A measure's periods are months, quarters or weeks (its frequency): the one before is the previous period.
    for (let period = previousPeriod(parsePeriod(last.period)); ; period = previousPeriod(period)) {
      const { start } = periodDates(period);
      if (start <= first.periodStart) break;
      const label = formatPeriod(period);
      if (!held.has(start) && !gaps.has(label))
        gaps.set(label, { period: label, kind: "missing", note: `No figure for ${label}.` });
    }
  }
  return [...gaps.values()].sort((a, b) =>
    periodDates(parsePeriod(a.period)).start.localeCompare(periodDates(parsePeriod(b.period)).start),
  );
}

/**
 * Making Data Count: an XmR chart needs each point to stand on its own. A rolling 12-month figure shares 11 of
 * its months with the one before, so its points move together and limits drawn from their moving ranges would
 * be far too narrow, signalling where nothing changed.
 */
const OVERLAPPING_PERIODS =
  "No SPC chart: each figure covers months the one before it covers too, so the points are not independent " +
  "and process limits would mislead. The line shows the trend; only the change on a year earlier, which shares no " +
  "month, is tested.";

/** A rebase annotation starts a new SPC group at the first period ending on or after its date. */
function rebaseStarts(points: SeriesPoint[], annotations: MeasureAnnotationRow[]): string[] {
  const starts = new Set<string>();
  for (const annotation of annotations) {
    if (annotation.rebase !== 1) continue;
    const index = points.findIndex((p) => p.periodEnd >= annotation.date);
    if (index > 0) starts.add((points[index] as SeriesPoint).periodStart);
  }
  return [...starts].sort();
}

const WILSON = "Wilson score interval";
const POISSON = "exact Poisson interval (Garwood)";

/** A percentage's Wilson interval, from its counts; a count's or rate's exact Poisson interval. */
function intervalOf(measure: MeasureRow, point: SeriesPoint): PointInterval | null {
  const { numerator, denominator } = point;
  if (measure.unit === "%" && isWhole(numerator) && isWhole(denominator) && denominator > 0) {
    const wilson = wilsonInterval(numerator, denominator);
    return {
      lower: wilson.lower * 100,
      upper: wilson.upper * 100,
      confidenceLevel: wilson.confidenceLevel,
      method: WILSON,
      smallSample: wilson.smallSample,
    };
  }
  const count = measure.unit === "count" ? point.value : measure.unit === "rate per 1,000" ? numerator : null;
  if (!isWhole(count)) return null;
  // Per 1,000 of the population the rate is given for; a count is its own scale.
  const scale = measure.unit === "count" ? 1 : denominator && denominator > 0 ? 1000 / denominator : null;
  if (scale === null) return null;
  const poisson = rememberedPoissonInterval(count);
  return {
    lower: poisson.lower * scale,
    upper: poisson.upper * scale,
    confidenceLevel: poisson.confidenceLevel,
    method: POISSON,
    smallSample: false,
  };
}

/**
 * A count's interval from gamma quantiles takes 4 to 30 µs, 36 times a series; counts of past months
 * rarely change, so intervals are kept by count.
 */
const poissonIntervals = new Map<number, CountInterval>();
const POISSON_INTERVALS_KEPT = 20_000;

function rememberedPoissonInterval(count: number): CountInterval {
  const known = poissonIntervals.get(count);
  if (known) return known;
  const interval = poissonCountInterval(count);
  if (poissonIntervals.size >= POISSON_INTERVALS_KEPT)
    poissonIntervals.delete(poissonIntervals.keys().next().value as number);
  poissonIntervals.set(count, interval);
  return interval;
}

const days = (point: SeriesPoint) =>
  (Date.parse(`${point.periodEnd}T00:00:00Z`) - Date.parse(`${point.periodStart}T00:00:00Z`)) / 86_400_000 +
  1;

const isWhole = (n: number | null): n is number => n !== null && Number.isInteger(n) && n >= 0;

function compare(
  measure: MeasureRow,
  current: SeriesPoint,
  previous: SeriesPoint,
  against: Change["against"],
  /** The values are rolling 12-month counts (see OVERLAPPING_PERIODS). */
  overlapping: boolean,
): Omit<Change, "caution"> {
  const base = {
    against,
    period: previous.period,
    value: current.value,
    previousValue: previous.value,
    absoluteChange: current.value - previous.value,
    percentChange: previous.value === 0 ? null : ((current.value - previous.value) / previous.value) * 100,
  };
  const counted = (test: CountChange): Omit<Change, "caution"> => ({
    ...base,
    significant: test.significant,
    statement: test.statement,
    method: test.method,
    test,
  });
  if (
    measure.unit === "%" &&
    isWhole(current.numerator) &&
    isWhole(current.denominator) &&
    isWhole(previous.numerator) &&
    isWhole(previous.denominator)
  ) {
    const test = compareProportions(
      { successes: current.numerator, total: current.denominator },
      { successes: previous.numerator, total: previous.denominator },
    );
    return { ...base, significant: test.significant, statement: test.statement, method: test.method, test };
  }
  if (
    measure.unit === "rate per 1,000" &&
    isWhole(current.numerator) &&
    isWhole(previous.numerator) &&
    current.denominator &&
    previous.denominator
  ) {
    return counted(
      compareCounts(current.numerator, previous.numerator, {
        currentExposure: current.denominator,
        previousExposure: previous.denominator,
      }),
    );
  }
  if (overlapping && against === "previous period") {
    // Twelve months against the twelve ending a month earlier: eleven are the same months, not a second sample.
    return {
      ...base,
      significant: null,
      statement: "no significance test: the two 12-month figures share 11 months",
      method: null,
      test: null,
    };
  }
  // A year apart the two 12-month counts share no month and cover the same length of time.
  if (overlapping && measure.unit === "count" && isWhole(current.value) && isWhole(previous.value))
    return counted(compareCounts(current.value, previous.value));
  if (measure.unit === "count" && isWhole(current.value) && isWhole(previous.value)) {
    // Per day, so a 31-day month is not read as a rise on a 30-day one.
    return counted(
      compareCounts(current.value, previous.value, {
        currentExposure: days(current),
        previousExposure: days(previous),
      }),
    );
  }
  return {
    ...base,
    significant: null,
    statement: "no significance test: the figures carry no counts to test",
    method: null,
    test: null,
  };
}

function msgComparison(
  measure: MeasureRow,
  area: Area,
  latest: SeriesPoint,
  peers: PeerFigure[],
): MeasureSeries["msg"] {
  if (area.type !== "force") return { comparison: null, reason: "Peer comparison is between forces." };
  const kind: MeasureKind | null =
    measure.unit === "%"
      ? "proportion"
      : measure.unit === "rate per 1,000" || measure.unit === "count"
        ? "rate"
        : null;
  if (kind === null)
    return { comparison: null, reason: `A figure in ${measure.unit} cannot be compared by funnel plot.` };
  if (peers.filter((peer) => peer.point !== null).length < 2)
    return { comparison: null, reason: `No other force has a value for ${latest.period}.` };
  const figures = peers.map((peer): ForceFigure => figureOf(measure, kind, peer, latest.period));
  const options: MsgOptions = {
    focusForceId: area.code,
    kind,
    polarity: measure.polarity,
    ...(kind === "rate" ? { per: 1000 } : {}),
  };
  try {
    return { comparison: rememberedMsgComparison(figures, options), period: latest.period };
  } catch (error) {
    return { comparison: null, reason: (error as Error).message };
  }
}

/**
 * Funnel limits come from exact quantiles whose cost grows with the counts (tens of milliseconds for
 * a force's month of crime), while the figures of a past period rarely change: comparisons are kept
 * by their inputs, so any change of figure computes afresh.
 */
const msgComparisons = new Map<string, MsgComparison>();
const MSG_COMPARISONS_KEPT = 2000;

function rememberedMsgComparison(figures: ForceFigure[], options: MsgOptions): MsgComparison {
  const key = JSON.stringify([figures, options]);
  const known = msgComparisons.get(key);
  if (known) return known;
  const comparison = compareWithMsg(figures, options);
  if (msgComparisons.size >= MSG_COMPARISONS_KEPT)
    msgComparisons.delete(msgComparisons.keys().next().value as string);
  msgComparisons.set(key, comparison);
  return comparison;
}

function figureOf(measure: MeasureRow, kind: MeasureKind, peer: PeerFigure, period: string): ForceFigure {
  const { point } = peer;
  const incomplete = (note: string): ForceFigure => ({
    forceId: peer.forceId,
    numerator: 0,
    denominator: 1,
    complete: false,
    note,
  });
  if (point === null) return incomplete(`No figure for ${period}.`);
  if (peer.partial !== null) return incomplete(peer.partial);
  if (kind === "proportion") {
    return isWhole(point.numerator) && isWhole(point.denominator) && point.denominator > 0
      ? { forceId: peer.forceId, numerator: point.numerator, denominator: point.denominator, complete: true }
      : incomplete("No numerator and denominator given.");
  }
  if (measure.unit === "rate per 1,000") {
    return isWhole(point.numerator) && point.denominator !== null && point.denominator > 0
      ? { forceId: peer.forceId, numerator: point.numerator, denominator: point.denominator, complete: true }
      : incomplete("No numerator and denominator given.");
  }
  return isWhole(point.value) && peer.population !== null
    ? { forceId: peer.forceId, numerator: point.value, denominator: peer.population, complete: true }
    : incomplete("No population estimate for this force.");
}
