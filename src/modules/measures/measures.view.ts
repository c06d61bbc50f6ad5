/** Figures as the pages show them. */
import { formatNumber } from "../../charts/format.js";
import type { PointType } from "../../stats/spc.js";
import { nationalPriorities, type MeasureUnit } from "./measures.schema.js";
import type { MeasureSeries } from "./series.js";

export function formatValue(value: number | null, unit: MeasureUnit): string {
  if (value === null) return "";
  switch (unit) {
    case "count":
      return formatNumber(value, 0);
    case "%":
      return `${formatNumber(value)}%`;
    case "rate per 1,000":
      return `${formatNumber(value)} per 1,000`;
    case "£":
      return `£${formatNumber(value, 0)}`;
    case "seconds":
    case "minutes":
    case "days":
      return `${formatNumber(value)} ${unit}`;
  }
}

export const pointTypeNames: Record<PointType, string> = {
  common_cause: "Common cause",
  special_cause_improvement: "Special cause: improvement",
  special_cause_concern: "Special cause: concern",
  special_cause_neutral_high: "Special cause: high",
  special_cause_neutral_low: "Special cause: low",
};

export function nationalPriorityName(id: string | null): string {
  return id === null ? "" : (nationalPriorities[id as keyof typeof nationalPriorities] ?? id);
}

/** The series with its figures formatted for a table. */
export function seriesView(series: MeasureSeries) {
  const unit = series.measure.unit;
  const changeView = (change: MeasureSeries["change"]["previousPeriod"]) =>
    change && {
      ...change,
      text: `${formatValue(change.value, unit)} against ${formatValue(change.previousValue, unit)} in ${change.period}`,
    };
  return {
    rows: [...series.points].reverse().map((point) => ({
      period: point.period,
      value: formatValue(point.value, unit),
      numerator: point.numerator === null ? "" : formatNumber(point.numerator, 0),
      denominator: point.denominator === null ? "" : formatNumber(point.denominator, 0),
      mean: point.spc ? formatValue(point.spc.mean, unit) : "",
      limits:
        point.spc && point.spc.lpl !== null && point.spc.upl !== null
          ? `${formatValue(point.spc.lpl, unit)} to ${formatValue(point.spc.upl, unit)}`
          : "",
      signal:
        point.spc && point.spc.pointType !== "common_cause"
          ? `${pointTypeNames[point.spc.pointType]} (${point.spc.rule})`
          : "",
      interval: intervalText(point.interval, unit),
      note: [point.note, point.partial && `Partly reported: ${point.partial}`].filter(Boolean).join(" "),
    })),
    latest: latestView(series),
    previousPeriod: changeView(series.change.previousPeriod),
    samePeriodLastYear: changeView(series.change.samePeriodLastYear),
    variation: series.spc ? pointTypeNames[series.spc.summary.variation_type] : null,
    msg: msgView(series.msg),
  };
}

type Interval = MeasureSeries["points"][number]["interval"];

const rangeText = (interval: NonNullable<Interval>, unit: MeasureUnit) =>
  `${formatValue(interval.lower, unit)} to ${formatValue(interval.upper, unit)}`;

function intervalText(interval: Interval, unit: MeasureUnit): string {
  if (interval === null) return "";
  return interval.smallSample ? `${rangeText(interval, unit)} (small sample)` : rangeText(interval, unit);
}

/** The latest figure in words, with its interval and how it was drawn. */
function latestView(series: MeasureSeries): string | null {
  const latest = series.points[series.points.length - 1];
  if (!latest) return null;
  const unit = series.measure.unit;
  const value = `${latest.period}: ${formatValue(latest.value, unit)}`;
  const { interval } = latest;
  if (interval === null) return `${value}.`;
  const level = `${Math.round(interval.confidenceLevel * 100)}%`;
  const responses =
    interval.smallSample && latest.denominator !== null
      ? ` Small sample: ${formatNumber(latest.denominator, 0)} responses, fewer than 100, so the range is wide.`
      : "";
  return `${value} (${level} interval ${rangeText(interval, unit)}, ${interval.method}).${responses}`;
}

function msgView(msg: MeasureSeries["msg"]) {
  if (msg.comparison === null) return { reason: msg.reason, forces: [] };
  const { kind } = msg.comparison;
  const display = (value: number) =>
    kind === "proportion" ? formatValue(value * 100, "%") : formatValue(value, "rate per 1,000");
  return {
    reason: null,
    period: msg.period,
    method: msg.comparison.method,
    positionMeaning: msg.comparison.positionMeaning,
    average: display(msg.comparison.average),
    forces: msg.comparison.forces.map((force) => ({ ...force, valueText: display(force.value) })),
    excluded: msg.comparison.excluded,
  };
}
