import type { Role } from "../../db/schema.js";

/** An action's life: the force works it, then a meeting's review of the tracker closes it. */
export const actionStatuses = ["open", "in-progress", "awaiting-review", "closed"] as const;
export type ActionStatus = (typeof actionStatuses)[number];

export const statusLabels: Record<ActionStatus, string> = {
  open: "Open",
  "in-progress": "In progress",
  "awaiting-review": "Complete – awaiting review",
  closed: "Closed",
};

/** govuk-tag colours, so a status reads the same on every page. */
export const statusTagClasses: Record<ActionStatus, string> = {
  open: "govuk-tag--blue",
  "in-progress": "govuk-tag--yellow",
  "awaiting-review": "govuk-tag--purple",
  closed: "govuk-tag--grey",
};

/** The order the force moves an action along; a force owner may only go forward (or stay put with a note). */
const forceOrder: readonly ActionStatus[] = ["open", "in-progress", "awaiting-review"];

export interface TransitionRequest {
  from: ActionStatus;
  to: ActionStatus;
  role: Role;
  /** The person changing it is linked to one of the action's owners. */
  isOwner: boolean;
  /** Updates already recorded on the action. */
  updateCount: number;
  /** The meeting whose review closes it; closing needs one. */
  reviewMeetingId: number | null;
}

/** Null when the change is allowed, else the reason in words a form can show. */
export function transitionProblem(request: TransitionRequest): string | null {
  const { from, to, role } = request;
  if (role === "panel") return "Panel members cannot change actions";
  const editor = role === "admin" || role === "opcc";
  if (!editor && !(role === "force" && request.isOwner)) {
    return "You can update only the actions you own";
  }
  if (to === "closed") {
    if (!editor) return "Only the OPCC closes an action, at a meeting's review";
    if (from === "closed") return "This action is already closed";
    if (request.reviewMeetingId === null) return "Choose the meeting whose review closes this action";
    if (request.updateCount === 0) return "An action needs at least one update before it can be closed";
    return null;
  }
  if (editor) return null;
  if (from === "closed") return "This action is closed; ask the OPCC to reopen it";
  if (forceOrder.indexOf(to) < forceOrder.indexOf(from)) {
    return `An action cannot go back from ${statusLabels[from].toLowerCase()} to ${statusLabels[to].toLowerCase()}`;
  }
  return null;
}

/** Statuses in which the force still has the action, so it can fall overdue; the tracker's query uses them too. */
export const statusesThatCanBeOverdue: readonly ActionStatus[] = ["open", "in-progress"];

/** Overdue: past its due date and the force has not yet finished it. `today` is a `YYYY-MM-DD` date. */
export function isOverdue(action: { status: ActionStatus; due_date: string | null }, today: string): boolean {
  return (
    action.due_date !== null && action.due_date < today && statusesThatCanBeOverdue.includes(action.status)
  );
}

/** "2023/15", as published notes write an action's number. */
export function formatActionNumber(year: number, number: number): string {
  return `${year}/${number}`;
}

const actionNumberPattern = /^\s*(\d{4})\s*\/\s*(\d{1,5})\s*$/;

/** Reads "2023/15" into its year and number; null when the text is not in that form. */
export function parseActionNumber(text: string): { year: number; number: number } | null {
  const match = actionNumberPattern.exec(text);
  if (!match) return null;
  const number = Number(match[2]);
  if (number < 1) return null;
  return { year: Number(match[1]), number };
}

/** Actions are numbered within the calendar year of the meeting that raised them (West Mercia's "2023/15"). */
export function numberingYear(raisedOn: string): number {
  return Number(raisedOn.slice(0, 4));
}
