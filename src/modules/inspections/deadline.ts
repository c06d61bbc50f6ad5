import { londonLocal } from "../meetings/deadlines.js";

/** Section 55 of the Police Act 1996: the PCC publishes comments on an HMICFRS report within 56 days. */
export const responseDays = 56;

const dayMs = 24 * 60 * 60 * 1000;

function utcDay(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** `YYYY-MM-DD` plus whole days, in UTC so clock changes never shift the date. */
export function addDays(date: string, days: number): string {
  return new Date(utcDay(date) + days * dayMs).toISOString().slice(0, 10);
}

export type ResponseDeadline =
  | { state: "published"; dueOn: string; publishedOn: string; late: boolean }
  | { state: "due"; dueOn: string; daysLeft: number }
  | { state: "overdue"; dueOn: string; daysOverdue: number };

/**
 * Where the PCC's response stands: published (on time or late), due with days left (0 on the last day), or
 * overdue by a number of days. `today` and `publishedOn` are `YYYY-MM-DD` dates.
 */
export function responseDeadline(
  reportPublishedOn: string,
  today: string,
  responsePublishedOn: string | null = null,
): ResponseDeadline {
  const dueOn = addDays(reportPublishedOn, responseDays);
  if (responsePublishedOn) {
    return { state: "published", dueOn, publishedOn: responsePublishedOn, late: responsePublishedOn > dueOn };
  }
  const daysLeft = Math.round((utcDay(dueOn) - utcDay(today)) / dayMs);
  return daysLeft >= 0
    ? { state: "due", dueOn, daysLeft }
    : { state: "overdue", dueOn, daysOverdue: -daysLeft };
}

/** Today's date in the UK, which is what "56 days" and "overdue" mean to the office. */
export function todayInUk(now = new Date()): string {
  return londonLocal(now).slice(0, 10);
}
