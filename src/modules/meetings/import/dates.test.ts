import { describe, expect, it } from "vitest";
import { findDate, findTime, findTimeRange, findTimes } from "./dates.js";

describe("findDate", () => {
  it.each([
    ["Date: 11th December 2023", "2023-12-11"],
    ["Wednesday 22nd May 2024", "2024-05-22"],
    ["the 1st of Sept 2024", "2024-09-01"],
    ["December 11, 2023", "2023-12-11"],
    ["11/12/2023", "2023-12-11"],
    ["Thematic – VAWG 19.12.2023", "2023-12-19"],
    ["19.12.23", "2023-12-19"],
    ["11-12-2023", "2023-12-11"],
    ["2023-12-11", "2023-12-11"],
  ])("reads %s day-first", (text, iso) => {
    expect(findDate(text)?.iso).toBe(iso);
  });

  it("rejects dates that are not on the calendar", () => {
    expect(findDate("31/02/2024")).toBeNull();
    expect(findDate("30th February 2024")).toBeNull();
  });

  it("does not read financial years, action numbers or mixed separators as dates", () => {
    expect(findDate("Quarter 2 Performance -2023/24")).toBeNull();
    expect(findDate("Action 2023/15")).toBeNull();
    expect(findDate("11/12.2023")).toBeNull();
  });

  it("returns the earliest date with its position", () => {
    const found = findDate("due 01/02/2024, not 5 January 2024");
    expect(found).toEqual({ iso: "2024-02-01", index: 4, length: 10 });
  });
});

describe("findTimeRange", () => {
  it.each([
    ["10:00 – 12:00", "10:00", "12:00"],
    ["10am-12pm", "10:00", "12:00"],
    ["10.30am to 1pm", "10:30", "13:00"],
    ["2-4pm", "14:00", "16:00"],
    ["10-12pm", "10:00", "12:00"],
    ["11 – 1pm", "11:00", "13:00"],
    ["9am until 12 noon", "09:00", "12:00"],
  ])("reads %s", (text, start, end) => {
    expect(findTimeRange(text)).toEqual({ start, end });
  });

  it("ignores bare numbers that could be anything", () => {
    expect(findTimeRange("items 2 – 4")).toBeNull();
  });

  it("rejects impossible clock times", () => {
    expect(findTimeRange("25:00 – 26:00")).toBeNull();
    expect(findTimeRange("13pm – 14pm")).toBeNull();
  });
});

describe("findTime", () => {
  it("reads a single time with minutes or am/pm", () => {
    expect(findTime("by 9am")).toBe("09:00");
    expect(findTime("at 12 noon")).toBe("12:00");
    expect(findTime("from 14.15")).toBe("14:15");
    expect(findTime("12am")).toBe("00:00");
  });

  it("ignores plain numbers, years and dates", () => {
    expect(findTime("Q2 23/24 with 4 items")).toBeNull();
    expect(findTime("19.12.2023")).toBeNull();
  });

  it("findTimes falls back to a single start time", () => {
    expect(findTimes("10:00")).toEqual({ start: "10:00", end: null });
    expect(findTimes("no time here")).toBeNull();
  });
});
