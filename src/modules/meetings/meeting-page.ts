import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { NotFoundError } from "../../lib/errors.js";
import { actionsRaisedAtMeeting, openActionsForReview } from "../actions/actions.repository.js";
import { openFindingsWithUpdatesSince } from "../inspections/inspections.repository.js";
import { paperTimeliness, timelinessLabels } from "./deadlines.js";
import { renderMarkdown } from "./markdown.js";
import {
  findMeeting,
  findMeetingType,
  findPerson,
  listAttendees,
  listDecisions,
  listItemLinkViews,
  listItems,
  listLinesOfEnquiry,
  listPaperRequests,
  previousMeetingDate,
} from "./meetings.repository.js";
import { notesArePublic, publicAgendaStatuses } from "./meetings.status.js";
import { attendanceLabels } from "./meetings.schema.js";
import { attendanceKinds, type MeetingRow } from "./meetings.tables.js";

/**
 * Who is reading: staff (signed in) see everything; the public sees only published, unrestricted material;
 * a publication (the documents staff download to publish) has everything but restricted material.
 */
export type Audience = "staff" | "public" | "publication";

export interface FocusPoint {
  level: number;
  text: string;
}

export interface NextMeetingNote {
  type: string | null;
  theme: string | null;
  date: string | null;
  startTime: string | null;
  endTime: string | null;
  venue: string | null;
}

export interface FocusNode {
  text: string;
  children: FocusNode[];
}

/** Flat bullets with levels (as the parser and templates store them) nested for the page's lists. */
export function focusTree(points: readonly FocusPoint[]): FocusNode[] {
  const roots: FocusNode[] = [];
  const open: FocusNode[][] = [roots];
  for (const point of points) {
    const level = Math.min(point.level, open.length - 1);
    const node: FocusNode = { text: point.text, children: [] };
    open[level]!.push(node);
    open.length = level + 1;
    open.push(node.children);
  }
  return roots;
}

export function isPublic(meeting: Pick<MeetingRow, "status">): boolean {
  return publicAgendaStatuses.includes(meeting.status);
}

/**
 * Everything a meeting's page and documents show, already cut down to what the audience may see: for the
 * public, restricted items and papers are left out, and notes appear only once published.
 */
export async function loadMeetingPage(
  db: Kysely<Database>,
  meetingId: number,
  audience: Audience,
  now = new Date(),
) {
  const meeting = await findMeeting(db, meetingId);
  if (!meeting || (audience === "public" && !isPublic(meeting))) throw new NotFoundError("Page not found");
  const [type, chair, attendees, items, requests, lines, decisions, links] = await Promise.all([
    findMeetingType(db, meeting.meeting_type_id),
    meeting.chair_person_id ? findPerson(db, meeting.chair_person_id) : undefined,
    listAttendees(db, meeting),
    listItems(db, meeting.id),
    listPaperRequests(db, meeting.id),
    listLinesOfEnquiry(db, meeting.id),
    listDecisions(db, meeting.id),
    // The tracker and parts of the catalogue are not public: links are for staff.
    audience === "staff" ? listItemLinkViews(db, meeting.id) : [],
  ]);
  const confirmedNext = meeting.next_meeting_id ? await findMeeting(db, meeting.next_meeting_id) : undefined;
  const standing = audience === "staff" ? await standingItemEvidence(db, meeting) : null;
  const showNotes = audience !== "public" || notesArePublic(meeting.status);
  const showRestricted = audience === "staff";
  const visibleItems = items.filter((item) => showRestricted || item.restricted === 0);
  return {
    meeting,
    type: type!,
    chair: chair ?? null,
    attendees,
    attendance: attendanceKinds
      .map((kind) => ({
        kind,
        label: attendanceLabels[kind],
        people: attendees.filter((a) => a.kind === kind),
      }))
      .filter((group) => group.people.length > 0),
    showNotes,
    /** The next meeting's record, when one is confirmed and this audience may see it. */
    nextMeetingRecord:
      confirmedNext && (audience !== "public" || isPublic(confirmedNext)) ? confirmedNext : null,
    nextMeeting: meeting.next_meeting_json
      ? (JSON.parse(meeting.next_meeting_json) as NextMeetingNote)
      : null,
    items: visibleItems.map((item) => ({
      ...item,
      notes_markdown: showNotes ? item.notes_markdown : "",
      focus: JSON.parse(item.focus_json) as FocusPoint[],
      focusTree: focusTree(JSON.parse(item.focus_json) as FocusPoint[]),
      notesHtml: showNotes && item.notes_markdown ? renderMarkdown(item.notes_markdown) : "",
      lines: showNotes ? lines.filter((line) => line.meeting_item_id === item.id) : [],
      decisions: showNotes ? decisions.filter((decision) => decision.meeting_item_id === item.id) : [],
      links: links.filter((link) => link.meetingItemId === item.id),
      standing: standing ? standingEvidenceFor(item.title, standing) : null,
      papers: requests
        .filter((request) => request.meeting_item_id === item.id)
        .filter((request) => showRestricted || request.restricted === 0)
        .map((request) => {
          const timeliness = paperTimeliness(request.deadline, request.papers[0]?.uploaded_at ?? null, now);
          return { ...request, timeliness, timelinessLabel: timelinessLabels[timeliness] };
        }),
    })),
  };
}
export type MeetingPage = Awaited<ReturnType<typeof loadMeetingPage>>;

/**
 * What the standing items of a quarterly meeting bring with them for the OPCC, gathered from the action
 * tracker and the inspections register: the open actions to review, the actions raised at this meeting, and
 * the open HMICFRS findings with the force's updates since the previous meeting.
 */
async function standingItemEvidence(db: Kysely<Database>, meeting: MeetingRow) {
  const since = (await previousMeetingDate(db, meeting.id)) ?? "0000-01-01";
  const [openActions, actionsArising, openFindings] = await Promise.all([
    openActionsForReview(db, meeting.date),
    actionsRaisedAtMeeting(db, meeting.id),
    openFindingsWithUpdatesSince(db, since),
  ]);
  return { openActions, actionsArising, openFindings, since };
}

type StandingEvidence = Awaited<ReturnType<typeof standingItemEvidence>>;

/** Standing items are known by the titles the meeting-type templates give them. */
function standingEvidenceFor(title: string, evidence: StandingEvidence) {
  const normalised = title.trim().toLowerCase();
  if (normalised.startsWith("review of action tracker"))
    return { kind: "open-actions", actions: evidence.openActions };
  if (normalised.startsWith("summary of actions arising")) {
    return { kind: "actions-arising", actions: evidence.actionsArising };
  }
  if (normalised.includes("hmicfrs update")) {
    return { kind: "hmicfrs", findings: evidence.openFindings, since: evidence.since };
  }
  return null;
}
