import { describe, expect, it } from "vitest";
import {
  formatActionNumber,
  isOverdue,
  numberingYear,
  parseActionNumber,
  transitionProblem,
  type TransitionRequest,
} from "./action-rules.js";

const forceOwner: TransitionRequest = {
  from: "open",
  to: "in-progress",
  role: "force",
  isOwner: true,
  updateCount: 0,
  reviewMeetingId: null,
};

describe("who may move an action where", () => {
  it("lets a force owner move it forward: open → in progress → complete – awaiting review", () => {
    expect(transitionProblem(forceOwner)).toBeNull();
    expect(transitionProblem({ ...forceOwner, from: "in-progress", to: "awaiting-review" })).toBeNull();
    expect(transitionProblem({ ...forceOwner, from: "open", to: "awaiting-review" })).toBeNull();
    // A progress note without a change of status.
    expect(transitionProblem({ ...forceOwner, from: "in-progress", to: "in-progress" })).toBeNull();
  });

  it("does not let a force owner move it back, touch a closed action, or close it", () => {
    expect(transitionProblem({ ...forceOwner, from: "awaiting-review", to: "open" })).toBe(
      "An action cannot go back from complete – awaiting review to open",
    );
    expect(transitionProblem({ ...forceOwner, from: "closed", to: "in-progress" })).toMatch(/is closed/);
    expect(
      transitionProblem({
        ...forceOwner,
        from: "awaiting-review",
        to: "closed",
        updateCount: 2,
        reviewMeetingId: 1,
      }),
    ).toBe("Only the OPCC closes an action, at a meeting's review");
  });

  it("refuses a force user who does not own the action, and any panel member", () => {
    expect(transitionProblem({ ...forceOwner, isOwner: false })).toBe(
      "You can update only the actions you own",
    );
    expect(transitionProblem({ ...forceOwner, role: "panel", isOwner: true })).toBe(
      "Panel members cannot change actions",
    );
  });

  it("lets the OPCC close only at a meeting's review and only after an update", () => {
    const close: TransitionRequest = {
      from: "awaiting-review",
      to: "closed",
      role: "opcc",
      isOwner: false,
      updateCount: 1,
      reviewMeetingId: 7,
    };
    expect(transitionProblem(close)).toBeNull();
    expect(transitionProblem({ ...close, role: "admin" })).toBeNull();
    expect(transitionProblem({ ...close, reviewMeetingId: null })).toBe(
      "Choose the meeting whose review closes this action",
    );
    expect(transitionProblem({ ...close, updateCount: 0 })).toBe(
      "An action needs at least one update before it can be closed",
    );
    expect(transitionProblem({ ...close, from: "closed" })).toBe("This action is already closed");
  });

  it("lets the OPCC reopen or move an action back", () => {
    expect(
      transitionProblem({ ...forceOwner, role: "opcc", isOwner: false, from: "closed", to: "open" }),
    ).toBeNull();
    expect(
      transitionProblem({
        ...forceOwner,
        role: "opcc",
        isOwner: false,
        from: "awaiting-review",
        to: "in-progress",
      }),
    ).toBeNull();
  });
});

describe("overdue", () => {
  const today = "2024-03-15";
  it("is past the due date while the force still has it", () => {
    expect(isOverdue({ status: "open", due_date: "2024-03-14" }, today)).toBe(true);
    expect(isOverdue({ status: "in-progress", due_date: "2023-12-31" }, today)).toBe(true);
  });
  it("is not due today, not without a due date, and not once complete or closed", () => {
    expect(isOverdue({ status: "open", due_date: "2024-03-15" }, today)).toBe(false);
    expect(isOverdue({ status: "open", due_date: null }, today)).toBe(false);
    expect(isOverdue({ status: "awaiting-review", due_date: "2024-01-01" }, today)).toBe(false);
    expect(isOverdue({ status: "closed", due_date: "2024-01-01" }, today)).toBe(false);
  });
});

describe("action numbers", () => {
  it("reads and writes the published form, year/number", () => {
    expect(formatActionNumber(2023, 15)).toBe("2023/15");
    expect(parseActionNumber("2023/15")).toEqual({ year: 2023, number: 15 });
    expect(parseActionNumber(" 2023 / 7 ")).toEqual({ year: 2023, number: 7 });
  });
  it("refuses anything else", () => {
    for (const text of ["15", "2023-15", "23/15", "2023/0", "2023/", "2023/15a"]) {
      expect(parseActionNumber(text), text).toBeNull();
    }
  });
  it("numbers within the calendar year of the raising meeting", () => {
    expect(numberingYear("2023-12-11")).toBe(2023);
    expect(numberingYear("2024-01-02")).toBe(2024);
  });
});
