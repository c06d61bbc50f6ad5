import type { ExpressionBuilder, Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema.js";
import { updateAtVersion } from "../../db/update-at-version.js";
import { publicAgendaStatuses } from "../meetings/meetings.status.js";
import { COMPLAINTS_TERM } from "./publication.schema.js";
import type { NewPriorityStatementRow, PriorityStatementRow } from "./publication.tables.js";

type Executor = Kysely<Database> | Transaction<Database>;

export function insertStatement(db: Executor, row: NewPriorityStatementRow): Promise<PriorityStatementRow> {
  return db.insertInto("priority_statements").values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Saves changes and bumps the version. With atVersion, only if nobody has saved since that version was read
 * (the check and the bump are one statement, so of two saves from one version exactly one wins): undefined if not.
 */
export function updateStatement(
  db: Executor,
  id: number,
  changes: Partial<Omit<PriorityStatementRow, "id" | "created_at" | "created_by" | "version">>,
  atVersion?: number,
): Promise<PriorityStatementRow | undefined> {
  return updateAtVersion(db, "priority_statements", id, changes, atVersion);
}

export function findStatement(db: Executor, id: number): Promise<PriorityStatementRow | undefined> {
  return db.selectFrom("priority_statements").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Published versions, newest first: the first is the statement in force, the rest its history. */
export function listPublishedStatements(db: Executor): Promise<PriorityStatementRow[]> {
  return db
    .selectFrom("priority_statements")
    .selectAll()
    .where("status", "=", "published")
    .orderBy("published_on", "desc")
    .orderBy("id", "desc")
    .execute();
}

export function listDraftStatements(db: Executor): Promise<PriorityStatementRow[]> {
  return db
    .selectFrom("priority_statements")
    .selectAll()
    .where("status", "=", "draft")
    .orderBy("id", "desc")
    .execute();
}

const mentionsComplaints =
  (column: "meeting_items.title" | "meeting_items.focus_json" | "meeting_items.notes_markdown") =>
  (eb: ExpressionBuilder<Database, "meeting_items" | "meetings">) =>
    eb(eb.fn<string>("lower", [column]), "like", `%${COMPLAINTS_TERM}%`);

/**
 * Unrestricted agenda items of the meetings the public may read that concern complaints: by their title or
 * focus, or by their notes once the notes are published. Newest meeting first.
 */
export function listComplaintsItems(db: Executor) {
  return db
    .selectFrom("meeting_items")
    .innerJoin("meetings", "meetings.id", "meeting_items.meeting_id")
    .select([
      "meetings.id as meeting_id",
      "meetings.title as meeting_title",
      "meetings.date as meeting_date",
      "meetings.status as meeting_status",
      "meeting_items.id as item_id",
      "meeting_items.number as item_number",
      "meeting_items.title as item_title",
      "meeting_items.notes_markdown",
    ])
    .where("meetings.status", "in", [...publicAgendaStatuses])
    .where("meeting_items.restricted", "=", 0)
    .where((eb) =>
      eb.or([
        mentionsComplaints("meeting_items.title")(eb),
        mentionsComplaints("meeting_items.focus_json")(eb),
        eb.and([
          eb("meetings.status", "=", "published"),
          mentionsComplaints("meeting_items.notes_markdown")(eb),
        ]),
      ]),
    )
    .orderBy("meetings.date", "desc")
    .orderBy("meeting_items.number")
    .execute();
}

/**
 * Lines of enquiry of published meetings (unrestricted items) that are about complaints, or belong to one of
 * the given items.
 */
export function listComplaintsLinesOfEnquiry(db: Executor, itemIds: number[]) {
  return db
    .selectFrom("lines_of_enquiry")
    .innerJoin("meeting_items", "meeting_items.id", "lines_of_enquiry.meeting_item_id")
    .innerJoin("meetings", "meetings.id", "meeting_items.meeting_id")
    .select([
      "meetings.id as meeting_id",
      "meetings.title as meeting_title",
      "meetings.date as meeting_date",
      "meeting_items.id as item_id",
      "meeting_items.number as item_number",
      "meeting_items.title as item_title",
      "lines_of_enquiry.id",
      "lines_of_enquiry.asked_by",
      "lines_of_enquiry.question",
      "lines_of_enquiry.response",
      "lines_of_enquiry.assurance",
    ])
    .where("meetings.status", "=", "published")
    .where("meeting_items.restricted", "=", 0)
    .where((eb) =>
      eb.or([
        eb(eb.fn<string>("lower", ["lines_of_enquiry.question"]), "like", `%${COMPLAINTS_TERM}%`),
        eb(eb.fn<string>("lower", ["lines_of_enquiry.response"]), "like", `%${COMPLAINTS_TERM}%`),
        ...(itemIds.length > 0 ? [eb("meeting_items.id", "in", itemIds)] : []),
      ]),
    )
    .orderBy("meetings.date", "desc")
    .orderBy("lines_of_enquiry.id")
    .execute();
}
