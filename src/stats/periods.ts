/**
 * Reporting periods as Police and Crime Commissioners' offices write them: UK financial years
 * (April to March, "2023/24") and their quarters ("Q2 2023/24" = July to September 2023),
 * calendar months ("2025-01"), ISO-8601 weeks ("2025-W01"), rolling 12 months ending in a month
 * and financial year to date. Dates are ISO strings ("YYYY-MM-DD"), months "YYYY-MM".
 */

export type Quarter = 1 | 2 | 3 | 4;

export type Period =
  /** The financial year starting 1 April of `startYear`. */
  | { kind: "financialYear"; startYear: number }
  | { kind: "financialQuarter"; startYear: number; quarter: Quarter }
  /** `month` is 1 to 12. */
  | { kind: "month"; year: number; month: number }
  | { kind: "isoWeek"; isoYear: number; week: number }
  /** The 12 calendar months ending with (and including) the given month. */
  | { kind: "rolling12Months"; endYear: number; endMonth: number }
  /** From 1 April of the financial year containing the given month to the end of that month. */
  | { kind: "financialYearToDate"; endYear: number; endMonth: number };

/** Inclusive range of ISO dates. */
export interface DateRange {
  start: string;
  end: string;
}

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

const FINANCIAL_YEAR_START_MONTH = 4;

// ---------------------------------------------------------------------------------------------
// Formatting and parsing

/** "2023/24" for the year from April 2023 (the two-digit end wraps: "1999/00"). */
export function financialYearLabel(startYear: number): string {
  return `${startYear}/${pad2((startYear + 1) % 100)}`;
}

/** The canonical text of a period; `parsePeriod` reads it back to the same period. */
export function formatPeriod(period: Period): string {
  switch (period.kind) {
    case "financialYear":
      return financialYearLabel(period.startYear);
    case "financialQuarter":
      return `Q${period.quarter} ${financialYearLabel(period.startYear)}`;
    case "month":
      return monthCode(period.year, period.month);
    case "isoWeek":
      return `${period.isoYear}-W${pad2(period.week)}`;
    case "rolling12Months":
      return `12 months to ${monthCode(period.endYear, period.endMonth)}`;
    case "financialYearToDate":
      return `${financialYearLabel(financialYearStartOf(period.endYear, period.endMonth))} year to date to ${monthCode(period.endYear, period.endMonth)}`;
  }
}

/** A plain-English description for display beside a figure, e.g. "July to September 2023". */
export function describePeriod(period: Period): string {
  const { start, end } = periodDates(period);
  if (period.kind === "isoWeek") return `week ${period.week} of ${period.isoYear} (${start} to ${end})`;
  const [startYear, startMonth] = splitMonth(start);
  const [endYear, endMonth] = splitMonth(end);
  const endText = `${monthName(endMonth)} ${endYear}`;
  if (startYear === endYear && startMonth === endMonth) return endText;
  const startText = startYear === endYear ? monthName(startMonth) : `${monthName(startMonth)} ${startYear}`;
  return `${startText} to ${endText}`;
}

// Hyphen, the Unicode hyphens and en/em dashes: documents use all of them.
const DASH_CHARACTERS = "-\u2010-\u2015";
const DASH = `[${DASH_CHARACTERS}]`;
const FINANCIAL_YEAR_PATTERN = `(?:FY ?)?(\\d{4}) ?[${DASH_CHARACTERS}/] ?(\\d{2}|\\d{4})`;
const MONTH_PATTERN = `(\\d{4})-(\\d{2})|([A-Za-z]+)\\s+(\\d{4})`;

/**
 * Reads a period as OPCC documents write it. Accepts the canonical forms from `formatPeriod` and
 * common variants: "2023-24", "FY 2023/2024", "Quarter 2 – 2023/24", "2023/24 Q2", "January 2025",
 * "Jan 2025", "2025-W1", "12 months to January 2025", "12 months ending 2025-01",
 * "2024/25 YTD to November 2024". Throws on anything else, or on an impossible period.
 */
