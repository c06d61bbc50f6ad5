/**
 * Long text alternatives for the charts, in plain English generated from the statistics: what a
 * reader would say looking at the chart, with the numbers (en-GB), the periods as OPCC reports write
 * them, whether a change is beyond chance, and the measure's definition where one is given.
 */
import type { CountChange, ProportionChange } from "../stats/change.js";
import { formatPValue } from "../stats/change.js";
import type { MsgComparison } from "../stats/msg.js";
import type { Period } from "../stats/periods.js";
import { formatPeriod, previousPeriod, samePeriodLastYear } from "../stats/periods.js";
import type { SpcPoint } from "../stats/spc.js";
import { SHORT_GROUP_THRESHOLD } from "../stats/spc.js";
import { formatNumber, formatPercent, listInWords, monthOf, ordinal, periodLabel } from "./format.js";

/** What is measured and how it is counted, e.g. "crimes recorded, data.police.uk street-level data". */
interface Defined {
  definition?: string;
}

function withDefinition(sentences: string[], definition: string | undefined): string {
  return [...sentences, ...(definition ? [`Definition: ${definition}.`] : [])].join(" ");
}

// ---------------------------------------------------------------------------------------------
// SPC

/** A point's signal as the data table and text alternative say it, e.g. "Concern: above the upper process limit". */
export function spcSignalInWords(point: SpcPoint): string {
  if (point.point_type === "common_cause") return "Common cause";
  const kind = {
    special_cause_improvement: "Improvement",
    special_cause_concern: "Concern",
    special_cause_neutral_high: "Special cause (high)",
    special_cause_neutral_low: "Special cause (low)",
  }[point.point_type];
  return `${kind}: ${spcRuleInWords(point.special_cause_type)}`;
}

/** The rule names NHSRplotthedots gives, in words. */
export function spcRuleInWords(rule: string): string {
  let match: RegExpExecArray | null;
  if (rule === "Above UCL") return "above the upper process limit";
  if (rule === "Below LCL") return "below the lower process limit";
  if ((match = /^(\d+) Point Trend \((Increasing|Decreasing)\)$/.exec(rule))) {
    return `${match[1]} or more points in a row ${match[2] === "Increasing" ? "rising" : "falling"}`;
  }
  if ((match = /^2 in 3 (Above|Below) CL$/.exec(rule))) {
    return `2 of 3 points close to the ${match[1] === "Above" ? "upper" : "lower"} process limit`;
  }
  if ((match = /^(\d+) Points (Above|Below) CL$/.exec(rule))) {
    return `${match[1]} or more points in a row ${match[2]!.toLowerCase()} the mean`;
  }
  throw new Error(`Unknown SPC special cause type "${rule}".`);
}

export interface SpcDescriptionInput extends Defined {
  measure: string;
  points: SpcPoint[];
  /** As in SpcChartInput: names a point's period, by default its month. */
  periodOf?: (x: string, style: "long" | "short") => string;
}

export function describeSpc(input: SpcDescriptionInput): string {
  const { points, measure } = input;
  const periodOf = input.periodOf ?? monthOf;
  const first = points[0];
  const latest = points[points.length - 1];
  if (!first || !latest) throw new Error(`The SPC chart of ${measure} has no points.`);
  const lastGroup = points.filter((p) => p.rebase_group === latest.rebase_group);
  const sentences: string[] = [];

  const span = `${measure}, ${periodOf(first.x, "long")} to ${periodOf(latest.x, "long")}`;
  const limits =
    latest.lpl === null || latest.upl === null
      ? "no process limits (there is no variation to set them from)"
      : `process limits of ${formatNumber(latest.lpl)} to ${formatNumber(latest.upl)}`;
  sentences.push(
    lastGroup.length === points.length
      ? `${span}: the mean is ${formatNumber(latest.mean)}, with ${limits}.`
      : `${span}, with the limits recalculated from ${periodOf(lastGroup[0]!.x, "long")}: ` +
          `the mean since then is ${formatNumber(latest.mean)}, with ${limits}.`,
  );

  const latestText = `The latest point, ${periodOf(latest.x, "long")} (${formatNumber(latest.y)}),`;
  sentences.push(
    latest.point_type === "common_cause"
      ? `${latestText} shows only common cause variation.`
      : `${latestText} is a special cause ${signalKindOf(latest)}: ${spcRuleInWords(latest.special_cause_type)}.`,
  );

  const counts = [
    ["special_cause_improvement", "of improvement"],
    ["special_cause_concern", "of concern"],
    ["special_cause_neutral_high", "on the high side"],
    ["special_cause_neutral_low", "on the low side"],
  ] as const;
  const signalCounts = counts
    .map(([type, words]) => [points.filter((p) => p.point_type === type).length, words] as const)
    .filter(([count]) => count > 0)
    .map(([count, words]) => `${count} ${words}`);
  sentences.push(
    signalCounts.length === 0
      ? "No point shows special cause variation."
      : `Special cause points in all: ${listInWords(signalCounts)}.`,
  );

  if (latest.target !== null) {
    const target = `The target of ${formatNumber(latest.target)}`;
    const lpl = latest.lpl ?? Number.NaN;
    const upl = latest.upl ?? Number.NaN;
    sentences.push(
      latest.target > upl || latest.target < lpl
        ? `${target} lies outside the process limits, so the process as it stands will not meet it by chance: either it always meets it or it never will.`
        : `${target} lies within the process limits, so it will sometimes be met and sometimes missed by chance alone.`,
    );
  }
  if (lastGroup.length < SHORT_GROUP_THRESHOLD) {
    sentences.push(
      `The limits are provisional: they rest on ${lastGroup.length} points, fewer than ${SHORT_GROUP_THRESHOLD}.`,
    );
  }
  return withDefinition(sentences, input.definition);
}

