import type { Kysely, Transaction } from "kysely";
import type { Database, Role } from "../../db/schema.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../../lib/errors.js";
import { nowIso } from "../../lib/time.js";
import type { Actor } from "../audit/actor.js";
import { recordAudit } from "../audit/audit.repository.js";
import { checkPaperFile, removePaperFile, storePaperFile } from "../meetings/paper-files.js";
import { type UploadedFile } from "../../lib/form-uploads.js";
import { StaleEditError } from "../../lib/stale-edit.js";
import { formatActionNumber, numberingYear, transitionProblem } from "./action-rules.js";
import {
  allocateActionNumber,
  countUpdates,
  findActionById,
  findActionByNumber,
  findMeetingItemRef,
  findMeetingRef,
  insertAction,
  insertActionUpdate,
  insertOwners,
  isOwnedByUser,
  raiseActionCounter,
  updateActionAtVersion,
} from "./actions.repository.js";
import type { ActionUpdateInput, CloseActionInput, NewActionInput } from "./actions.schema.js";
import type { ActionRow, ActionUpdateRow } from "./actions.tables.js";

/** Who is changing an action: their account (null for the command line) and role decide what they may do. */
export interface ActionEditor {
  actor: Actor;
  userId: number | null;
  role: Role;
}

export const staleActionMessage = "This action was changed since you opened it";

function auditView(action: ActionRow) {
  return {
    reference: formatActionNumber(action.year, action.number),
    meeting_item_id: action.meeting_item_id,
    raised_on: action.raised_on,
    description: action.description,
    due_date: action.due_date,
    status: action.status,
    closed_at_meeting_id: action.closed_at_meeting_id,
    closed_on: action.closed_on,
    version: action.version,
  };
}

function duplicateNumber(year: number, number: number): ValidationError {
  return new ValidationError([
    {
      field: "number",
      text: `Action ${formatActionNumber(year, number)} already exists; give another number`,
    },
  ]);
}

/** A unique index refused the row: PostgreSQL's 23505, SQLite's constraint codes. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

async function checkOwnersExist(trx: Transaction<Database>, input: NewActionInput): Promise<void> {
  if (input.ownerPeople.length > 0) {
    const found = await trx.selectFrom("people").select("id").where("id", "in", input.ownerPeople).execute();
    if (found.length !== new Set(input.ownerPeople).size) {
      throw new ValidationError([{ field: "ownerPeople", text: "Choose owners from the list of people" }]);
    }
  }
  if (input.ownerUsers.length > 0) {
    const found = await trx
      .selectFrom("users")
      .select("id")
      .where("id", "in", input.ownerUsers)
      .where("role", "=", "force")
      .execute();
    if (found.length !== new Set(input.ownerUsers).size) {
      throw new ValidationError([{ field: "ownerUsers", text: "Choose force users from the list" }]);
    }
  }
}

/**
 * Raises an action, numbered next in the calendar year of the raising meeting unless the input gives a number
 * (an import of published notes). Everything is one transaction: a refused number or owner saves nothing.
 */
export async function createAction(
  db: Kysely<Database>,
  editor: ActionEditor,
  input: NewActionInput,
): Promise<ActionRow> {
  try {
    return await db.transaction().execute((trx) => raiseAction(trx, editor, input));
  } catch (error) {
    // Two imports giving the same explicit number at once: the unique index is the last word.
    if (input.number && isUniqueViolation(error))
      throw duplicateNumber(input.number.year, input.number.number);
    throw error;
  }
}

