/** Number, date and period wording shared by the charts, their tables and their text alternatives (en-GB). */
import type { Period } from "../stats/periods.js";
import { describePeriod, formatPeriod, periodDates } from "../stats/periods.js";

const MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// One formatter per precision: toLocaleString builds a new one on every call, which pages showing
// hundreds of figures felt.
const numberFormats = new Map<number, Intl.NumberFormat>();

/** "1,142", "61.5", "0.25": at most `maximumFractionDigits` decimals, thousands separated. */
export function formatNumber(value: number, maximumFractionDigits = 1): string {
  let format = numberFormats.get(maximumFractionDigits);
  if (!format) {
    format = new Intl.NumberFormat("en-GB", { maximumFractionDigits });
    numberFormats.set(maximumFractionDigits, format);
  }
  return format.format(value);
}

/** A fraction as a percentage: 0.4521 → "45.2%". */
export function formatPercent(fraction: number, maximumFractionDigits = 1): string {
  return `${formatNumber(fraction * 100, maximumFractionDigits)}%`;
}

/** 1 → "1st", 12 → "12th", 22 → "22nd". */
export function ordinal(position: number): string {
  const lastTwo = position % 100;
  const suffix = lastTwo >= 11 && lastTwo <= 13 ? "th" : (["th", "st", "nd", "rd"][position % 10] ?? "th");
  return `${position}${suffix}`;
}

/** The month of an ISO date: "2025-03-01" → "March 2025" (long) or "Mar 2025" (short, for axes). */
export function monthOf(isoDate: string, style: "long" | "short" = "long"): string {
  const [year, month] = isoDate.split("-").map(Number) as [number, number];
  if (!(month >= 1 && month <= 12)) throw new Error(`Not an ISO date or month: "${isoDate}".`);
  return style === "short"
    ? `${MONTHS_SHORT[month - 1]} ${year}`
    : describePeriod({ kind: "month", year, month });
}

/**
 * A period as OPCC reports write it: "March 2025", "Q2 2025/26", "2025/26",
 * "12 months to March 2025", "2025/26 to date (April to June 2025)".
 */
export function periodLabel(period: Period): string {
  switch (period.kind) {
    case "month":
      return describePeriod(period);
    case "rolling12Months":
      return `12 months to ${monthOf(periodDates(period).end)}`;
    case "financialYearToDate":
      return `${formatPeriod(period).split(" ")[0]} to date (${describePeriod(period)})`;
    case "financialYear":
    case "financialQuarter":
    case "isoWeek":
      return formatPeriod(period);
  }
}

/** "a, b and c". */
export function listInWords(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