export function parsePeriod(text: string): Period {
  const input = text.trim().replace(/\s+/g, " ");
  const fail = (why: string): never => {
    throw new Error(`Cannot read "${text}" as a period: ${why}.`);
  };
  let match: RegExpMatchArray | null;

  if ((match = /^(\d{4})-W(\d{1,2})$/i.exec(input))) {
    const isoYear = Number(match[1]);
    const week = Number(match[2]);
    if (week < 1 || week > isoWeeksInYear(isoYear))
      fail(`${isoYear} has ${isoWeeksInYear(isoYear)} ISO weeks`);
    return { kind: "isoWeek", isoYear, week };
  }
  // "2023-24" is a financial year but "2011-12" reads as December 2011: "YYYY-MM" is our month code.
  if ((match = new RegExp(`^(?:${MONTH_PATTERN})$`).exec(input)) && !(Number(match[2]) > 12)) {
    const [year, month] = monthFromMatch(match, 1, fail);
    return { kind: "month", year, month };
  }
  if ((match = new RegExp(`^12 months (?:to|ending)(?: end of)? (?:${MONTH_PATTERN})$`, "i").exec(input))) {
    const [endYear, endMonth] = monthFromMatch(match, 1, fail);
    return { kind: "rolling12Months", endYear, endMonth };
  }
  if (
    (match = new RegExp(
      `^${FINANCIAL_YEAR_PATTERN} (?:YTD|year to date|financial year to date) to (?:${MONTH_PATTERN})$`,
      "i",
    ).exec(input))
  ) {
    const startYear = financialYearFromMatch(match[1], match[2], fail);
    const [endYear, endMonth] = monthFromMatch(match, 3, fail);
    if (financialYearStartOf(endYear, endMonth) !== startYear) {
      fail(`${monthCode(endYear, endMonth)} is not in ${financialYearLabel(startYear)}`);
    }
    return { kind: "financialYearToDate", endYear, endMonth };
  }
  if (
    (match = new RegExp(`^(?:Q|Quarter )([1-4])(?: ?${DASH} ?| )${FINANCIAL_YEAR_PATTERN}$`, "i").exec(input))
  ) {
    const startYear = financialYearFromMatch(match[2], match[3], fail);
    return { kind: "financialQuarter", startYear, quarter: Number(match[1]) as Quarter };
  }
  if ((match = new RegExp(`^${FINANCIAL_YEAR_PATTERN} (?:Q|Quarter )([1-4])$`, "i").exec(input))) {
    const startYear = financialYearFromMatch(match[1], match[2], fail);
    return { kind: "financialQuarter", startYear, quarter: Number(match[3]) as Quarter };
  }
  if ((match = new RegExp(`^${FINANCIAL_YEAR_PATTERN}$`, "i").exec(input))) {
    return { kind: "financialYear", startYear: financialYearFromMatch(match[1], match[2], fail) };
  }
  return fail("not a recognised financial year, quarter, month, ISO week, rolling 12 months or year to date");
}

function financialYearFromMatch(
  first: string | undefined,
  second: string | undefined,
  fail: (why: string) => never,
): number {
  const startYear = Number(first);
  const end = String(second);
  const expectedEnd = end.length === 2 ? (startYear + 1) % 100 : startYear + 1;
  if (Number(end) !== expectedEnd)
    fail(`a financial year runs from one April to the next, so ${startYear} is followed by ${expectedEnd}`);
  return startYear;
}

/** Reads a month matched by MONTH_PATTERN whose first group is at `offset`. */
function monthFromMatch(
  match: RegExpMatchArray,
  offset: number,
  fail: (why: string) => never,
): [number, number] {
  const numericYear = match[offset];
  if (numericYear !== undefined) {
    const month = Number(match[offset + 1]);
    if (month < 1 || month > 12) fail(`month ${month} does not exist`);
    return [Number(numericYear), month];
  }
  const name = String(match[offset + 2]).toLowerCase();
  const index = MONTH_NAMES.findIndex(
    (m) => m.toLowerCase() === name || m.slice(0, 3).toLowerCase() === name,
  );
  if (index < 0) fail(`"${match[offset + 2]}" is not a month`);
  return [Number(match[offset + 3]), index + 1];
}

