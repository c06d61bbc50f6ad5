import { sql, type ExpressionBuilder, type Kysely, type Transaction } from "kysely";
import type { Database } from "../../db/schema.js";
import { updateAtVersion } from "../../db/update-at-version.js";
import { pushTo } from "../../lib/collections.js";
import {
  formatActionNumber,
  isOverdue,
  statusesThatCanBeOverdue,
  statusLabels,
  statusTagClasses,
  type ActionStatus,
} from "./action-rules.js";
import type { ActionOwnerTable, ActionRow, ActionUpdateRow, NewActionRow } from "./actions.tables.js";

type Executor = Kysely<Database> | Transaction<Database>;

// ---- Numbering ----------------------------------------------------------------------------------------------

/**
 * The next number in a year. The upsert takes the counter row's lock, so a second transaction numbering in the
 * same year waits for the first to commit and then gets the number after it, on PostgreSQL and SQLite alike.
 */
export async function allocateActionNumber(trx: Transaction<Database>, year: number): Promise<number> {
  const row = await trx
    .insertInto("action_number_counters")
    .values({ year, last_number: 1 })
    .onConflict((oc) =>
      oc.column("year").doUpdateSet({ last_number: sql<number>`action_number_counters.last_number + 1` }),
    )
    .returning("last_number")
    .executeTakeFirstOrThrow();
  return row.last_number;
}

/** After an explicit number (an import of "2023/15"), the year's next allocated number follows it. */
export async function raiseActionCounter(
  trx: Transaction<Database>,
  year: number,
  number: number,
): Promise<void> {
  await trx
    .insertInto("action_number_counters")
    .values({ year, last_number: number })
    .onConflict((oc) =>
      oc.column("year").doUpdateSet({
        last_number: sql<number>`case when excluded.last_number > action_number_counters.last_number
          then excluded.last_number else action_number_counters.last_number end`,
      }),
    )
    .execute();
}

export function findActionByNumber(
  db: Executor,
  year: number,
  number: number,
): Promise<ActionRow | undefined> {
  return db
    .selectFrom("actions")
    .selectAll()
    .where("year", "=", year)
    .where("number", "=", number)
    .executeTakeFirst();
}

// ---- Writes -------------------------------------------------------------------------------------------------

export function insertAction(db: Executor, action: NewActionRow): Promise<ActionRow> {
  return db.insertInto("actions").values(action).returningAll().executeTakeFirstOrThrow();
}

export async function insertOwners(
  db: Executor,
  actionId: number,
  owners: Omit<ActionOwnerTable, "id" | "action_id" | "position">[],
): Promise<void> {
  if (owners.length === 0) return;
  await db
    .insertInto("action_owners")
    .values(owners.map((owner, position) => ({ ...owner, action_id: actionId, position })))
    .execute();
}

export function insertActionUpdate(
  db: Executor,
  update: Omit<ActionUpdateRow, "id">,
): Promise<ActionUpdateRow> {
  return db.insertInto("action_updates").values(update).returningAll().executeTakeFirstOrThrow();
}

/**
 * Changes an action only if nobody has saved it since `expectedVersion` was read; undefined when someone has.
 * The version check and the bump are one statement, so two saves from the same version cannot both win.
 */
export function updateActionAtVersion(
  db: Executor,
  id: number,
  expectedVersion: number,
  changes: Partial<Pick<ActionRow, "status" | "closed_at_meeting_id" | "closed_on" | "updated_at">>,
): Promise<ActionRow | undefined> {
  return updateAtVersion(db, "actions", id, changes, expectedVersion);
}

// ---- Reads --------------------------------------------------------------------------------------------------

