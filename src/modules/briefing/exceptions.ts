/**
 * The measures a chair should ask about for a period: SPC special causes (concern and improvement), a
 * target the process consistently fails, a force significantly worse or better than its most similar
 * group, and a change beyond chance on the same period last year. Every figure is read from what
 * measureSeries already computed and put into words by the chart descriptions: nothing is recomputed.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import {
  describeCountChange,
  describeMsg,
  describeProportionChange,
  msgVerdictInWords,
  spcRuleInWords,
} from "../../charts/describe.js";
import { ordinal, periodLabel } from "../../charts/format.js";
import { parsePeriod, periodContaining, periodDates, type Period } from "../../stats/periods.js";
import { areaDirectory, type Area } from "../measures/areas.js";
import { HOME_FORCE_ID, periodKindOf } from "../measures/measures.schema.js";
import { listCatalogue, measureSeries } from "../measures/measures.service.js";
import type { MeasureRow } from "../measures/measures.tables.js";
import { formatValue } from "../measures/measures.view.js";
import type { Change, MeasureSeries } from "../measures/series.js";

export type MeasureExceptionKind =
  "spc-concern" | "spc-improvement" | "target-failing" | "msg-worse" | "msg-better" | "change-vs-last-year";

export interface MeasureException {
  measureId: string;
  measureName: string;
  kind: MeasureExceptionKind;
  /** The measure's own period the figure is for, as stored ("2025-03", "Q2 2025/26"). */
  period: string;
  /** The figure that prompted it, in words, with its definition. */
  figure: string;
  /** The suggested line of enquiry, citing the figure. */
  question: string;
}

type SeriesPointWithSpc = MeasureSeries["points"][number];

/**
 * Exceptions for every measure (or those named) in an area (the home force by default) whose latest
 * figure up to the end of `period` falls within it; measures with no figure for the period have none.
 */
export async function findMeasureExceptions(
  db: Kysely<Database>,
  options: { period: Period; areaCode?: string; measureIds?: string[] },
): Promise<MeasureException[]> {
  const wanted = options.measureIds && new Set(options.measureIds);
  const measures = (await listCatalogue(db, { publishedOnly: false })).filter(
    (m) => !wanted || wanted.has(m.id),
  );
  const areas = await areaDirectory();
  const forceNames = Object.fromEntries(
    areas.all.filter((a) => a.type === "force").map((force) => [force.code, force.name]),
  );
  const range = periodDates(options.period);
  const exceptions: MeasureException[] = [];
  for (const measure of measures) {
    // The series runs to the measure's own period containing the end of the chosen one.
    const kind = periodKindOf[measure.frequency] as Parameters<typeof periodContaining>[0];
    const to = periodDates(periodContaining(kind, range.end)).start;
    const series = await measureSeries(db, measure, { area: options.areaCode ?? HOME_FORCE_ID, to });
    const inPeriod = series.points.filter((p) => p.periodEnd >= range.start && p.periodStart <= range.end);
    if (series.unavailable !== null || inPeriod.length === 0) continue;
    exceptions.push(...exceptionsOf(series, inPeriod, forceNames));
  }
  return exceptions;
}

function exceptionsOf(
  series: MeasureSeries,
  inPeriod: SeriesPointWithSpc[],
  forceNames: Record<string, string>,
): MeasureException[] {
  const { measure, area } = series;
  const latest = inPeriod[inPeriod.length - 1] as SeriesPointWithSpc;
  const found: (Omit<MeasureException, "measureId" | "measureName"> | null)[] = [
    spcException(series, inPeriod, "spc-concern"),
    spcException(series, inPeriod, "spc-improvement"),
    series.spc?.summary.assurance_type === "consistent_fail" ? targetException(series, latest) : null,
    msgException(series, forceNames),
    series.change.samePeriodLastYear?.significant === true
      ? changeException(measure, area, latest, series.change.samePeriodLastYear)
      : null,
  ];
  return found
    .filter((e) => e !== null)
    .map((e) => ({ measureId: measure.id, measureName: measure.name, ...e }));
}

/** "Vehicle crime in North Worcestershire": the area without its bracketed description. */
function subjectOf(measure: MeasureRow, area: Area): string {
  return `${measure.name} in ${area.name.replace(/ \(.*\)$/, "")}`;
}

/** The definition as the chart descriptions take it: they add the full stop. */
const definitionText = (measure: MeasureRow) => measure.definition.replace(/\.$/, "");
const definitionOf = (measure: MeasureRow) => `Definition: ${definitionText(measure)}.`;

const labelOf = (period: string) => periodLabel(parsePeriod(period));

