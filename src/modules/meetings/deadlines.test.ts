import { describe, expect, it } from "vitest";
import { londonLocal, paperTimeliness } from "./deadlines.js";

describe("paper deadlines in UK local time", () => {
  it("reads an instant in British Summer Time and in GMT", () => {
    expect(londonLocal(new Date("2024-06-03T08:30:00Z"))).toBe("2024-06-03T09:30");
    expect(londonLocal(new Date("2024-01-15T09:00:00Z"))).toBe("2024-01-15T09:00");
  });

  it("judges an upload against the local deadline, not UTC", () => {
    // 08:59 UTC is 09:59 BST: after a 09:00 deadline although UTC reads earlier.
    expect(paperTimeliness("2024-06-03T09:00", "2024-06-03T08:59:00Z", new Date())).toBe("late");
    expect(paperTimeliness("2024-06-03T09:00", "2024-06-03T07:59:00Z", new Date())).toBe("on-time");
  });

  it("is awaited before the deadline and missing after it when nothing was uploaded", () => {
    expect(paperTimeliness("2024-06-03T09:00", null, new Date("2024-06-03T07:00:00Z"))).toBe("awaited");
    expect(paperTimeliness("2024-06-03T09:00", null, new Date("2024-06-03T08:01:00Z"))).toBe("missing");
  });
});
