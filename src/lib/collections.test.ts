import { describe, expect, it } from "vitest";
import { pushTo } from "./collections.js";

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
