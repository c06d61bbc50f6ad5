import { describe, expect, it } from "vitest";
import { addDays, responseDeadline, todayInUk } from "./deadline.js";

describe("the PCC's 56-day response deadline", () => {
  it("falls 56 days after publication, across month, year and leap-day boundaries", () => {
    expect(responseDeadline("2025-01-10", "2025-01-10").dueOn).toBe("2025-03-07");
    expect(responseDeadline("2024-01-10", "2024-01-10").dueOn).toBe("2024-03-06"); // 2024 has 29 February
    expect(responseDeadline("2024-11-20", "2024-11-20").dueOn).toBe("2025-01-15"); // into the next year
    expect(responseDeadline("2023-12-31", "2023-12-31").dueOn).toBe("2024-02-25");
    expect(responseDeadline("2025-03-01", "2025-03-01").dueOn).toBe("2025-04-26"); // across the clocks changing
  });

  it("counts the days left, with 0 on the last day", () => {
    expect(responseDeadline("2025-01-10", "2025-01-10")).toEqual({
      state: "due",
      dueOn: "2025-03-07",
      daysLeft: 56,
    });
    expect(responseDeadline("2025-01-10", "2025-02-28")).toEqual({
      state: "due",
      dueOn: "2025-03-07",
      daysLeft: 7,
    });
    expect(responseDeadline("2025-01-10", "2025-03-07")).toEqual({
      state: "due",
      dueOn: "2025-03-07",
      daysLeft: 0,
    });
  });

  it("is overdue from the day after, by whole days across a year end", () => {
    expect(responseDeadline("2025-01-10", "2025-03-08")).toEqual({
      state: "overdue",
      dueOn: "2025-03-07",
      daysOverdue: 1,
    });
    expect(responseDeadline("2024-11-20", "2025-02-01")).toEqual({
      state: "overdue",
      dueOn: "2025-01-15",
      daysOverdue: 17,
    });
  });

  it("once published, says whether it was on time", () => {
    expect(responseDeadline("2025-01-10", "2025-06-01", "2025-03-07")).toEqual({
      state: "published",
      dueOn: "2025-03-07",
      publishedOn: "2025-03-07",
      late: false,
    });
    expect(responseDeadline("2025-01-10", "2025-06-01", "2025-03-08")).toMatchObject({
      state: "published",
      late: true,
    });
  });

  it("adds days in UTC, so no date shifts with British Summer Time", () => {
    expect(addDays("2025-03-29", 2)).toBe("2025-03-31");
    expect(addDays("2025-10-25", 2)).toBe("2025-10-27");
    expect(addDays("2025-03-01", -1)).toBe("2025-02-28");
  });

  it("takes today in the UK, not in UTC", () => {
    // 23:30 UTC on 30 June is already 1 July in London (BST); in winter the two agree.
    expect(todayInUk(new Date("2025-06-30T23:30:00Z"))).toBe("2025-07-01");
    expect(todayInUk(new Date("2025-12-31T23:30:00Z"))).toBe("2025-12-31");
  });
});
