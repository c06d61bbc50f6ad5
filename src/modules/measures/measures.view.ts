/** Figures as the pages show them. */
import type { PointType } from "../../stats/spc.js";
import { nationalPriorities, type MeasureUnit } from "./measures.schema.js";
import type { MeasureSeries } from "./series.js";

const whole = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });

export function formatValue(value: number | null, unit: MeasureUnit): string {
  if (value === null) return "";
  switch (unit) {
    case "count":
      return whole.format(value);
    case "%":
      return `${oneDecimal.format(value)}%`;
    case "rate per 1,000":
      return `${oneDecimal.format(value)} per 1,000`;
    case "£":
      return `£${whole.format(value)}`;
    case "seconds":
    case "minutes":
    case "days":
      return `${oneDecimal.format(value)} ${unit}`;
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
      numerator: point.numerator === null ? "" : whole.format(point.numerator),
      denominator: point.denominator === null ? "" : whole.format(point.denominator),
      mean: point.spc ? formatValue(point.spc.mean, unit) : "",
      limits:
        point.spc && point.spc.lpl !== null && point.spc.upl !== null
          ? `${formatValue(point.spc.lpl, unit)} to ${formatValue(point.spc.upl, unit)}`
          : "",
      signal:
        point.spc && point.spc.pointType !== "common_cause"
          ? `${pointTypeNames[point.spc.pointType]} (${point.spc.rule})`
          : "",
      note: point.note ?? "",
    })),
    previousPeriod: changeView(series.change.previousPeriod),
    samePeriodLastYear: changeView(series.change.samePeriodLastYear),
    variation: series.spc ? pointTypeNames[series.spc.summary.variation_type] : null,
    msg: msgView(series.msg),
  };
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