/** The latest point of the period showing the signal, if any. */
function spcException(
  series: MeasureSeries,
  inPeriod: SeriesPointWithSpc[],
  kind: "spc-concern" | "spc-improvement",
): Omit<MeasureException, "measureId" | "measureName"> | null {
  const pointType = kind === "spc-concern" ? "special_cause_concern" : "special_cause_improvement";
  const point = inPeriod.findLast((p) => p.spc?.pointType === pointType);
  if (!point?.spc) return null;
  const { measure, area } = series;
  const unit = measure.unit;
  const rule = spcRuleInWords(point.spc.rule);
  const limits =
    point.spc.lpl === null || point.spc.upl === null
      ? "no process limits"
      : `process limits ${formatValue(point.spc.lpl, unit)} to ${formatValue(point.spc.upl, unit)}`;
  const signal = kind === "spc-concern" ? "of concern" : "of improvement";
  const figure =
    `${subjectOf(measure, area)}: ${formatValue(point.value, unit)} in ${labelOf(point.period)} is a special ` +
    `cause ${signal} (${rule}; mean ${formatValue(point.spc.mean, unit)}, ${limits}). ${definitionOf(measure)}`;
  const ask =
    kind === "spc-concern"
      ? "what is driving it, and what is being done about it?"
      : "what has brought the improvement about, and how will it be sustained?";
  return {
    kind,
    period: point.period,
    figure,
    question:
      `${subjectOf(measure, area)} is a special cause ${signal} in ${labelOf(point.period)} ` +
      `(${formatValue(point.value, unit)}: ${rule}): ${ask}`,
  };
}

function targetException(
  series: MeasureSeries,
  latest: SeriesPointWithSpc,
): Omit<MeasureException, "measureId" | "measureName"> | null {
  const { measure, area } = series;
  if (measure.target === null || !latest.spc || latest.spc.lpl === null || latest.spc.upl === null)
    return null;
  const unit = measure.unit;
  const target = formatValue(measure.target, unit);
  const mean = formatValue(latest.spc.mean, unit);
  return {
    kind: "target-failing",
    period: latest.period,
    figure:
      `${subjectOf(measure, area)}: the target of ${target} lies outside the process limits ` +
      `(${formatValue(latest.spc.lpl, unit)} to ${formatValue(latest.spc.upl, unit)}, mean ${mean}, to ` +
      `${labelOf(latest.period)}) on the failing side, so the process as it stands will consistently miss it. ` +
      definitionOf(measure),
    question:
      `${subjectOf(measure, area)} consistently misses its target of ${target} (mean ${mean} to ` +
      `${labelOf(latest.period)}): what would have to change to meet it, and is the target still the right one?`,
  };
}

function msgException(
  series: MeasureSeries,
  forceNames: Record<string, string>,
): Omit<MeasureException, "measureId" | "measureName"> | null {
  const { measure, msg } = series;
  const focus = msg.comparison?.focus;
  if (msg.comparison === null || !focus) return null;
  const assessment = focus.assessment95;
  if (assessment !== "worse" && assessment !== "better") return null;
  const force = forceNames[focus.forceId] ?? focus.forceId;
  const figure = describeMsg({
    measure: `${measure.name} (${labelOf(msg.period)})`,
    comparison: msg.comparison,
    focusForceId: focus.forceId,
    forceNames,
    definition: definitionText(measure),
  });
  const place = `${ordinal(focus.position)} of ${msg.comparison.forces.length} in its most similar group`;
  const ask =
    assessment === "worse"
      ? "what explains the gap, and what can be learned from the forces doing better?"
      : "what is working, and can it be sustained and shared?";
  return {
    kind: assessment === "worse" ? "msg-worse" : "msg-better",
    period: msg.period,
    figure,
    question:
      `${measure.name}: ${force} is ${place} in ${labelOf(msg.period)}, ${msgVerdictInWords(focus)} ` +
      `(so ${assessment}): ${ask}`,
  };
}

function changeException(
  measure: MeasureRow,
  area: Area,
  latest: SeriesPointWithSpc,
  change: Change,
): Omit<MeasureException, "measureId" | "measureName"> | null {
  const { test } = change;
  if (test === null) return null;
  const subject = subjectOf(measure, area);
  const comparison = {
    measure: subject,
    current: parsePeriod(latest.period),
    previous: parsePeriod(change.period),
    definition: definitionText(measure),
  };
  const figure =
    "pValue" in test
      ? describeCountChange({ ...comparison, change: test })
      : describeProportionChange({ ...comparison, change: test });
  const rose = change.absoluteChange > 0;
  const better = measure.polarity === "neutral" ? null : rose === (measure.polarity === "higher is better");
  const ask =
    better === null
      ? "what explains the change?"
      : better
        ? "what has brought it about, and can it be sustained?"
        : "what is behind it, and what is being done about it?";
  return {
    kind: "change-vs-last-year",
    period: latest.period,
    figure,
    question:
      `${subject} ${rose ? "rose" : "fell"} from ${formatValue(change.previousValue, measure.unit)} in ` +
      `${labelOf(change.period)} to ${formatValue(change.value, measure.unit)} in ${labelOf(latest.period)}, ` +
      `beyond chance: ${ask}`,
  };
}
