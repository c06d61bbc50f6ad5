import type { Kysely, Transaction } from "kysely";
import { updateAtVersion } from "../../db/update-at-version.js";
import type { Database } from "../../db/schema.js";
import { NotFoundError, ValidationError } from "../../lib/errors.js";
import { formatDate } from "../../lib/render.js";
import { nowIso } from "../../lib/time.js";
import type { Actor } from "../audit/actor.js";
import { recordAudit } from "../audit/audit.repository.js";
import {
  findMeeting,
  findMeetingItem,
  findMeetingType,
  findPaperRequest,
  findPerson,
  findPersonByName,
  findRoleTitle,
  listTemplateItems,
} from "./meetings.repository.js";
import type {
  AttendeeChangeInput,
  DecisionInput,
  ItemLinkInput,
  MeetingDetailsInput,
  LineOfEnquiryInput,
  NewMeetingInput,
  PaperRequestInput,
  PersonRoleInput,
} from "./meetings.schema.js";
import { assertTransition } from "./meetings.status.js";
import type {
  AttendanceKind,
  DecisionRow,
  ItemLinkTarget,
  MeetingItemRow,
  MeetingRow,
  MeetingStatus,
} from "./meetings.tables.js";
import { checkPaperFile, removePaperFile, storePaperFile } from "./paper-files.js";
import { type UploadedFile } from "../../lib/form-uploads.js";
import { StaleEditError, staleMessages } from "../../lib/stale-edit.js";

type Executor = Kysely<Database> | Transaction<Database>;

/** "Assurance & Accountability – Performance – Quarter 2 – 2023/24": the type and what sets this one apart. */
export function meetingTitle(typeName: string, distinguisher: string | null, date: string): string {
  return `${typeName} – ${distinguisher ?? formatDate(date)}`;
}

