/**
 * The signed-in home page: what needs attention now, gathered from the modules that own it — the next
 * meetings and their paper deadlines, papers past their deadline, overdue actions, inspection findings
 * past their target date and this quarter's exceptions in the measures.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { periodLabel } from "../../charts/format.js";
import { periodContaining, periodDates } from "../../stats/periods.js";
import { overdueActions } from "../actions/actions.repository.js";
import { findMeasureExceptions } from "../briefing/exceptions.js";
import { todayInUk } from "../inspections/deadline.js";
import { listRegister } from "../inspections/inspections.repository.js";
import { paperTimeliness } from "../meetings/deadlines.js";
import { HOME_FORCE_ID } from "../measures/measures.schema.js";
import { listMeetings, listOutstandingPaperRequests } from "../meetings/meetings.repository.js";
import { measureIdsWithFigures } from "./dashboard.repository.js";

/** Meetings still to be held, as the dashboard lists them. */
const UPCOMING_STATUSES = ["planned", "agenda-published"];
const NEXT_MEETINGS_SHOWN = 5;

export async function homeDashboard(db: Kysely<Database>, now = new Date()) {
  const today = todayInUk(now);
  const quarter = periodContaining("financialQuarter", today);
  // The exceptions wait on which measures have figures; the rest need not wait with them.
  const [meetings, outstanding, actions, findings, exceptions] = await Promise.all([
    listMeetings(db),
    listOutstandingPaperRequests(db),
    overdueActions(db, today),
    listRegister(db, { overdue: true }, today),
    measureIdsWithFigures(db, HOME_FORCE_ID, periodDates(quarter)).then((measureIds) =>
      findMeasureExceptions(db, { period: quarter, areaCode: HOME_FORCE_ID, measureIds }),
    ),
  ]);
  const nextMeetings = meetings
    .filter((meeting) => meeting.date >= today && UPCOMING_STATUSES.includes(meeting.status))
    .sort((a, b) => a.date.localeCompare(b.date) || (a.start_time ?? "").localeCompare(b.start_time ?? ""))
    .slice(0, NEXT_MEETINGS_SHOWN);
  // A paper not in by its deadline is late; one whose deadline is still to come is awaited.
  const papers = outstanding.map((request) => ({
    ...request,
    timeliness: paperTimeliness(request.deadline, null, now),
  }));
  return {
    today,
    nextMeetings: nextMeetings.map((meeting) => ({
      ...meeting,
      deadlines: papers.filter((p) => p.meeting_id === meeting.id && p.timeliness === "awaited"),
    })),
    latePapers: papers.filter((p) => p.timeliness === "missing"),
    overdueActions: actions,
    overdueFindings: findings,
    quarter: periodLabel(quarter),
    exceptions,
  };
}

export type HomeDashboard = Awaited<ReturnType<typeof homeDashboard>>;
