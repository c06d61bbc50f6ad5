import { describe, expect, it } from "vitest";
import { readDecisionOutcome } from "./outcome.js";

describe("reading a decision's outcome", () => {
  it.each([
    ["Minutes of 25 July 2024 approved.", "approved", ""],
    ["The PCC approved option B, subject to the business case.", "approved-subject-to", "the business case"],
    ["Supported in principle, pending costs.", "supported-in-principle", ""],
    ["The proposal was not supported.", "not-supported", ""],
    ["Deferred to the September board.", "deferred", ""],
    ["Agreed.", "approved", ""],
  ])("reads %j as %s", (text, outcome, conditions) => {
    expect(readDecisionOutcome(text)).toEqual({ outcome, conditions });
  });

  it("reads no outcome from a line that states none, rather than guessing", () => {
    expect(readDecisionOutcome("Noted.")).toBeNull();
    expect(readDecisionOutcome("The board discussed the risk register.")).toBeNull();
  });
});
