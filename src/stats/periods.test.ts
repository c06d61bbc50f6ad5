import { describe, expect, it } from "vitest";
import type { Period } from "./periods.js";
import {
  describePeriod,
  formatPeriod,
  isoWeeksInYear,
  parsePeriod,
  periodContaining,
  periodDates,
  periodMonths,
  previousPeriod,
  samePeriodLastYear,
} from "./periods.js";

// UK government financial year: 1 April to 31 March (HM Treasury; Home Office crime statistics
// publish "year ending March"). ISO weeks: ISO 8601 week-date rules (examples from the standard's
// commonly quoted cases, e.g. 2008-12-29 is 2009-W01 and 2010-01-03 is 2009-W53).

describe("financial years and quarters", () => {
  it("runs 2023/24 from 1 April 2023 to 31 March 2024", () => {
    const year = parsePeriod("2023/24");
    expect(year).toStrictEqual({ kind: "financialYear", startYear: 2023 });
    expect(periodDates(year)).toStrictEqual({ start: "2023-04-01", end: "2024-03-31" });
    expect(periodMonths(year)).toHaveLength(12);
    expect(periodMonths(year)[0]).toBe("2023-04");
    expect(periodMonths(year)[11]).toBe("2024-03");
  });

  it("reads common spellings of a financial year and rejects non-consecutive years", () => {
    for (const text of ["2023-24", "2023/2024", "FY 2023/24", "2023\u201324"]) {
      expect(parsePeriod(text)).toStrictEqual({ kind: "financialYear", startYear: 2023 });
    }
    expect(formatPeriod({ kind: "financialYear", startYear: 1999 })).toBe("1999/00");
    expect(parsePeriod("1999/00")).toStrictEqual({ kind: "financialYear", startYear: 1999 });
    expect(() => parsePeriod("2023/25")).toThrow(/2023 is followed by 24/);
  });

  it("makes Q2 2023/24 July to September 2023, also written 'Quarter 2 – 2023/24'", () => {
    const q2 = parsePeriod("Q2 2023/24");
    expect(q2).toStrictEqual({ kind: "financialQuarter", startYear: 2023, quarter: 2 });
    expect(parsePeriod("Quarter 2 \u2013 2023/24")).toStrictEqual(q2);
    expect(parsePeriod("quarter 2 - 2023-24")).toStrictEqual(q2);
    expect(parsePeriod("2023/24 Q2")).toStrictEqual(q2);
    expect(periodDates(q2)).toStrictEqual({ start: "2023-07-01", end: "2023-09-30" });
    expect(periodMonths(q2)).toStrictEqual(["2023-07", "2023-08", "2023-09"]);
    expect(describePeriod(q2)).toBe("July to September 2023");
  });

  it("puts Q4 in the following calendar year, with February's leap day", () => {
    const q4 = parsePeriod("Q4 2023/24");
    expect(periodDates(q4)).toStrictEqual({ start: "2024-01-01", end: "2024-03-31" });
    expect(periodMonths(q4)).toStrictEqual(["2024-01", "2024-02", "2024-03"]);
  });

  it("steps back a quarter across the year boundary and a year to the same quarter", () => {
    const q1 = parsePeriod("Q1 2024/25");
    expect(formatPeriod(previousPeriod(q1))).toBe("Q4 2023/24");
    expect(formatPeriod(previousPeriod(parsePeriod("Q3 2024/25")))).toBe("Q2 2024/25");
    expect(formatPeriod(samePeriodLastYear(q1))).toBe("Q1 2023/24");
    expect(formatPeriod(previousPeriod(parsePeriod("2024/25")))).toBe("2023/24");
  });

  it("finds the year and quarter containing a date (31 March is still the old year)", () => {
    expect(formatPeriod(periodContaining("financialYear", "2024-03-31"))).toBe("2023/24");
    expect(formatPeriod(periodContaining("financialYear", "2024-04-01"))).toBe("2024/25");
    expect(formatPeriod(periodContaining("financialQuarter", "2024-02-10"))).toBe("Q4 2023/24");
    expect(formatPeriod(periodContaining("financialQuarter", "2023-10-01"))).toBe("Q3 2023/24");
  });
});

describe("calendar months", () => {
  it("covers a whole month, leap February included", () => {
    expect(periodDates(parsePeriod("2024-02"))).toStrictEqual({ start: "2024-02-01", end: "2024-02-29" });
    expect(periodDates(parsePeriod("2025-02"))).toStrictEqual({ start: "2025-02-01", end: "2025-02-28" });
    expect(parsePeriod("January 2025")).toStrictEqual({ kind: "month", year: 2025, month: 1 });
    expect(parsePeriod("Jan 2025")).toStrictEqual({ kind: "month", year: 2025, month: 1 });
    expect(() => parsePeriod("2025-13")).toThrow(/Cannot read "2025-13"/);
    expect(() => parsePeriod("Smarch 2025")).toThrow(/not a month/);
  });

  it("steps back across a year boundary", () => {
    const january = parsePeriod("2025-01");
    expect(formatPeriod(previousPeriod(january))).toBe("2024-12");
    expect(formatPeriod(samePeriodLastYear(january))).toBe("2024-01");
  });
});

