import { ValidationError } from "../../lib/errors.js";
import type { MeetingStatus } from "./meetings.tables.js";

/**
 * The meeting cycle: planned → agenda published → held → notes drafted → notes approved → published, with
 * cancelled and postponed as ways out before the meeting is held. Approved notes can go back to draft.
 */
const transitions: Record<MeetingStatus, readonly MeetingStatus[]> = {
  planned: ["agenda-published", "cancelled", "postponed"],
  "agenda-published": ["held", "planned", "cancelled", "postponed"],
  held: ["notes-drafted"],
  "notes-drafted": ["notes-approved"],
  "notes-approved": ["published", "notes-drafted"],
  published: [],
  cancelled: [],
  postponed: ["planned"],
};

export const statusLabels: Record<MeetingStatus, string> = {
  planned: "Planned",
  "agenda-published": "Agenda published",
  held: "Held",
  "notes-drafted": "Notes drafted",
  "notes-approved": "Notes approved",
  published: "Published",
  cancelled: "Cancelled",
  postponed: "Postponed",
};

export function nextStatuses(from: MeetingStatus): readonly MeetingStatus[] {
  return transitions[from];
}

/** Refuses a move the cycle does not allow, naming both ends. */
export function assertTransition(from: MeetingStatus, to: MeetingStatus): void {
  if (!transitions[from].includes(to)) {
    throw new ValidationError([
      {
        field: "status",
        text: `A meeting that is ${statusLabels[from].toLowerCase()} cannot become ${statusLabels[to].toLowerCase()}`,
      },
    ]);
  }
}

/** The public sees a meeting's agenda once it is published, and its notes only when the notes are published. */
export const publicAgendaStatuses: readonly MeetingStatus[] = [
  "agenda-published",
  "held",
  "notes-drafted",
  "notes-approved",
  "published",
];

export function notesArePublic(status: MeetingStatus): boolean {
  return status === "published";
}