// ---------------------------------------------------------------------------------------------
// Ranges

/** First and last day of the period, inclusive. */
export function periodDates(period: Period): DateRange {
  if (period.kind === "isoWeek") {
    const monday = isoWeekMonday(period.isoYear, period.week);
    return { start: toIsoDate(monday), end: toIsoDate(addDays(monday, 6)) };
  }
  const months = periodMonths(period);
  const [endYear, endMonth] = splitMonth(months[months.length - 1] as string);
  return {
    start: `${months[0]}-01`,
    end: `${monthCode(endYear, endMonth)}-${pad2(daysInMonth(endYear, endMonth))}`,
  };
}

/** Every calendar month ("YYYY-MM") the period touches, in order; an ISO week may touch two. */
export function periodMonths(period: Period): string[] {
  switch (period.kind) {
    case "financialYear":
      return monthRange(period.startYear, FINANCIAL_YEAR_START_MONTH, 12);
    case "financialQuarter":
      return monthRange(period.startYear, FINANCIAL_YEAR_START_MONTH + 3 * (period.quarter - 1), 3);
    case "month":
      return [monthCode(period.year, period.month)];
    case "isoWeek": {
      const monday = isoWeekMonday(period.isoYear, period.week);
      const first = toIsoDate(monday).slice(0, 7);
      const last = toIsoDate(addDays(monday, 6)).slice(0, 7);
      return first === last ? [first] : [first, last];
    }
    case "rolling12Months":
      return monthRange(period.endYear, period.endMonth - 11, 12);
    case "financialYearToDate": {
      const startYear = financialYearStartOf(period.endYear, period.endMonth);
      const count = (period.endYear - startYear) * 12 + period.endMonth - FINANCIAL_YEAR_START_MONTH + 1;
      return monthRange(startYear, FINANCIAL_YEAR_START_MONTH, count);
    }
  }
}

/** Every month ("YYYY-MM") from `first` to `last`, inclusive; none if `last` is before `first`. */
export function monthsFromTo(first: string, last: string): string[] {
  const [firstYear, firstMonth] = splitMonth(first);
  const [lastYear, lastMonth] = splitMonth(last);
  const count = (lastYear - firstYear) * 12 + lastMonth - firstMonth + 1;
  return monthRange(firstYear, firstMonth, Math.max(0, count));
}

// ---------------------------------------------------------------------------------------------
// Comparison periods

/**
 * The period immediately before, of the same kind and length. For rolling 12 months that is the
 * 12 months before (so it coincides with the same period last year). A year-to-date span has no
 * adjacent earlier span of the same kind, so its previous period is last year's same span.
 */
export function previousPeriod(period: Period): Period {
  switch (period.kind) {
    case "financialYear":
      return { kind: "financialYear", startYear: period.startYear - 1 };
    case "financialQuarter":
      return period.quarter === 1
        ? { kind: "financialQuarter", startYear: period.startYear - 1, quarter: 4 }
        : { kind: "financialQuarter", startYear: period.startYear, quarter: (period.quarter - 1) as Quarter };
    case "month": {
      const [year, month] = shiftMonth(period.year, period.month, -1);
      return { kind: "month", year, month };
    }
    case "isoWeek":
      return period.week === 1
        ? { kind: "isoWeek", isoYear: period.isoYear - 1, week: isoWeeksInYear(period.isoYear - 1) }
        : { kind: "isoWeek", isoYear: period.isoYear, week: period.week - 1 };
    case "rolling12Months":
    case "financialYearToDate":
      return samePeriodLastYear(period);
  }
}

/**
 * The same period a year earlier. Week 53 has no counterpart in a 52-week year; it is compared
 * with week 52 of that year.
 */
