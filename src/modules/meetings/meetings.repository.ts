import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema.js";
import { publicAgendaStatuses } from "./meetings.status.js";
import type { ItemLinkTarget, MeetingItemRow, MeetingRow, MeetingStatus } from "./meetings.tables.js";

type Executor = Kysely<Database> | Transaction<Database>;

export async function listMeetingTypes(db: Executor) {
  return db.selectFrom("meeting_types").selectAll().orderBy("id").execute();
}

export async function findMeetingType(db: Executor, id: number) {
  return db.selectFrom("meeting_types").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findMeetingTypeByKey(db: Executor, key: string) {
  return db.selectFrom("meeting_types").selectAll().where("key", "=", key).executeTakeFirst();
}

export async function listTemplateItems(db: Executor, meetingTypeId: number) {
  return db
    .selectFrom("meeting_type_items")
    .selectAll()
    .where("meeting_type_id", "=", meetingTypeId)
    .orderBy("number")
    .execute();
}

export async function findMeeting(db: Executor, id: number): Promise<MeetingRow | undefined> {
  return db.selectFrom("meetings").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Every meeting, soonest first among those to come, for the OPCC's list. */
export async function listMeetings(db: Executor) {
  return db
    .selectFrom("meetings")
    .innerJoin("meeting_types", "meeting_types.id", "meetings.meeting_type_id")
    .selectAll("meetings")
    .select("meeting_types.name as type_name")
    .orderBy("meetings.date", "desc")
    .execute();
}

/** Meetings whose agenda (at least) the public may read, newest first. */
export async function listPublicMeetings(db: Executor) {
  return db
    .selectFrom("meetings")
    .innerJoin("meeting_types", "meeting_types.id", "meetings.meeting_type_id")
    .selectAll("meetings")
    .select("meeting_types.name as type_name")
    .where("meetings.status", "in", [...publicAgendaStatuses])
    .orderBy("meetings.date", "desc")
    .execute();
}

export async function listItems(db: Executor, meetingId: number): Promise<MeetingItemRow[]> {
  return db
    .selectFrom("meeting_items")
    .selectAll()
    .where("meeting_id", "=", meetingId)
    .orderBy("number")
    .execute();
}

/** An agenda item by id; for other modules (actions) that hang records on items. */
export async function findMeetingItem(db: Executor, itemId: number): Promise<MeetingItemRow | undefined> {
  return db.selectFrom("meeting_items").selectAll().where("id", "=", itemId).executeTakeFirst();
}

export async function findMeetingItemByNumber(
  db: Executor,
  meetingId: number,
  number: number,
): Promise<MeetingItemRow | undefined> {
  return db
    .selectFrom("meeting_items")
    .selectAll()
    .where("meeting_id", "=", meetingId)
    .where("number", "=", number)
    .executeTakeFirst();
}

const notHeld: readonly MeetingStatus[] = ["cancelled", "postponed"];

/** The date of the last meeting of the same type before this one (cancelled and postponed ones aside). */
export async function previousMeetingDate(db: Executor, meetingId: number): Promise<string | null> {
  const meeting = await findMeeting(db, meetingId);
  if (!meeting) return null;
  const previous = await db
    .selectFrom("meetings")
    .select("date")
    .where("meeting_type_id", "=", meeting.meeting_type_id)
    .where("date", "<", meeting.date)
    .where("status", "not in", [...notHeld])
    .orderBy("date", "desc")
    .limit(1)
    .executeTakeFirst();
  return previous?.date ?? null;
}

/** Attendees with the role each held on the meeting's date, falling back to the role written at the time. */
export async function listAttendees(db: Executor, meeting: Pick<MeetingRow, "id" | "date">) {
  const rows = await db
    .selectFrom("meeting_attendees")
    .innerJoin("people", "people.id", "meeting_attendees.person_id")
    .leftJoin("person_roles", (join) =>
      join
        .onRef("person_roles.person_id", "=", "people.id")
        .on("person_roles.starts_on", "<=", meeting.date)
        .on((eb) =>
          eb.or([eb("person_roles.ends_on", "is", null), eb("person_roles.ends_on", ">=", meeting.date)]),
        ),
    )
    .select([
      "meeting_attendees.id",
      "meeting_attendees.kind",
      "meeting_attendees.position",
      "meeting_attendees.role_text",
      "meeting_attendees.abbreviation",
      "people.id as person_id",
      "people.name",
      "person_roles.title as dated_title",
      "person_roles.abbreviation as dated_abbreviation",
    ])
    .where("meeting_attendees.meeting_id", "=", meeting.id)
    .orderBy("meeting_attendees.position")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    personId: row.person_id,
    name: row.name,
    kind: row.kind,
    title: row.dated_title ?? row.role_text,
    abbreviation: row.dated_abbreviation ?? row.abbreviation,
    /** As written for this meeting, whatever dated role covers it. */
    roleText: row.role_text,
    abbreviationText: row.abbreviation,
  }));
}
export type AttendeeView = Awaited<ReturnType<typeof listAttendees>>[number];

