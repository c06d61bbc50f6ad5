import { describe, expect, it } from "vitest";
import { deepFreeze, pushTo } from "./collections.js";

describe("pushTo", () => {
  it("starts a list for a new key and adds to the same list after, in order", () => {
    const lists = new Map<string, number[]>([["kept", []]]);
    pushTo(lists, "a", 1);
    const first = lists.get("a");
    pushTo(lists, "a", 2);
    pushTo(lists, "kept", 3);
    expect(lists.get("a")).toBe(first);
    expect([...lists]).toEqual([
      ["kept", [3]],
      ["a", [1, 2]],
    ]);
  });
});

describe("deepFreeze", () => {
  it("freezes a value and everything it holds, however deep, and returns it", () => {
    const value = { points: [{ period: "2025-01", interval: { lower: 1, upper: 2 } }], note: null };
    expect(deepFreeze(value)).toBe(value);
    expect(() => value.points.push({ period: "2025-02", interval: { lower: 0, upper: 0 } })).toThrow(
      TypeError,
    );
    expect(() => {
      value.points[0]!.interval.lower = 0;
    }).toThrow(TypeError);
    expect(value.points[0]!.interval.lower).toBe(1);
  });
});