/** `createAction` inside a transaction the caller holds, e.g. the import of a meeting's notes with its actions. */
export async function raiseAction(
  trx: Transaction<Database>,
  editor: Pick<ActionEditor, "actor" | "userId">,
  input: NewActionInput,
): Promise<ActionRow> {
  let raisedOn = input.raisedOn;
  if (input.meetingItemId !== undefined) {
    const item = await findMeetingItemRef(trx, input.meetingItemId);
    if (!item)
      throw new ValidationError([{ field: "meetingItemId", text: "That meeting item no longer exists" }]);
    raisedOn = item.meetingDate;
  }
  if (raisedOn === undefined) {
    throw new ValidationError([{ field: "raisedOn", text: "Enter the date it was raised" }]);
  }
  await checkOwnersExist(trx, input);
  let year: number;
  let number: number;
  if (input.number) {
    ({ year, number } = input.number);
    if (await findActionByNumber(trx, year, number)) throw duplicateNumber(year, number);
    await raiseActionCounter(trx, year, number);
  } else {
    year = numberingYear(raisedOn);
    number = await allocateActionNumber(trx, year);
  }
  const now = nowIso();
  const action = await insertAction(trx, {
    year,
    number,
    meeting_item_id: input.meetingItemId ?? null,
    raised_on: raisedOn,
    description: input.description,
    due_date: input.dueDate ?? null,
    status: "open",
    closed_at_meeting_id: null,
    closed_on: null,
    created_by: editor.userId,
    created_at: now,
    updated_at: now,
  });
  await insertOwners(trx, action.id, [
    ...input.ownerPeople.map((personId) => ({ person_id: personId, role_text: null, user_id: null })),
    ...input.ownerRoles.map((role) => ({ person_id: null, role_text: role, user_id: null })),
    ...input.ownerUsers.map((userId) => ({ person_id: null, role_text: null, user_id: userId })),
  ]);
  await recordAudit(trx, editor.actor, {
    action: "create",
    entityType: "action",
    entityId: action.id,
    after: {
      ...auditView(action),
      owner_people: input.ownerPeople,
      owner_roles: input.ownerRoles,
      owner_users: input.ownerUsers,
    },
  });
  return action;
}

/** The action, if this person may update it at all: an editor, or a force user who owns it. */
export async function actionForUpdate(
  db: Kysely<Database> | Transaction<Database>,
  editor: ActionEditor,
  actionId: number,
): Promise<ActionRow> {
  const action = await findActionById(db, actionId);
  if (!action) throw new NotFoundError("No such action");
  if (editor.role === "admin" || editor.role === "opcc") return action;
  if (
    editor.role === "force" &&
    editor.userId !== null &&
    (await isOwnedByUser(db, actionId, editor.userId))
  ) {
    return action;
  }
  throw new ForbiddenError("You can update only the actions you own");
}

/** Saves the new version of the action and its audit row, or refuses a form opened before someone else's save. */
async function saveAtVersion(
  trx: Transaction<Database>,
  editor: ActionEditor,
  before: ActionRow,
  expectedVersion: number,
  changes: Parameters<typeof updateActionAtVersion>[3],
): Promise<ActionRow> {
  const after = await updateActionAtVersion(trx, before.id, expectedVersion, {
    ...changes,
    updated_at: nowIso(),
  });
  if (!after) throw new StaleEditError("status", staleActionMessage);
  await recordAudit(trx, editor.actor, {
    action: "update",
    entityType: "action",
    entityId: before.id,
    before: auditView(before),
    after: auditView(after),
  });
  return after;
}

async function addUpdate(
  trx: Transaction<Database>,
  editor: ActionEditor,
  update: Omit<ActionUpdateRow, "id" | "author_user_id" | "author_label" | "created_at">,
): Promise<ActionUpdateRow> {
  const row = await insertActionUpdate(trx, {
    ...update,
    author_user_id: editor.userId,
    author_label: editor.actor.label,
    created_at: nowIso(),
  });
  const { id, ...after } = row;
  await recordAudit(trx, editor.actor, {
    action: "create",
    entityType: "action-update",
    entityId: id,
    after,
  });
  return row;
}

/** A file attached to an update as evidence, and the folder uploads are kept in. */
export interface EvidenceUpload {
  directory: string;
  file: UploadedFile;
}

const noEvidenceFile = {
  evidence_file_name: null,
  evidence_stored_name: null,
  evidence_media_type: null,
  evidence_size_bytes: null,
};

/** Checks the file by its content (the meetings' rules for papers) and writes it under a random name. */
async function storeEvidence({ directory, file }: EvidenceUpload) {
  const checked = await checkPaperFile(file);
  const storedName = await storePaperFile(directory, file.data, checked.extension);
  return {
    columns: {
      evidence_file_name: file.filename.slice(0, 255),
      evidence_stored_name: storedName,
      evidence_media_type: checked.mediaType,
      evidence_size_bytes: file.data.length,
    },
    remove: () => removePaperFile(directory, storedName),
  };
}