describe("ISO weeks", () => {
  it("puts 2024-12-30 in 2025-W01, which runs 30 December 2024 to 5 January 2025", () => {
    const week = periodContaining("isoWeek", "2024-12-30");
    expect(formatPeriod(week)).toBe("2025-W01");
    expect(periodDates(week)).toStrictEqual({ start: "2024-12-30", end: "2025-01-05" });
    expect(periodMonths(week)).toStrictEqual(["2024-12", "2025-01"]);
    expect(describePeriod(week)).toBe("week 1 of 2025 (2024-12-30 to 2025-01-05)");
  });

  it("gives 2020 a week 53 (28 December 2020 to 3 January 2021) and 2021 none", () => {
    expect(isoWeeksInYear(2020)).toBe(53);
    expect(isoWeeksInYear(2021)).toBe(52);
    expect(isoWeeksInYear(2015)).toBe(53);
    const w53 = parsePeriod("2020-W53");
    expect(periodDates(w53)).toStrictEqual({ start: "2020-12-28", end: "2021-01-03" });
    expect(formatPeriod(periodContaining("isoWeek", "2021-01-03"))).toBe("2020-W53");
    expect(formatPeriod(periodContaining("isoWeek", "2021-01-04"))).toBe("2021-W01");
    expect(() => parsePeriod("2021-W53")).toThrow(/52 ISO weeks/);
  });

  it("matches the ISO 8601 examples 2008-12-29 = 2009-W01 and 2010-01-03 = 2009-W53", () => {
    expect(formatPeriod(periodContaining("isoWeek", "2008-12-29"))).toBe("2009-W01");
    expect(formatPeriod(periodContaining("isoWeek", "2010-01-03"))).toBe("2009-W53");
  });

  it("steps back from week 1 to the last week of the previous ISO year; week 53 compares with week 52", () => {
    expect(formatPeriod(previousPeriod(parsePeriod("2021-W01")))).toBe("2020-W53");
    expect(formatPeriod(previousPeriod(parsePeriod("2022-W01")))).toBe("2021-W52");
    expect(formatPeriod(samePeriodLastYear(parsePeriod("2026-W53")))).toBe("2025-W52");
    expect(formatPeriod(samePeriodLastYear(parsePeriod("2021-W10")))).toBe("2020-W10");
  });

  it("rejects a malformed date", () => {
    expect(() => periodContaining("isoWeek", "2025-02-30")).toThrow(/not a valid ISO date/);
  });
});

describe("rolling 12 months and financial year to date", () => {
  it("makes '12 months to January 2025' February 2024 to January 2025", () => {
    const rolling = parsePeriod("12 months to January 2025");
    expect(rolling).toStrictEqual({ kind: "rolling12Months", endYear: 2025, endMonth: 1 });
    expect(periodDates(rolling)).toStrictEqual({ start: "2024-02-01", end: "2025-01-31" });
    expect(periodMonths(rolling)).toHaveLength(12);
    expect(formatPeriod(previousPeriod(rolling))).toBe("12 months to 2024-01");
    expect(formatPeriod(samePeriodLastYear(rolling))).toBe("12 months to 2024-01");
    expect(parsePeriod("12 months ending 2025-01")).toStrictEqual(rolling);
  });

  it("makes 2024/25 year to date to November April to November 2024", () => {
    const ytd = parsePeriod("2024/25 YTD to November 2024");
    expect(ytd).toStrictEqual({ kind: "financialYearToDate", endYear: 2024, endMonth: 11 });
    expect(periodMonths(ytd)).toStrictEqual([
      "2024-04",
      "2024-05",
      "2024-06",
      "2024-07",
      "2024-08",
      "2024-09",
      "2024-10",
      "2024-11",
    ]);
    expect(describePeriod(samePeriodLastYear(ytd))).toBe("April to November 2023");
    expect(periodDates(parsePeriod("2024/25 year to date to 2025-02"))).toStrictEqual({
      start: "2024-04-01",
      end: "2025-02-28",
    });
    expect(() => parsePeriod("2024/25 YTD to 2024-03")).toThrow(/not in 2024\/25/);
  });
});

describe("format and parse round trips", () => {
  const periods: Period[] = [
    { kind: "financialYear", startYear: 2023 },
    { kind: "financialYear", startYear: 2009 },
    { kind: "financialQuarter", startYear: 2023, quarter: 1 },
    { kind: "financialQuarter", startYear: 2011, quarter: 4 },
    { kind: "month", year: 2025, month: 1 },
    { kind: "month", year: 2011, month: 12 },
    { kind: "isoWeek", isoYear: 2020, week: 53 },
    { kind: "isoWeek", isoYear: 2025, week: 1 },
    { kind: "rolling12Months", endYear: 2025, endMonth: 3 },
    { kind: "financialYearToDate", endYear: 2025, endMonth: 1 },
    { kind: "financialYearToDate", endYear: 2024, endMonth: 4 },
  ];
  for (const period of periods) {
    it(`reads back ${formatPeriod(period)}`, () => {
      expect(parsePeriod(formatPeriod(period))).toStrictEqual(period);
    });
  }
});