export async function createMeetingFromTemplate(
  db: Kysely<Database>,
  actor: Actor,
  input: NewMeetingInput,
): Promise<MeetingRow> {
  return db.transaction().execute(async (trx) => {
    const type = await findMeetingType(trx, input.meetingTypeId);
    if (!type) throw new ValidationError([{ field: "meetingTypeId", text: "Choose the type of meeting" }]);
    const now = nowIso();
    const meeting = await trx
      .insertInto("meetings")
      .values({
        meeting_type_id: type.id,
        title: meetingTitle(type.name, input.periodLabel ?? input.theme, input.date),
        period_label: input.periodLabel,
        theme: input.theme,
        terms_of_reference: null,
        date: input.date,
        start_time: input.startTime,
        end_time: input.endTime,
        venue: input.venue,
        chair_person_id: null,
        status: "planned",
        next_meeting_id: null,
        next_meeting_json: null,
        attribution: null,
        published_at: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const template = await listTemplateItems(trx, type.id);
    if (template.length > 0) {
      await trx
        .insertInto("meeting_items")
        .values(
          template.map((item) => ({
            meeting_id: meeting.id,
            number: item.number,
            title: item.title,
            lead: item.lead,
            focus_json: JSON.stringify(
              (JSON.parse(item.focus_json) as string[]).map((text) => ({ level: 0, text })),
            ),
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    }
    await recordAudit(trx, actor, {
      action: "create",
      entityType: "meeting",
      entityId: meeting.id,
      after: { ...meeting, items: template.map((item) => `${item.number} ${item.title}`) },
    });
    return meeting;
  });
}

async function meetingOrThrow(trx: Executor, meetingId: number): Promise<MeetingRow> {
  const meeting = await findMeeting(trx, meetingId);
  if (!meeting) throw new NotFoundError(`No meeting with id ${meetingId}`);
  return meeting;
}

/** The item, checked to belong to the meeting named in the address. */
async function itemOf(trx: Executor, meetingId: number, itemId: number): Promise<MeetingItemRow> {
  const item = await findMeetingItem(trx, itemId);
  if (!item || item.meeting_id !== meetingId)
    throw new NotFoundError(`No item ${itemId} in meeting ${meetingId}`);
  return item;
}

export async function changeStatus(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  status: MeetingStatus,
): Promise<MeetingRow> {
  return db.transaction().execute(async (trx) => {
    const before = await meetingOrThrow(trx, meetingId);
    assertTransition(before.status, status);
    const now = nowIso();
    const after = await trx
      .updateTable("meetings")
      .set({ status, updated_at: now, ...(status === "published" ? { published_at: now } : {}) })
      .where("id", "=", meetingId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: status === "published" ? "publish" : "update",
      entityType: "meeting",
      entityId: meetingId,
      before: { status: before.status },
      after: { status },
    });
    return after;
  });
}

/** Date, times, venue, chair and the next meeting this one confirms; the type and its items stay as they are. */
export async function updateMeetingDetails(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  input: MeetingDetailsInput,
): Promise<MeetingRow> {
  return db.transaction().execute(async (trx) => {
    const before = await meetingOrThrow(trx, meetingId);
    if (input.nextMeetingId !== null) {
      const next = await findMeeting(trx, input.nextMeetingId);
      if (!next || next.date <= input.date) {
        throw new ValidationError([
          { field: "nextMeetingId", text: "The next meeting must be a meeting after this one" },
        ]);
      }
    }
    const type = await findMeetingType(trx, before.meeting_type_id);
    const chair = input.chair ? await findOrAddPerson(trx, actor, input.chair) : null;
    const after = await trx
      .updateTable("meetings")
      .set({
        title: meetingTitle(type!.name, input.periodLabel ?? input.theme, input.date),
        period_label: input.periodLabel,
        theme: input.theme,
        date: input.date,
        start_time: input.startTime,
        end_time: input.endTime,
        venue: input.venue,
        chair_person_id: chair?.id ?? null,
        next_meeting_id: input.nextMeetingId,
        updated_at: nowIso(),
      })
      .where("id", "=", meetingId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "meeting",
      entityId: meetingId,
      before,
      after,
    });
    return after;
  });
}

/** When the meeting starts, as a local date-time; a meeting without a start time is taken to start at 23:59. */
function meetingStart(meeting: MeetingRow): string {
  return `${meeting.date}T${meeting.start_time ?? "23:59"}`;
}

export async function requestPaper(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  itemId: number,
  input: PaperRequestInput,
) {
  return db.transaction().execute(async (trx) => {
    const meeting = await meetingOrThrow(trx, meetingId);
    await itemOf(trx, meetingId, itemId);
    const deadline = `${input.deadlineDate}T${input.deadlineTime}`;
    if (deadline >= meetingStart(meeting)) {
      throw new ValidationError([
        {
          field: "deadlineDate",
          text: `The deadline must be before the meeting starts (${formatDate(meeting.date)}${meeting.start_time ? ` at ${meeting.start_time}` : ""})`,
        },
      ]);
    }
    const now = nowIso();
    const request = await trx
      .insertInto("paper_requests")
      .values({
        meeting_item_id: itemId,
        kind: input.kind,
        description: input.description,
        provider: input.provider,
        deadline,
        restricted: input.restricted,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "create",
      entityType: "paper_request",
      entityId: request.id,
      after: request,
    });
    return request;
  });
}

/**
 * Stores an uploaded paper against its request. The file is checked by content first; it is written before the
 * row, and removed again if the row cannot be written, so a failure leaves neither behind.
 */
export async function uploadPaper(
  db: Kysely<Database>,
  actor: Actor,
  uploadDirectory: string,
  requestId: number,
  file: UploadedFile | undefined,
) {
  const request = await findPaperRequest(db, requestId);
  if (!request) throw new NotFoundError(`No paper request with id ${requestId}`);
  const checked = await checkPaperFile(file);
  const data = file!.data;
  const storedName = await storePaperFile(uploadDirectory, data, checked.extension);
  try {
    return await db.transaction().execute(async (trx) => {
      const paper = await trx
        .insertInto("papers")
        .values({
          paper_request_id: requestId,
          original_name: file!.filename.slice(0, 255),
          stored_name: storedName,
          media_type: checked.mediaType,
          size_bytes: data.length,
          uploaded_by: actor.userId,
          uploaded_at: nowIso(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, actor, {
        action: "create",
        entityType: "paper",
        entityId: paper.id,
        after: paper,
      });
      return { paper, request };
    });
  } catch (error) {
    await removePaperFile(uploadDirectory, storedName);
    throw error;
  }
}

/**
 * Changes an item's notes or details, only if nobody has saved it since `expectedVersion` was read: the check
 * and the bump are one statement, so of two saves from the same version exactly one wins.
 */
export async function updateItem(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  itemId: number,
  change: Partial<Pick<MeetingItemRow, "title" | "lead" | "restricted" | "notes_markdown">>,
  expectedVersion: number,
): Promise<MeetingItemRow> {
  return db.transaction().execute(async (trx) => {
    const before = await itemOf(trx, meetingId, itemId);
    const after = await updateAtVersion(
      trx,
      "meeting_items",
      itemId,
      { ...change, updated_at: nowIso() },
      expectedVersion,
    );
    if (!after) throw new StaleEditError(Object.keys(change)[0] ?? "notes", staleMessages.item);
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "meeting_item",
      entityId: itemId,
      before: {
        ...Object.fromEntries(Object.keys(change).map((key) => [key, before[key as keyof MeetingItemRow]])),
        version: before.version,
      },
      after: { ...change, version: after.version },
    });
    return after;
  });
}

export async function addLineOfEnquiry(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  itemId: number,
  input: LineOfEnquiryInput,
) {
  // Joins the caller's transaction when given one: the briefing pack records an accepted suggestion with its line.
  const inTransaction = <T>(work: (trx: Transaction<Database>) => Promise<T>) =>
    db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
  return inTransaction(async (trx) => {
    await itemOf(trx, meetingId, itemId);
    const now = nowIso();
    const line = await trx
      .insertInto("lines_of_enquiry")
      .values({
        meeting_item_id: itemId,
        asked_by: input.askedBy,
        question: input.question,
        response: input.response,
        assurance: input.assurance,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "create",
      entityType: "line_of_enquiry",
      entityId: line.id,
      after: line,
    });
    return line;
  });
}

/** A governance board reference such as "Ref/03/22/08/2024": the item number and the meeting date. */
export function decisionRef(itemNumber: number, meetingDate: string, sequence = 1): string {
  const [year, month, day] = meetingDate.split("-");
  const base = `Ref/${String(itemNumber).padStart(2, "0")}/${day}/${month}/${year}`;
  return sequence > 1 ? `${base}-${sequence}` : base;
}

export async function addDecision(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  itemId: number,
  input: DecisionInput,
) {
  return db.transaction().execute(async (trx) => {
    const meeting = await meetingOrThrow(trx, meetingId);
    const item = await itemOf(trx, meetingId, itemId);
    const existing = await trx
      .selectFrom("decisions")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("meeting_item_id", "=", itemId)
      .executeTakeFirstOrThrow();
    return recordDecision(
      trx,
      actor,
      itemId,
      decisionRef(item.number, meeting.date, Number(existing.n) + 1),
      input,
    );
  });
}

/** Writes a decision with its reference, and its audit row, in the caller's transaction. */
export async function recordDecision(
  trx: Transaction<Database>,
  actor: Actor,
  itemId: number,
  ref: string,
  input: DecisionInput,
): Promise<DecisionRow> {
  const now = nowIso();
  const decision = await trx
    .insertInto("decisions")
    .values({
      meeting_item_id: itemId,
      ref,
      purpose: input.purpose,
      outcome: input.outcome,
      amount_pence: input.amount,
      conditions: input.conditions,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, {
    action: "create",
    entityType: "decision",
    entityId: decision.id,
    after: decision,
  });
  return decision;
}

/** A line of enquiry of the item, checked to belong to it. */
async function lineOf(trx: Executor, item: MeetingItemRow, lineId: number) {
  const line = await trx
    .selectFrom("lines_of_enquiry")
    .selectAll()
    .where("id", "=", lineId)
    .executeTakeFirst();
  if (!line || line.meeting_item_id !== item.id)
    throw new NotFoundError(`No line of enquiry ${lineId} in item ${item.id}`);
  return line;
}

/** Changes a line of enquiry recorded earlier (the response often comes later), refusing a stale form. */
export async function updateLineOfEnquiry(
  db: Kysely<Database>,
  actor: Actor,
  ids: { meetingId: number; itemId: number; lineId: number },
  input: LineOfEnquiryInput,
  expectedVersion: number,
) {
  return db.transaction().execute(async (trx) => {
    const before = await lineOf(trx, await itemOf(trx, ids.meetingId, ids.itemId), ids.lineId);
    const after = await updateAtVersion(
      trx,
      "lines_of_enquiry",
      ids.lineId,
      {
        asked_by: input.askedBy,
        question: input.question,
        response: input.response,
        assurance: input.assurance,
        updated_at: nowIso(),
      },
      expectedVersion,
    );
    if (!after) throw new StaleEditError("question", staleMessages.lineOfEnquiry);
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "line_of_enquiry",
      entityId: ids.lineId,
      before,
      after,
    });
    return after;
  });
}

/** Changes a recorded decision; its reference stays, as it may already be quoted elsewhere. */
export async function updateDecision(
  db: Kysely<Database>,
  actor: Actor,
  ids: { meetingId: number; itemId: number; decisionId: number },
  input: DecisionInput,
  expectedVersion: number,
) {
  return db.transaction().execute(async (trx) => {
    await itemOf(trx, ids.meetingId, ids.itemId);
    const before = await trx
      .selectFrom("decisions")
      .selectAll()
      .where("id", "=", ids.decisionId)
      .executeTakeFirst();
    if (!before || before.meeting_item_id !== ids.itemId)
      throw new NotFoundError(`No decision ${ids.decisionId} in item ${ids.itemId}`);
    const after = await updateAtVersion(
      trx,
      "decisions",
      ids.decisionId,
      {
        purpose: input.purpose,
        outcome: input.outcome,
        amount_pence: input.amount,
        conditions: input.conditions,
        updated_at: nowIso(),
      },
      expectedVersion,
    );
    if (!after) throw new StaleEditError("purpose", staleMessages.decision);
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "decision",
      entityId: ids.decisionId,
      before,
      after,
    });
    return after;
  });
}

/** Whether the thing a link names exists: a measure by its id, a finding or an action by its number id. */
async function linkTargetExists(trx: Executor, target: ItemLinkTarget, ref: string): Promise<boolean> {
  if (target === "measure") {
    return (
      (await trx.selectFrom("measures").select("id").where("id", "=", ref).executeTakeFirst()) !== undefined
    );
  }
  const id = Number(ref);
  if (!Number.isInteger(id) || id < 1) return false;
  const table = target === "finding" ? "inspection_findings" : "actions";
  return (await trx.selectFrom(table).select("id").where("id", "=", id).executeTakeFirst()) !== undefined;
}

const linkTargetNames: Record<ItemLinkTarget, string> = {
  measure: "measure",
  finding: "HMICFRS finding",
  action: "action",
};

/** Links an item to a measure, an HMICFRS finding or an action it concerns; each at most once. */
export async function addItemLink(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  itemId: number,
  input: ItemLinkInput,
) {
  return db.transaction().execute(async (trx) => {
    await itemOf(trx, meetingId, itemId);
    const field = `${input.targetType}Ref`;
    if (!(await linkTargetExists(trx, input.targetType, input.targetRef))) {
      throw new ValidationError([
        { field, text: `Choose a ${linkTargetNames[input.targetType]} from the list` },
      ]);
    }
    const existing = await trx
      .selectFrom("meeting_item_links")
      .select("id")
      .where("meeting_item_id", "=", itemId)
      .where("target_type", "=", input.targetType)
      .where("target_ref", "=", input.targetRef)
      .executeTakeFirst();
    if (existing) {
      throw new ValidationError([
        { field, text: `The item is already linked to that ${linkTargetNames[input.targetType]}` },
      ]);
    }
    const link = await trx
      .insertInto("meeting_item_links")
      .values({ meeting_item_id: itemId, target_type: input.targetType, target_ref: input.targetRef })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "create",
      entityType: "meeting_item_link",
      entityId: link.id,
      after: link,
    });
    return link;
  });
}