export async function findPersonByName(db: Executor, name: string) {
  return db.selectFrom("people").selectAll().where("name", "=", name).executeTakeFirst();
}

export async function findPerson(db: Executor, id: number) {
  return db.selectFrom("people").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listPeopleWithRoles(db: Executor) {
  const [people, roles] = await Promise.all([
    db.selectFrom("people").selectAll().orderBy("name").execute(),
    db.selectFrom("person_roles").selectAll().orderBy("starts_on").execute(),
  ]);
  return people.map((person) => ({ ...person, roles: roles.filter((role) => role.person_id === person.id) }));
}

export async function listRoleTitles(db: Executor) {
  return db.selectFrom("role_titles").selectAll().orderBy("organisation").orderBy("id").execute();
}

export async function findRoleTitle(db: Executor, abbreviation: string) {
  return db.selectFrom("role_titles").selectAll().where("abbreviation", "=", abbreviation).executeTakeFirst();
}

/** Paper requests of a meeting with their uploads, the first upload deciding whether it came in on time. */
export async function listPaperRequests(db: Executor, meetingId: number) {
  const requests = await db
    .selectFrom("paper_requests")
    .innerJoin("meeting_items", "meeting_items.id", "paper_requests.meeting_item_id")
    .selectAll("paper_requests")
    .select(["meeting_items.number as item_number", "meeting_items.title as item_title"])
    .where("meeting_items.meeting_id", "=", meetingId)
    .orderBy("meeting_items.number")
    .orderBy("paper_requests.id")
    .execute();
  const papers = requests.length
    ? await db
        .selectFrom("papers")
        .selectAll()
        .where(
          "paper_request_id",
          "in",
          requests.map((request) => request.id),
        )
        .orderBy("uploaded_at")
        .execute()
    : [];
  return requests.map((request) => ({
    ...request,
    papers: papers.filter((paper) => paper.paper_request_id === request.id),
  }));
}

export async function findPaperRequest(db: Executor, id: number) {
  return db
    .selectFrom("paper_requests")
    .innerJoin("meeting_items", "meeting_items.id", "paper_requests.meeting_item_id")
    .innerJoin("meetings", "meetings.id", "meeting_items.meeting_id")
    .selectAll("paper_requests")
    .select([
      "meeting_items.meeting_id",
      "meeting_items.number as item_number",
      "meeting_items.title as item_title",
      "meeting_items.restricted as item_restricted",
      "meetings.title as meeting_title",
      "meetings.date as meeting_date",
      "meetings.status as meeting_status",
    ])
    .where("paper_requests.id", "=", id)
    .executeTakeFirst();
}

export async function findPaper(db: Executor, id: number) {
  return db
    .selectFrom("papers")
    .innerJoin("paper_requests", "paper_requests.id", "papers.paper_request_id")
    .innerJoin("meeting_items", "meeting_items.id", "paper_requests.meeting_item_id")
    .innerJoin("meetings", "meetings.id", "meeting_items.meeting_id")
    .selectAll("papers")
    .select([
      "paper_requests.restricted as request_restricted",
      "meeting_items.restricted as item_restricted",
      "meetings.status as meeting_status",
    ])
    .where("papers.id", "=", id)
    .executeTakeFirst();
}

/** Papers not yet received for meetings still to be held, earliest deadline first. */
export async function listOutstandingPaperRequests(db: Executor) {
  return db
    .selectFrom("paper_requests")
    .innerJoin("meeting_items", "meeting_items.id", "paper_requests.meeting_item_id")
    .innerJoin("meetings", "meetings.id", "meeting_items.meeting_id")
    .selectAll("paper_requests")
    .select([
      "meetings.id as meeting_id",
      "meetings.title as meeting_title",
      "meetings.date as meeting_date",
      "meeting_items.number as item_number",
      "meeting_items.title as item_title",
    ])
    .where("meetings.status", "in", ["planned", "agenda-published"])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("papers")
            .select("papers.id")
            .whereRef("papers.paper_request_id", "=", "paper_requests.id"),
        ),
      ),
    )
    .orderBy("paper_requests.deadline")
    .execute();
}

export async function listLinesOfEnquiry(db: Executor, meetingId: number) {
  return db
    .selectFrom("lines_of_enquiry")
    .innerJoin("meeting_items", "meeting_items.id", "lines_of_enquiry.meeting_item_id")
    .selectAll("lines_of_enquiry")
    .where("meeting_items.meeting_id", "=", meetingId)
    .orderBy("lines_of_enquiry.id")
    .execute();
}

