import type { Role } from "../../db/schema.js";
import type { FieldError } from "../../lib/errors.js";
import { editors } from "../auth/access.js";
import { findingStatusLabels, type ClosedBy, type FindingStatus } from "./inspections.schema.js";

/**
 * The finding life cycle, as one table: which status may follow which, and who may make the move. The force
 * reports progress (in progress, ready for closure); only the OPCC closes, supersedes or reopens, because
 * those are judgements about whether the force's account is enough.
 */
/** Who may report progress on a finding: the force, and the OPCC on its behalf. */
export const progressReporters: readonly Role[] = ["force", ...editors];
const forceAndEditors = progressReporters;
const editorsOnly: readonly Role[] = editors;

const transitions: Record<FindingStatus, Partial<Record<FindingStatus, readonly Role[]>>> = {
  open: {
    in_progress: forceAndEditors,
    ready_for_closure: forceAndEditors,
    closed: editorsOnly,
    superseded: editorsOnly,
  },
  in_progress: { ready_for_closure: forceAndEditors, closed: editorsOnly, superseded: editorsOnly },
  // Sent back to in progress when the evidence is not yet enough.
  ready_for_closure: { in_progress: forceAndEditors, closed: editorsOnly, superseded: editorsOnly },
  closed: { open: editorsOnly },
  superseded: { open: editorsOnly },
};

export interface TransitionRequest {
  findingId: number;
  from: FindingStatus;
  to: FindingStatus;
  role: Role;
  reason: string | null;
  closedBy: ClosedBy | null;
  decidedBy: string | null;
  supersededById: number | null;
}

/** The columns a permitted transition sets on the finding. */
export interface StatusChange {
  status: FindingStatus;
  closed_by: ClosedBy | null;
  closure_decided_by: string | null;
  superseded_by_id: number | null;
}

export type TransitionOutcome =
  { ok: true; change: StatusChange } | { ok: false; forbidden: boolean; errors: FieldError[] };

/** The statuses this role may move a finding to from where it is now, for the form's choices. */
export function statusesReachable(from: FindingStatus, role: Role): FindingStatus[] {
  return Object.entries(transitions[from])
    .filter(([, roles]) => roles.includes(role))
    .map(([to]) => to as FindingStatus);
}

export function checkTransition(request: TransitionRequest): TransitionOutcome {
  const { from, to, role } = request;
  const roles = transitions[from][to];
  if (!roles) {
    const text = `A finding cannot move from ${findingStatusLabels[from].toLowerCase()} to ${findingStatusLabels[to].toLowerCase()}`;
    return { ok: false, forbidden: false, errors: [{ field: "to", text }] };
  }
  if (!roles.includes(role)) {
    const text = `Only OPCC staff can mark a finding ${findingStatusLabels[to].toLowerCase()}`;
    return { ok: false, forbidden: true, errors: [{ field: "to", text }] };
  }

  const errors: FieldError[] = [];
  const change: StatusChange = {
    status: to,
    closed_by: null,
    closure_decided_by: null,
    superseded_by_id: null,
  };
  if (to === "closed") {
    if (!request.closedBy)
      errors.push({ field: "closed_by", text: "Say whether HMICFRS or the force closed it" });
    if (!request.decidedBy) errors.push({ field: "decided_by", text: "Enter who decided to close it" });
    if (!request.reason) errors.push({ field: "reason", text: "Give the reason for closing it" });
    change.closed_by = request.closedBy;
    change.closure_decided_by = request.decidedBy;
  }
  if (to === "superseded") {
    if (request.supersededById === null) {
      errors.push({ field: "superseded_by_id", text: "Choose the finding that supersedes it" });
    } else if (request.supersededById === request.findingId) {
      errors.push({ field: "superseded_by_id", text: "A finding cannot supersede itself" });
    }
    change.superseded_by_id = request.supersededById;
  }
  if (to === "open" && !request.reason) {
    errors.push({ field: "reason", text: "Give the reason for reopening it" });
  }
  return errors.length ? { ok: false, forbidden: false, errors } : { ok: true, change };
}