export function findActionById(db: Executor, id: number): Promise<ActionRow | undefined> {
  return db.selectFrom("actions").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function countUpdates(db: Executor, actionId: number): Promise<number> {
  const row = await db
    .selectFrom("action_updates")
    .select((eb) => eb.fn.countAll<string | number>().as("n"))
    .where("action_id", "=", actionId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether the user may update the action as its owner: linked directly, or through the person they are. */
export async function isOwnedByUser(db: Executor, actionId: number, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom("action_owners")
    .leftJoin("people", "people.id", "action_owners.person_id")
    .select("action_owners.id")
    .where("action_owners.action_id", "=", actionId)
    .where((eb) => eb.or([eb("action_owners.user_id", "=", userId), eb("people.user_id", "=", userId)]))
    .executeTakeFirst();
  return row !== undefined;
}

export interface ActionOwner {
  personId: number | null;
  roleText: string | null;
  userId: number | null;
  /** As the tracker shows it: "Jane Smith (T/DCC)", "T/DCC" or the account's name. */
  label: string;
}

/** An action as the tracker, the meeting pages and the briefing pack show it. */
export interface ActionSummary {
  id: number;
  reference: string;
  year: number;
  number: number;
  description: string;
  raisedOn: string;
  dueDate: string | null;
  status: ActionStatus;
  /** "Complete – awaiting review", and its govuk-tag class, so any page or pack can show the status as-is. */
  statusLabel: string;
  statusTagClass: string;
  overdue: boolean;
  version: number;
  closedOn: string | null;
  closedAtMeetingId: number | null;
  meetingItemId: number | null;
  itemNumber: number | null;
  itemTitle: string | null;
  meetingId: number | null;
  meetingTitle: string | null;
  meetingDate: string | null;
  theme: string | null;
  owners: ActionOwner[];
}

export interface ActionQuery {
  id?: number | undefined;
  status?: ActionStatus | undefined;
  /** Only actions past due and still with the force, as of `today`. */
  overdue?: boolean | undefined;
  meetingId?: number | undefined;
  theme?: string | undefined;
  /** Part of an owner's name or role, or the account's name. */
  owner?: string | undefined;
  /** Only the actions this account may update as an owner. */
  ownedByUserId?: number | undefined;
  /** Raised before this date and not closed: what a meeting on that date reviews. */
  openBefore?: string | undefined;
}

/** The owner rows of the action in the outer query, with the person and account they name. */
function ownerRowsOf(eb: ExpressionBuilder<Database, "actions">) {
  return eb
    .selectFrom("action_owners")
    .leftJoin("people", "people.id", "action_owners.person_id")
    .leftJoin("users as owner_users", "owner_users.id", "action_owners.user_id")
    .select("action_owners.id")
    .whereRef("action_owners.action_id", "=", "actions.id");
}

/** The tracker's query: every filter optional, newest raised first. */
export async function listActions(db: Executor, query: ActionQuery, today: string): Promise<ActionSummary[]> {
  let select = db
    .selectFrom("actions")
    .leftJoin("meeting_items", "meeting_items.id", "actions.meeting_item_id")
    .leftJoin("meetings", "meetings.id", "meeting_items.meeting_id")
    .select([
      "actions.id",
      "actions.year",
      "actions.number",
      "actions.description",
      "actions.raised_on",
      "actions.due_date",
      "actions.status",
      "actions.version",
      "actions.closed_on",
      "actions.closed_at_meeting_id",
      "actions.meeting_item_id",
      "meeting_items.number as item_number",
      "meeting_items.title as item_title",
      "meetings.id as meeting_id",
      "meetings.title as meeting_title",
      "meetings.date as meeting_date",
      "meetings.theme as theme",
    ]);
  if (query.id !== undefined) select = select.where("actions.id", "=", query.id);
  if (query.status) select = select.where("actions.status", "=", query.status);
  if (query.overdue) {
    select = select
      .where("actions.due_date", "<", today)
      .where("actions.status", "in", [...statusesThatCanBeOverdue]);
  }
  if (query.meetingId !== undefined) select = select.where("meetings.id", "=", query.meetingId);
  if (query.theme) select = select.where("meetings.theme", "=", query.theme);
  if (query.openBefore) {
    select = select.where("actions.raised_on", "<", query.openBefore).where("actions.status", "!=", "closed");
  }
  const ownerText = query.owner ? `%${query.owner.toLowerCase()}%` : undefined;
  if (ownerText) {
    select = select.where((eb) =>
      eb.exists(
        ownerRowsOf(eb).where((o) =>
          o.or([
            o(o.fn("lower", ["people.name"]), "like", ownerText),
            o(o.fn("lower", ["action_owners.role_text"]), "like", ownerText),
            o(o.fn("lower", ["owner_users.name"]), "like", ownerText),
          ]),
        ),
      ),
    );
  }
  const ownedBy = query.ownedByUserId;
  if (ownedBy !== undefined) {
    select = select.where((eb) =>
      eb.exists(
        ownerRowsOf(eb).where((o) =>
          o.or([o("action_owners.user_id", "=", ownedBy), o("people.user_id", "=", ownedBy)]),
        ),
      ),
    );
  }
  const rows = await select.orderBy("actions.year", "desc").orderBy("actions.number", "desc").execute();
  const owners = await ownersOf(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({
    id: row.id,
    reference: formatActionNumber(row.year, row.number),
    year: row.year,
    number: row.number,
    description: row.description,
    raisedOn: row.raised_on,
    dueDate: row.due_date,
    status: row.status,
    statusLabel: statusLabels[row.status],
    statusTagClass: statusTagClasses[row.status],
    overdue: isOverdue(row, today),
    version: row.version,
    closedOn: row.closed_on,
    closedAtMeetingId: row.closed_at_meeting_id,
    meetingItemId: row.meeting_item_id,
    itemNumber: row.item_number,
    itemTitle: row.item_title,
    meetingId: row.meeting_id,
    meetingTitle: row.meeting_title,
    meetingDate: row.meeting_date,
    theme: row.theme,
    owners: owners.get(row.id) ?? [],
  }));
}

async function ownersOf(db: Executor, actionIds: number[]): Promise<Map<number, ActionOwner[]>> {
  const byAction = new Map<number, ActionOwner[]>();
  if (actionIds.length === 0) return byAction;
  const rows = await db
    .selectFrom("action_owners")
    .leftJoin("people", "people.id", "action_owners.person_id")
    .leftJoin("users", "users.id", "action_owners.user_id")
    .select([
      "action_owners.action_id",
      "action_owners.person_id",
      "action_owners.role_text",
      "action_owners.user_id",
      "people.name as person_name",
      "users.name as user_name",
    ])
    .where("action_owners.action_id", "in", actionIds)
    .orderBy("action_owners.action_id")
    .orderBy("action_owners.position")
    .execute();
  for (const row of rows) {
    const name = row.person_name ?? row.user_name;
    const label = name && row.role_text ? `${name} (${row.role_text})` : (name ?? row.role_text ?? "");
    pushTo(byAction, row.action_id, {
      personId: row.person_id,
      roleText: row.role_text,
      userId: row.user_id,
      label,
    });
  }
  return byAction;
}

export async function findActionSummary(
  db: Executor,
  id: number,
  today: string,
): Promise<ActionSummary | undefined> {
  const [summary] = await listActions(db, { id }, today);
  return summary;
}

/** What a meeting's "Review of Action Tracker" item lists: every action raised before it and not yet closed. */
export function openActionsForReview(db: Executor, asOfDate: string): Promise<ActionSummary[]> {
  return listActions(db, { openBefore: asOfDate }, asOfDate);
}

/** What a meeting's "Summary of Actions Arising" lists. Overdue is judged as of the meeting's own date. */
export async function actionsRaisedAtMeeting(db: Executor, meetingId: number): Promise<ActionSummary[]> {
  const meeting = await db
    .selectFrom("meetings")
    .select("date")
    .where("id", "=", meetingId)
    .executeTakeFirst();
  if (!meeting) return [];
  const actions = await listActions(db, { meetingId }, meeting.date);
  return actions.sort((a, b) => (a.itemNumber ?? 0) - (b.itemNumber ?? 0) || a.number - b.number);
}

export function overdueActions(db: Executor, today: string): Promise<ActionSummary[]> {
  return listActions(db, { overdue: true }, today);
}

export interface ActionUpdateView extends ActionUpdateRow {
  reviewMeetingTitle: string | null;
}

/** An action's updates, oldest first: its history. */
export function updatesOf(db: Executor, actionId: number): Promise<ActionUpdateView[]> {
  return db
    .selectFrom("action_updates")
    .leftJoin("meetings", "meetings.id", "action_updates.review_meeting_id")
    .selectAll("action_updates")
    .select("meetings.title as reviewMeetingTitle")
    .where("action_updates.action_id", "=", actionId)
    .orderBy("action_updates.updated_on")
    .orderBy("action_updates.id")
    .execute();
}

/** The file attached to an update, if it has one. */
export async function findEvidenceFile(
  db: Executor,
  updateId: number,
): Promise<{ fileName: string; storedName: string; mediaType: string } | undefined> {
  const row = await db
    .selectFrom("action_updates")
    .select(["evidence_file_name", "evidence_stored_name", "evidence_media_type"])
    .where("id", "=", updateId)
    .executeTakeFirst();
  if (!row?.evidence_stored_name || !row.evidence_file_name || !row.evidence_media_type) return undefined;
  return {
    fileName: row.evidence_file_name,
    storedName: row.evidence_stored_name,
    mediaType: row.evidence_media_type,
  };
}

export interface RecentUpdate extends ActionUpdateRow {
  year: number;
  number: number;
  description: string;
}

/** Updates dated after a day: what changed since the last meeting. Newest first. */
export function updatesAfter(db: Executor, date: string): Promise<RecentUpdate[]> {
  return db
    .selectFrom("action_updates")
    .innerJoin("actions", "actions.id", "action_updates.action_id")
    .selectAll("action_updates")
    .select(["actions.year", "actions.number", "actions.description"])
    .where("action_updates.updated_on", ">", date)
    .orderBy("action_updates.updated_on", "desc")
    .orderBy("action_updates.id", "desc")
    .execute();
}

export interface MeetingRef {
  id: number;
  title: string;
  date: string;
  status: string;
}

/** The last meeting held before `today` (cancelled and postponed ones were not held). */
export function previousMeeting(db: Executor, today: string): Promise<MeetingRef | undefined> {
  return db
    .selectFrom("meetings")
    .select(["id", "title", "date", "status"])
    .where("date", "<", today)
    .where("status", "not in", ["cancelled", "postponed"])
    .orderBy("date", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
}

/** Meetings an action can be closed at, most recent first. */
export function reviewingMeetings(db: Executor): Promise<MeetingRef[]> {
  return db
    .selectFrom("meetings")
    .select(["id", "title", "date", "status"])
    .where("status", "not in", ["cancelled", "postponed"])
    .orderBy("date", "desc")
    .orderBy("id", "desc")
    .execute();
}

export function findMeetingRef(db: Executor, id: number): Promise<MeetingRef | undefined> {
  return db
    .selectFrom("meetings")
    .select(["id", "title", "date", "status"])
    .where("id", "=", id)
    .executeTakeFirst();
}

export interface MeetingItemRef {
  id: number;
  number: number;
  title: string;
  meetingId: number;
  meetingTitle: string;
  meetingDate: string;
}

export function findMeetingItemRef(db: Executor, itemId: number): Promise<MeetingItemRef | undefined> {
  return db
    .selectFrom("meeting_items")
    .innerJoin("meetings", "meetings.id", "meeting_items.meeting_id")
    .select([
      "meeting_items.id",
      "meeting_items.number",
      "meeting_items.title",
      "meetings.id as meetingId",
      "meetings.title as meetingTitle",
      "meetings.date as meetingDate",
    ])
    .where("meeting_items.id", "=", itemId)
    .executeTakeFirst();
}

/** Distinct themes of meetings that raised actions, for the tracker's filter. */
export async function actionThemes(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom("actions")
    .innerJoin("meeting_items", "meeting_items.id", "actions.meeting_item_id")
    .innerJoin("meetings", "meetings.id", "meeting_items.meeting_id")
    .select("meetings.theme")
    .distinct()
    .where("meetings.theme", "is not", null)
    .orderBy("meetings.theme")
    .execute();
  return rows.flatMap((row) => (row.theme ? [row.theme] : []));
}

/** Meetings that raised actions, for the tracker's filter. */
export function meetingsWithActions(db: Executor): Promise<MeetingRef[]> {
  return db
    .selectFrom("meetings")
    .select(["meetings.id", "meetings.title", "meetings.date", "meetings.status"])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("actions")
          .innerJoin("meeting_items", "meeting_items.id", "actions.meeting_item_id")
          .select("actions.id")
          .whereRef("meeting_items.meeting_id", "=", "meetings.id"),
      ),
    )
    .orderBy("meetings.date", "desc")
    .execute();
}

export interface OwnerChoices {
  people: { id: number; name: string; userId: number | null }[];
  forceUsers: { id: number; name: string; email: string }[];
}

/** Who an action can be given to: the people the meetings know, and the force's active accounts. */
export async function ownerChoices(db: Executor): Promise<OwnerChoices> {
  const [people, forceUsers] = await Promise.all([
    db.selectFrom("people").select(["id", "name", "user_id as userId"]).orderBy("name").execute(),
    db
      .selectFrom("users")
      .select(["id", "name", "email"])
      .where("role", "=", "force")
      .where("disabled_at", "is", null)
      .orderBy("name")
      .execute(),
  ]);
  return { people, forceUsers };
}
