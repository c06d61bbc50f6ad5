/**
 * A measure's headline figure as the public pages and the 7A statement give it: the latest value, the change
 * on the same period last year (or the previous period) in the words of the chart layer's describe* builders,
 * the SPC verdict on the latest point, and the chart (SPC, or a trend line where SPC does not apply) with its
 * data table. Everything is read from the
 * series the measures module computed; nothing is recomputed here.
 */
import { describeCountChange, describeProportionChange, spcSignalInWords } from "../../charts/describe.js";
import { periodLabel } from "../../charts/format.js";
import type { ChartTable } from "../../charts/table.js";
import { renderSvgChart } from "../../lib/charts.js";
import { parsePeriod, type Period } from "../../stats/periods.js";
import { formatValue } from "../measures/measures.view.js";
import { seriesChart, spcChartInput } from "../performance/performance.view.js";
import type { MeasureSeries } from "../measures/series.js";

export interface HeadlineFigure {
  measureId: string;
  name: string;
  /** The definition without its closing full stop (the pages add their own). */
  definition: string;
  /** The latest period in words, e.g. "March 2026" or "Q4 2025/26"; null when there are no figures. */
  period: string | null;
  periodEnd: string | null;
  value: string | null;
  /** The figure comes from a return noted as SAMPLE (invented for the demonstration). */
  sample: boolean;
  change: string | null;
  spcVerdict: string | null;
  chart: { svg: string; description: string; table: ChartTable } | null;
}

const CHART_SIZE = { width: 640, height: 320 };

export function headlineFigure(series: MeasureSeries, options: { chart: boolean }): HeadlineFigure {
  const { measure } = series;
  const latest = series.points[series.points.length - 1];
  const spcPoints = spcChartInput(series).points;
  const latestSpc = spcPoints[spcPoints.length - 1];
  return {
    measureId: measure.id,
    name: measure.name,
    definition: measure.definition.replace(/\.$/, ""),
    period: latest ? periodLabel(parsePeriod(latest.period)) : null,
    periodEnd: latest?.periodEnd ?? null,
    value: latest ? formatValue(latest.value, measure.unit) : null,
    sample: latest?.note?.startsWith("SAMPLE") ?? false,
    change: changeSentence(series),
    spcVerdict: latestSpc ? spcSignalInWords(latestSpc) : null,
    chart: options.chart ? headlineChart(series) : null,
  };
}

/** The series' chart (SPC, or a trend line where SPC does not apply), drawn at the summary's size. */
function headlineChart(series: MeasureSeries): HeadlineFigure["chart"] {
  const chart = seriesChart(series);
  if (chart === null) return null;
  return {
    svg: renderSvgChart(chart.option, CHART_SIZE, chart.description),
    description: chart.description,
    table: chart.table,
  };
}

/** The change on the same period last year where there is one, else on the previous period, in words. */
export function changeSentence(series: MeasureSeries): string | null {
  const change = series.change.samePeriodLastYear ?? series.change.previousPeriod;
  if (!change || !series.change.latest) return null;
  const measure = series.measure.name;
  const current: Period = parsePeriod(series.change.latest);
  const previous: Period = parsePeriod(change.period);
  if (change.test && "difference" in change.test)
    return describeProportionChange({ measure, change: change.test, current, previous });
  if (change.test) return describeCountChange({ measure, change: change.test, current, previous });
  const unit = series.measure.unit;
  return (
    `${measure}: ${formatValue(change.value, unit)} in ${periodLabel(current)} against ` +
    `${formatValue(change.previousValue, unit)} in ${periodLabel(previous)}; ${change.statement}.`
  );
}