function signalKindOf(point: SpcPoint): string {
  switch (point.point_type) {
    case "special_cause_improvement":
      return "of improvement";
    case "special_cause_concern":
      return "of concern";
    case "special_cause_neutral_high":
    case "special_cause_neutral_low":
    case "common_cause":
      return "variation";
  }
}

// ---------------------------------------------------------------------------------------------
// Change against a comparison period

export interface ChangeDescriptionInput<Change> extends Defined {
  measure: string;
  change: Change;
  current: Period;
  previous: Period;
}

export function describeCountChange(input: ChangeDescriptionInput<CountChange>): string {
  const { change, measure } = input;
  const when = comparedWith(input.current, input.previous);
  const from = formatNumber(change.previous);
  const to = formatNumber(change.current);
  let sentence: string;
  if (change.pValue === null) {
    sentence = `${measure}: none ${when}, so no test is possible.`;
  } else {
    const figures = change.direction === "no change" ? `(${to} in both)` : `(from ${from} to ${to})`;
    const test = change.significant
      ? `this is beyond chance (${formatPValue(change.pValue)})`
      : `this is not a significant change (${formatPValue(change.pValue)})`;
    sentence = `${measure} ${changeVerb(change.direction, change.percentChange)} ${when} ${figures}; ${test}.`;
  }
  return withDefinition([sentence], input.definition);
}

export function describeProportionChange(input: ChangeDescriptionInput<ProportionChange>): string {
  const { change, measure } = input;
  const when = comparedWith(input.current, input.previous);
  const { current, previous } = change;
  if (change.difference === null || current.proportion === null || previous.proportion === null) {
    return withDefinition([`${measure} cannot be compared ${when}: ${change.statement}.`], input.definition);
  }
  const verb = { rise: "rose", fall: "fell", "no change": "was unchanged" }[change.direction ?? "no change"];
  const figures =
    change.direction === "no change"
      ? `at ${formatPercent(current.proportion)}`
      : `from ${formatPercent(previous.proportion)} to ${formatPercent(current.proportion)}`;
  const sample = `${formatNumber(current.total)} and ${formatNumber(previous.total)} responses`;
  return withDefinition(
    [`${measure} ${verb} ${figures} ${when} (${sample}); this is ${change.statement}.`],
    input.definition,
  );
}

function changeVerb(direction: CountChange["direction"], percentChange: number | null): string {
  if (direction === "no change") return "was unchanged";
  const verb = direction === "rise" ? "rose" : "fell";
  if (percentChange === null) return verb;
  const size = Math.abs(percentChange);
  return `${verb} ${formatNumber(size, size < 10 ? 1 : 0)}%`;
}

const PERIOD_UNITS: Record<Period["kind"], string> = {
  month: "month",
  financialQuarter: "quarter",
  financialYear: "year",
  isoWeek: "week",
  rolling12Months: "12 months",
  financialYearToDate: "part of the year",
};

/** "in Q2 2025/26 compared with Q2 2024/25, the same quarter last year". */
function comparedWith(current: Period, previous: Period): string {
  const previousText = formatPeriod(previous);
  const relation =
    formatPeriod(previousPeriod(current)) === previousText && current.kind !== "financialYearToDate"
      ? `, the previous ${PERIOD_UNITS[current.kind]}`
      : formatPeriod(samePeriodLastYear(current)) === previousText
        ? `, the same ${PERIOD_UNITS[current.kind]} last year`
        : "";
  return `in ${periodLabel(current)} compared with ${periodLabel(previous)}${relation}`;
}

// ---------------------------------------------------------------------------------------------
// Most similar group

export interface MsgDescriptionInput extends Defined {
  measure: string;
  comparison: MsgComparison;
  /** As given to compareWithMsg: the comparison has no focus when this force is excluded. */
  focusForceId: string;
  /** Display names by force id; ids without one are shown as they are. */
  forceNames?: Record<string, string>;
}

/** A force's value as the chart and table show it: "12.34 per 1,000 population" or "45.2%". */
export function formatMsgValue(comparison: MsgComparison, value: number): string {
  if (comparison.per === null) return formatPercent(value);
  return `${formatNumber(value, value >= 10 ? 1 : 2)} per ${formatNumber(comparison.per)} population`;
}

