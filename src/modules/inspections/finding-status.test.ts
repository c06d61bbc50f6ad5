import { describe, expect, it } from "vitest";
import { roles, type Role } from "../../db/schema.js";
import { checkTransition, statusesReachable, type TransitionRequest } from "./finding-status.js";
import { findingStatuses, type FindingStatus } from "./inspections.schema.js";

/** Everything a move needs, so each test names only what it is about. */
const complete = {
  findingId: 7,
  reason: "HMICFRS revisit found it done",
  closedBy: "hmicfrs",
  decidedBy: "Lead inspector",
  supersededById: 9,
} as const;

const move = (from: FindingStatus, to: FindingStatus, role: Role, details: Partial<TransitionRequest> = {}) =>
  checkTransition({ ...complete, from, to, role, ...details });

// The whole life cycle: which moves exist and who may make them. Every (from, to) pair not listed is refused.
const allowed: [FindingStatus, FindingStatus, Role[]][] = [
  ["open", "in_progress", ["force", "opcc", "admin"]],
  ["open", "ready_for_closure", ["force", "opcc", "admin"]],
  ["open", "closed", ["opcc", "admin"]],
  ["open", "superseded", ["opcc", "admin"]],
  ["in_progress", "ready_for_closure", ["force", "opcc", "admin"]],
  ["in_progress", "closed", ["opcc", "admin"]],
  ["in_progress", "superseded", ["opcc", "admin"]],
  ["ready_for_closure", "in_progress", ["force", "opcc", "admin"]],
  ["ready_for_closure", "closed", ["opcc", "admin"]],
  ["ready_for_closure", "superseded", ["opcc", "admin"]],
  ["closed", "open", ["opcc", "admin"]],
  ["superseded", "open", ["opcc", "admin"]],
];

describe("finding status transitions", () => {
  for (const from of findingStatuses) {
    for (const to of findingStatuses) {
      const rule = allowed.find(([f, t]) => f === from && t === to);
      for (const role of roles) {
        const permitted = rule?.[2].includes(role) ?? false;
        it(`${from} → ${to} by ${role}: ${permitted ? "allowed" : rule ? "forbidden" : "no such move"}`, () => {
          const outcome = move(from, to, role);
          expect(outcome.ok).toBe(permitted);
          if (!outcome.ok) {
            // A move that exists but not for this role is forbidden (403); one that does not exist is a form error.
            expect(outcome.forbidden).toBe(rule !== undefined);
            expect(outcome.errors[0]?.field).toBe("to");
          }
        });
      }
    }
  }

  it("offers each role exactly the moves the table allows it", () => {
    expect(statusesReachable("open", "force")).toEqual(["in_progress", "ready_for_closure"]);
    expect(statusesReachable("open", "opcc")).toEqual([
      "in_progress",
      "ready_for_closure",
      "closed",
      "superseded",
    ]);
    expect(statusesReachable("ready_for_closure", "force")).toEqual(["in_progress"]);
    expect(statusesReachable("closed", "force")).toEqual([]);
    expect(statusesReachable("in_progress", "panel")).toEqual([]);
  });

  it("closing records who closed it and who decided, and needs a reason", () => {
    const outcome = move("ready_for_closure", "closed", "opcc", {
      closedBy: "force",
      decidedBy: "ACC Crime",
    });
    expect(outcome).toEqual({
      ok: true,
      change: {
        status: "closed",
        closed_by: "force",
        closure_decided_by: "ACC Crime",
        superseded_by_id: null,
      },
    });
    const incomplete = move("in_progress", "closed", "admin", {
      closedBy: null,
      decidedBy: null,
      reason: null,
    });
    expect(incomplete.ok).toBe(false);
    if (!incomplete.ok)
      expect(incomplete.errors.map((e) => e.field)).toEqual(["closed_by", "decided_by", "reason"]);
  });

  it("superseding needs the superseding finding, which cannot be the finding itself", () => {
    expect(move("open", "superseded", "opcc", { supersededById: 12 })).toEqual({
      ok: true,
      change: { status: "superseded", closed_by: null, closure_decided_by: null, superseded_by_id: 12 },
    });
    const missing = move("open", "superseded", "opcc", { supersededById: null });
    expect(!missing.ok && missing.errors).toEqual([
      { field: "superseded_by_id", text: "Choose the finding that supersedes it" },
    ]);
    const itself = move("open", "superseded", "opcc", { supersededById: complete.findingId });
    expect(!itself.ok && itself.errors[0]?.text).toBe("A finding cannot supersede itself");
  });

  it("reopening needs a reason and clears the closure and superseding details", () => {
    const reopened = move("closed", "open", "opcc");
    expect(reopened).toEqual({
      ok: true,
      change: { status: "open", closed_by: null, closure_decided_by: null, superseded_by_id: null },
    });
    const noReason = move("superseded", "open", "opcc", { reason: null });
    expect(!noReason.ok && noReason.errors[0]?.field).toBe("reason");
  });

  it("force moves need no reason and carry no closure details", () => {
    expect(move("open", "in_progress", "force", { reason: null, closedBy: null, decidedBy: null })).toEqual({
      ok: true,
      change: { status: "in_progress", closed_by: null, closure_decided_by: null, superseded_by_id: null },
    });
  });
});