export async function removeItemLink(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  itemId: number,
  linkId: number,
) {
  return db.transaction().execute(async (trx) => {
    await itemOf(trx, meetingId, itemId);
    const link = await trx
      .selectFrom("meeting_item_links")
      .selectAll()
      .where("id", "=", linkId)
      .where("meeting_item_id", "=", itemId)
      .executeTakeFirst();
    if (!link) throw new NotFoundError(`No link ${linkId} on item ${itemId}`);
    await trx.deleteFrom("meeting_item_links").where("id", "=", linkId).execute();
    await recordAudit(trx, actor, {
      action: "delete",
      entityType: "meeting_item_link",
      entityId: linkId,
      before: link,
    });
  });
}

/** The person of that name, added if new; names are how published notes identify people. */
export async function findOrAddPerson(trx: Transaction<Database>, actor: Actor, name: string) {
  const existing = await findPersonByName(trx, name);
  if (existing) return existing;
  const now = nowIso();
  const person = await trx
    .insertInto("people")
    .values({ name, user_id: null, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, {
    action: "create",
    entityType: "person",
    entityId: person.id,
    after: person,
  });
  return person;
}

export async function addAttendee(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  input: { name: string; kind: AttendanceKind; roleText?: string | null; abbreviation?: string | null },
) {
  return db.transaction().execute(async (trx) => {
    await meetingOrThrow(trx, meetingId);
    const person = await findOrAddPerson(trx, actor, input.name);
    const last = await trx
      .selectFrom("meeting_attendees")
      .select((eb) => eb.fn.max("position").as("position"))
      .where("meeting_id", "=", meetingId)
      .executeTakeFirst();
    const attendee = await trx
      .insertInto("meeting_attendees")
      .values({
        meeting_id: meetingId,
        person_id: person.id,
        kind: input.kind,
        role_text: input.roleText ?? null,
        abbreviation: input.abbreviation ?? null,
        position: Number(last?.position ?? 0) + 1,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "create",
      entityType: "meeting_attendee",
      entityId: attendee.id,
      after: attendee,
    });
    return attendee;
  });
}

/** Corrects how someone attended and the role written for them at this meeting. */
export async function updateAttendee(
  db: Kysely<Database>,
  actor: Actor,
  meetingId: number,
  attendeeId: number,
  input: AttendeeChangeInput,
) {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("meeting_attendees")
      .selectAll()
      .where("id", "=", attendeeId)
      .where("meeting_id", "=", meetingId)
      .executeTakeFirst();
    if (!before) throw new NotFoundError(`No attendee ${attendeeId} in meeting ${meetingId}`);
    const after = await trx
      .updateTable("meeting_attendees")
      .set({ kind: input.kind, role_text: input.roleText, abbreviation: input.abbreviation })
      .where("id", "=", attendeeId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "meeting_attendee",
      entityId: attendeeId,
      before,
      after,
    });
    return after;
  });
}