export async function findLineOfEnquiry(db: Executor, id: number) {
  return db.selectFrom("lines_of_enquiry").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findDecision(db: Executor, id: number) {
  return db.selectFrom("decisions").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listDecisions(db: Executor, meetingId: number) {
  return db
    .selectFrom("decisions")
    .innerJoin("meeting_items", "meeting_items.id", "decisions.meeting_item_id")
    .selectAll("decisions")
    .where("meeting_items.meeting_id", "=", meetingId)
    .orderBy("decisions.id")
    .execute();
}

export async function listItemLinks(db: Executor, meetingId: number) {
  return db
    .selectFrom("meeting_item_links")
    .innerJoin("meeting_items", "meeting_items.id", "meeting_item_links.meeting_item_id")
    .selectAll("meeting_item_links")
    .where("meeting_items.meeting_id", "=", meetingId)
    .orderBy("meeting_item_links.id")
    .execute();
}

export interface ItemLinkView {
  id: number;
  meetingItemId: number;
  targetType: ItemLinkTarget;
  targetRef: string;
  /** What the link names, e.g. "Finding AFI 3 (PEEL 2023): …"; the bare reference when the target is gone. */
  label: string;
  href: string | null;
}

const linkLabelLength = 140;
const shorten = (text: string) =>
  text.length > linkLabelLength ? `${text.slice(0, linkLabelLength - 1)}…` : text;

/**
 * A meeting's item links with what each names, read from the measures catalogue, the inspections register
 * and the action tracker (those modules own the targets; a link keeps only their reference).
 */
export async function listItemLinkViews(db: Executor, meetingId: number): Promise<ItemLinkView[]> {
  const links = await listItemLinks(db, meetingId);
  const refs = (type: ItemLinkTarget) =>
    links.filter((link) => link.target_type === type).map((l) => l.target_ref);
  const ids = (type: ItemLinkTarget) => refs(type).map(Number).filter(Number.isInteger);
  const [measures, findings, actions] = await Promise.all([
    refs("measure").length
      ? db.selectFrom("measures").select(["id", "name"]).where("id", "in", refs("measure")).execute()
      : [],
    ids("finding").length
      ? db
          .selectFrom("inspection_findings as f")
          .innerJoin("inspections as i", "i.id", "f.inspection_id")
          .select(["f.id", "f.reference", "f.text", "i.title as inspection_title"])
          .where("f.id", "in", ids("finding"))
          .execute()
      : [],
    ids("action").length
      ? db
          .selectFrom("actions")
          .select(["id", "year", "number", "description"])
          .where("id", "in", ids("action"))
          .execute()
      : [],
  ]);
  return links.map((link) => {
    const base = {
      id: link.id,
      meetingItemId: link.meeting_item_id,
      targetType: link.target_type,
      targetRef: link.target_ref,
    };
    if (link.target_type === "measure") {
      const measure = measures.find((m) => m.id === link.target_ref);
      return measure
        ? { ...base, label: `Measure: ${measure.name}`, href: `/measures/${encodeURIComponent(measure.id)}` }
        : { ...base, label: `Measure ${link.target_ref} (no longer in the catalogue)`, href: null };
    }
    if (link.target_type === "finding") {
      const finding = findings.find((f) => String(f.id) === link.target_ref);
      return finding
        ? {
            ...base,
            label: shorten(`HMICFRS ${finding.reference} (${finding.inspection_title}): ${finding.text}`),
            href: `/inspections/findings/${finding.id}`,
          }
        : { ...base, label: `HMICFRS finding ${link.target_ref} (no longer recorded)`, href: null };
    }
    const action = actions.find((a) => String(a.id) === link.target_ref);
    return action
      ? {
          ...base,
          label: shorten(`Action ${action.year}/${action.number}: ${action.description}`),
          href: `/actions/${action.id}`,
        }
      : { ...base, label: `Action ${link.target_ref} (no longer recorded)`, href: null };
  });
}

/** What an item may be linked to: the measures catalogue, the HMICFRS findings and the actions. */
export async function listLinkChoices(db: Executor) {
  const [measures, findings, actions] = await Promise.all([
    db.selectFrom("measures").select(["id", "name"]).orderBy("name").execute(),
    db
      .selectFrom("inspection_findings as f")
      .innerJoin("inspections as i", "i.id", "f.inspection_id")
      .select(["f.id", "f.reference", "f.text", "i.title as inspection_title"])
      .orderBy("i.published_on", "desc")
      .orderBy("f.id")
      .execute(),
    db
      .selectFrom("actions")
      .select(["id", "year", "number", "description"])
      .orderBy("year", "desc")
      .orderBy("number", "desc")
      .execute(),
  ]);
  return {
    measures: measures.map((m) => ({ value: m.id, text: m.name })),
    findings: findings.map((f) => ({
      value: String(f.id),
      text: shorten(`${f.reference} (${f.inspection_title}): ${f.text}`),
    })),
    actions: actions.map((a) => ({
      value: String(a.id),
      text: shorten(`${a.year}/${a.number}: ${a.description}`),
    })),
  };
}