export function samePeriodLastYear(period: Period): Period {
  switch (period.kind) {
    case "financialYear":
    case "financialQuarter":
      return { ...period, startYear: period.startYear - 1 };
    case "month":
      return { ...period, year: period.year - 1 };
    case "isoWeek":
      return {
        kind: "isoWeek",
        isoYear: period.isoYear - 1,
        week: Math.min(period.week, isoWeeksInYear(period.isoYear - 1)),
      };
    case "rolling12Months":
    case "financialYearToDate":
      return { ...period, endYear: period.endYear - 1 };
  }
}

// ---------------------------------------------------------------------------------------------
// Periods containing a date

/** The financial year, quarter, month or ISO week containing an ISO date. */
export function periodContaining(
  kind: "financialYear" | "financialQuarter" | "month" | "isoWeek",
  isoDate: string,
): Period {
  const date = parseIsoDate(isoDate);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  const startYear = financialYearStartOf(year, month);
  switch (kind) {
    case "financialYear":
      return { kind, startYear };
    case "financialQuarter": {
      const monthsIntoYear = (year - startYear) * 12 + month - FINANCIAL_YEAR_START_MONTH;
      return { kind, startYear, quarter: (Math.floor(monthsIntoYear / 3) + 1) as Quarter };
    }
    case "month":
      return { kind, year, month };
    case "isoWeek":
      return isoWeekOf(date);
  }
}

/**
 * ISO-8601 week: weeks start on Monday and week 1 is the week containing the year's first
 * Thursday, so the ISO year of a date near New Year can differ from its calendar year.
 */
function isoWeekOf(date: Date): Period & { kind: "isoWeek" } {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const isoYear = thursday.getUTCFullYear();
  const week = Math.floor(daysBetween(isoWeekMonday(isoYear, 1), thursday) / 7) + 1;
  return { kind: "isoWeek", isoYear, week };
}

/** 53 when the year starts on a Thursday, or on a Wednesday in a leap year; otherwise 52. */
export function isoWeeksInYear(isoYear: number): number {
  const jan1 = isoWeekday(new Date(Date.UTC(isoYear, 0, 1)));
  const leap = daysInMonth(isoYear, 2) === 29;
  return jan1 === 4 || (leap && jan1 === 3) ? 53 : 52;
}

/** Monday of the given ISO week: week 1 is the week containing 4 January. */
function isoWeekMonday(isoYear: number, week: number): Date {
  const jan4 = new Date(Date.UTC(isoYear, 0, 4));
  return addDays(jan4, 1 - isoWeekday(jan4) + 7 * (week - 1));
}

// ---------------------------------------------------------------------------------------------
// Small date helpers (all UTC, so no time-zone or daylight-saving effects)

/** Financial years start in April, so January to March belong to the year that began the April before. */
function financialYearStartOf(year: number, month: number): number {
  return month >= FINANCIAL_YEAR_START_MONTH ? year : year - 1;
}

function monthRange(year: number, month: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => monthCode(...shiftMonth(year, month, i)));
}

function shiftMonth(year: number, month: number, by: number): [number, number] {
  const index = year * 12 + (month - 1) + by;
  return [Math.floor(index / 12), (index % 12) + 1];
}

function monthCode(year: number, month: number): string {
  return `${year}-${pad2(month)}`;
}

function splitMonth(isoDateOrMonth: string): [number, number] {
  return [Number(isoDateOrMonth.slice(0, 4)), Number(isoDateOrMonth.slice(5, 7))];
}

function monthName(month: number): string {
  return MONTH_NAMES[month - 1] as string;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseIsoDate(isoDate: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || toIsoDate(date) !== isoDate)
    throw new Error(`"${isoDate}" is not a valid ISO date (YYYY-MM-DD).`);
  return date;
}

function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

function daysBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 86_400_000);
}

/** 1 = Monday … 7 = Sunday. */
function isoWeekday(date: Date): number {
  return ((date.getUTCDay() + 6) % 7) + 1;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}