/** A role held for a date range: its title comes from the abbreviations table. */
export async function addPersonRole(
  db: Kysely<Database>,
  actor: Actor,
  personId: number,
  input: PersonRoleInput,
) {
  return db.transaction().execute(async (trx) => {
    const person = await findPerson(trx, personId);
    if (!person) throw new NotFoundError(`No person with id ${personId}`);
    const title = await findRoleTitle(trx, input.abbreviation);
    if (!title)
      throw new ValidationError([
        { field: "abbreviation", text: `${input.abbreviation} is not a known role` },
      ]);
    const role = await trx
      .insertInto("person_roles")
      .values({
        person_id: personId,
        abbreviation: title.abbreviation,
        title: title.title,
        organisation: input.organisation,
        starts_on: input.startsOn,
        ends_on: input.endsOn,
        created_at: nowIso(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "create",
      entityType: "person_role",
      entityId: role.id,
      after: role,
    });
    return role;
  });
}

/** Replaces a meeting type's standing items; meetings already created keep the items they were given. */
export async function updateTemplate(
  db: Kysely<Database>,
  actor: Actor,
  meetingTypeId: number,
  items: readonly { title: string; lead: string | null }[],
) {
  return db.transaction().execute(async (trx) => {
    const type = await findMeetingType(trx, meetingTypeId);
    if (!type) throw new NotFoundError(`No meeting type with id ${meetingTypeId}`);
    const before = await listTemplateItems(trx, meetingTypeId);
    await trx.deleteFrom("meeting_type_items").where("meeting_type_id", "=", meetingTypeId).execute();
    await trx
      .insertInto("meeting_type_items")
      .values(
        items.map((item, index) => ({
          meeting_type_id: meetingTypeId,
          number: index + 1,
          title: item.title,
          lead: item.lead,
          // Focus bullets are kept for a standing item whose title is unchanged.
          focus_json: before.find((old) => old.title === item.title)?.focus_json ?? "[]",
        })),
      )
      .execute();
    await trx
      .updateTable("meeting_types")
      .set({ updated_at: nowIso() })
      .where("id", "=", meetingTypeId)
      .execute();
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "meeting_type",
      entityId: meetingTypeId,
      before: before.map((item) => ({ title: item.title, lead: item.lead })),
      after: items,
    });
  });
}