/**
 * A dated update from an owner or the OPCC, which may move the action along but never closes it. An attached file
 * is checked by its content and written first, then removed again if the update is refused, so a failure leaves
 * neither the row nor the file.
 */
export async function updateAction(
  db: Kysely<Database>,
  editor: ActionEditor,
  actionId: number,
  input: ActionUpdateInput,
  evidence?: EvidenceUpload,
): Promise<ActionRow> {
  const stored = evidence ? await storeEvidence(evidence) : undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      const before = await actionForUpdate(trx, editor, actionId);
      if (input.status === "closed") {
        throw new ValidationError([
          { field: "status", text: "An action is closed at a meeting's review: use Close this action" },
        ]);
      }
      const problem = transitionProblem({
        from: before.status,
        to: input.status,
        role: editor.role,
        isOwner: true,
        updateCount: await countUpdates(trx, actionId),
        reviewMeetingId: null,
      });
      if (problem) throw new ValidationError([{ field: "status", text: problem }]);
      const after = await saveAtVersion(trx, editor, before, input.version, {
        status: input.status,
        // Reopening undoes the closure: it is no longer closed at that meeting.
        ...(before.status === "closed" ? { closed_at_meeting_id: null, closed_on: null } : {}),
      });
      await addUpdate(trx, editor, {
        action_id: actionId,
        updated_on: input.updatedOn,
        note: input.note,
        status_before: before.status,
        status_after: input.status,
        evidence_text: input.evidenceText,
        evidence_url: input.evidenceUrl,
        ...(stored?.columns ?? noEvidenceFile),
        review_meeting_id: null,
      });
      return after;
    });
  } catch (error) {
    await stored?.remove();
    throw error;
  }
}

/**
 * Closes an action at a meeting's review. Only the OPCC closes, only at a meeting that has taken place, and only
 * once the action has an update to review; the closing itself is recorded as an update dated that meeting.
 */
export async function closeAction(
  db: Kysely<Database>,
  editor: ActionEditor,
  actionId: number,
  input: CloseActionInput,
  today: string,
): Promise<ActionRow> {
  return db.transaction().execute(async (trx) => {
    if (editor.role !== "admin" && editor.role !== "opcc") {
      throw new ForbiddenError("Only the OPCC closes an action, at a meeting's review");
    }
    const before = await findActionById(trx, actionId);
    if (!before) throw new NotFoundError("No such action");
    const meeting =
      input.reviewMeetingId === undefined ? undefined : await findMeetingRef(trx, input.reviewMeetingId);
    if (input.reviewMeetingId !== undefined && !meeting) {
      throw new ValidationError([{ field: "reviewMeetingId", text: "Choose a meeting from the list" }]);
    }
    if (meeting && meeting.date > today) {
      throw new ValidationError([
        {
          field: "reviewMeetingId",
          text: "Choose a meeting that has taken place: its review closes the action",
        },
      ]);
    }
    const problem = transitionProblem({
      from: before.status,
      to: "closed",
      role: editor.role,
      isOwner: false,
      updateCount: await countUpdates(trx, actionId),
      reviewMeetingId: meeting?.id ?? null,
    });
    // Without a meeting there is always a problem; the second test only tells the type-checker so.
    if (problem !== null || meeting === undefined) {
      throw new ValidationError([
        { field: "reviewMeetingId", text: problem ?? "Choose the reviewing meeting" },
      ]);
    }
    const after = await saveAtVersion(trx, editor, before, input.version, {
      status: "closed",
      closed_at_meeting_id: meeting.id,
      closed_on: meeting.date,
    });
    await addUpdate(trx, editor, {
      action_id: actionId,
      updated_on: meeting.date,
      note: input.note ?? `Closed at the review of ${meeting.title}`,
      status_before: before.status,
      status_after: "closed",
      evidence_text: null,
      evidence_url: null,
      ...noEvidenceFile,
      review_meeting_id: meeting.id,
    });
    return after;
  });
}