export function forceNameOf(forceId: string, forceNames: Record<string, string> | undefined): string {
  return forceNames?.[forceId] ?? forceId;
}

/** The verdict in words, e.g. "significantly above the group average at 95% but not at 99.8%". */
export function msgVerdictInWords(force: MsgComparison["forces"][number]): string {
  if (force.verdict95 === "within") return "not significantly different from the group average at 95%";
  const side = force.verdict95 === "significantly above" ? "above" : "below";
  const at998 = force.verdict998 === force.verdict95 ? "and at 99.8%" : "but not at 99.8%";
  return `significantly ${side} the group average at 95% ${at998}`;
}

export function describeMsg(input: MsgDescriptionInput): string {
  const { comparison, measure, forceNames } = input;
  const name = (id: string) => forceNameOf(id, forceNames);
  const sentences: string[] = [];
  const { focus } = comparison;
  if (focus) {
    const tied = comparison.forces.filter((f) => f.position === focus.position).length > 1;
    sentences.push(
      `${measure}: ${name(focus.forceId)} is ${tied ? "joint " : ""}${ordinal(focus.position)} of ` +
        `${comparison.forces.length} in its most similar group, at ${formatMsgValue(comparison, focus.value)} ` +
        `against the group average of ${formatMsgValue(comparison, comparison.average)}.`,
    );
    const assessment =
      focus.assessment95 === "better" || focus.assessment95 === "worse"
        ? ` (${comparison.polarity}, so this is ${focus.assessment95})`
        : "";
    sentences.push(`It is ${msgVerdictInWords(focus)}${assessment}.`);
    sentences.push(comparison.positionMeaning);
  } else {
    const focusNote = comparison.excluded.find((e) => e.forceId === input.focusForceId);
    sentences.push(
      `${measure}: ${name(input.focusForceId)} is not compared, because its data is incomplete` +
        `${focusNote ? ` (${stripFullStop(focusNote.note)})` : ""}; the group average is ` +
        `${formatMsgValue(comparison, comparison.average)}.`,
    );
  }
  const others = comparison.excluded.filter((e) => e.forceId !== input.focusForceId);
  if (others.length > 0) {
    sentences.push(
      `Left out because their data is incomplete: ` +
        `${others.map((e) => `${name(e.forceId)} (${stripFullStop(e.note)})`).join("; ")}.`,
    );
  }
  return withDefinition(sentences, input.definition);
}

function stripFullStop(text: string): string {
  return text.replace(/\.$/, "");
}

// ---------------------------------------------------------------------------------------------
// Trends

export interface TrendSeries {
  name: string;
  /** One per category; null where there is no figure. */
  values: (number | null)[];
}

export interface TrendDescriptionInput extends Defined {
  measure: string;
  /** Period names in full, e.g. "April 2025" or "Q1 2025/26". */
  categories: string[];
  series: TrendSeries[];
}

export function describeTrend(input: TrendDescriptionInput): string {
  const { categories } = input;
  const span = `${input.measure}, ${categories[0]} to ${categories[categories.length - 1]}`;
  const sentences = input.series.map((series, index) => {
    const known = series.values
      .map((value, i) => ({ value, period: categories[i] ?? "" }))
      .filter((entry): entry is { value: number; period: string } => entry.value !== null);
    const prefix = index === 0 ? `${span}: ` : "";
    if (known.length === 0) return `${prefix}${series.name} has no figures.`;
    const total = known.reduce((sum, entry) => sum + entry.value, 0);
    const highest = known.reduce((a, b) => (b.value > a.value ? b : a));
    const lowest = known.reduce((a, b) => (b.value < a.value ? b : a));
    const missing = categories.filter((_, i) => series.values[i] === null || series.values[i] === undefined);
    return (
      `${prefix}${series.name}, ${formatNumber(total)} in total; highest in ${highest.period} ` +
      `(${formatNumber(highest.value)}), lowest in ${lowest.period} (${formatNumber(lowest.value)})` +
      `${missing.length > 0 ? `; no figure for ${listInWords(missing)}` : ""}.`
    );
  });
  return withDefinition(sentences, input.definition);
}

export interface AreaDescriptionInput extends Defined {
  measure: string;
  /** e.g. "local policing area". */
  areaKind: string;
  categories: string[];
  areas: TrendSeries[];
}

export function describeSmallMultiples(input: AreaDescriptionInput): string {
  const totals = input.areas
    .map((area) => ({
      name: area.name,
      total: area.values.reduce<number>((sum, value) => sum + (value ?? 0), 0),
    }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  const { categories } = input;
  return withDefinition(
    [
      `${input.measure} by ${input.areaKind}, ${categories[0]} to ${categories[categories.length - 1]}, ` +
        `one small chart per ${input.areaKind} on the same scale.`,
      `Totals, highest first: ${totals.map((t) => `${t.name} ${formatNumber(t.total)}`).join("; ")}.`,
    ],
    input.definition,
  );
}
