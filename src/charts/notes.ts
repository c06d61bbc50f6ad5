/**
 * The notes on a measure's series ("Operation X began") as the charts draw them: a labelled vertical line at the
 * latest point on or before each note's date. SPC charts and trend lines share it, so a note is on every chart of
 * its measure.
 */
import { chartColours } from "../lib/charts.js";

export interface ChartNote {
  /** ISO date; the note is drawn at the latest point on or before it. */
  date: string;
  text: string;
}

/**
 * The mark line series option for the notes, given each point's start date and axis category in order. A note
 * dated before the first point shown (a range or an area starting later) belongs to no point of the chart: it is
 * left off, as the points before the range are; the measure page's list of notes shows it.
 */
export function noteMarkLine(
  notes: readonly ChartNote[],
  pointStarts: readonly string[],
  categories: readonly string[],
  /** Without the note's text (on all but the first of a set of small charts, which have no room for it). */
  options: { labelled: boolean } = { labelled: true },
): { markLine?: object } {
  const data = notes.flatMap((note) => {
    const index = pointStarts.findLastIndex((start) => start <= note.date);
    // The text goes in as the mark's name and is shown by "{b}", so braces in it are not read as a template.
    return index < 0 ? [] : [{ xAxis: categories[index], name: note.text }];
  });
  if (data.length === 0) return {};
  return {
    markLine: {
      symbol: "none",
      silent: true,
      lineStyle: { color: chartColours.mean, type: "solid", width: 1 },
      label: options.labelled
        ? { formatter: "{b}", position: "insideEndTop", color: chartColours.mean }
        : { show: false },
      data,
    },
  };
}
