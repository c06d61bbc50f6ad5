import type { Kysely, Transaction } from "kysely";
import type { Database, Role } from "../../db/schema.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../../lib/errors.js";
import { formatDate } from "../../lib/render.js";
import { nowIso } from "../../lib/time.js";
import type { Actor } from "../audit/actor.js";
import { recordAudit } from "../audit/audit.repository.js";
import { checkPaperFile, removePaperFile, storePaperFile } from "../meetings/paper-files.js";
import { type UploadedFile } from "../../lib/form-uploads.js";
import { savedAtVersion, staleMessages } from "../../lib/stale-edit.js";
import { checkTransition } from "./finding-status.js";
import {
  assessmentLabels,
  closedByLabels,
  findingStatusLabels,
  type AssessmentInput,
  type FindingInput,
  type GradeInput,
  type InspectionInput,
  type LinkInput,
  type TransitionInput,
  type UpdateInput,
} from "./inspections.schema.js";
import {
  findFinding,
  findFindingByReference,
  findGrade,
  findInspection,
  findResponse,
  findUpdate,
  insertFinding,
  insertGrade,
  insertInspection,
  insertLink,
  insertResponse,
  insertResponseItem,
  insertStatusChange,
  insertUpdate,
  listFindingsOfInspection,
  listResponseItems,
  listUpdates,
  setUpdateAssessment,
  updateFinding,
  updateGrade,
  updateInspection,
  updateResponse,
  updateResponseItem,
} from "./inspections.repository.js";
import type {
  FindingLinkRow,
  FindingRow,
  FindingUpdateRow,
  InspectionRow,
  PccResponseRow,
  PeelGradeRow,
} from "./inspections.tables.js";

type Trx = Transaction<Database>;

async function inspectionOrThrow(trx: Trx, id: number): Promise<InspectionRow> {
  const inspection = await findInspection(trx, id);
  if (!inspection) throw new NotFoundError(`No inspection with id ${id}`);
  return inspection;
}

async function findingOrThrow(trx: Trx, id: number): Promise<FindingRow> {
  const finding = await findFinding(trx, id);
  if (!finding) throw new NotFoundError(`No finding with id ${id}`);
  return finding;
}

export function createInspection(
  db: Kysely<Database>,
  actor: Actor,
  input: InspectionInput,
  options: { sample?: boolean } = {},
): Promise<InspectionRow> {
  return db
    .transaction()
    .execute((trx) => insertInspectionAudited(trx, actor, input, options.sample ?? false));
}

export async function insertInspectionAudited(
  trx: Trx,
  actor: Actor,
  input: InspectionInput,
  sample: boolean,
): Promise<InspectionRow> {
  const now = nowIso();
  const inspection = await insertInspection(trx, {
    ...input,
    is_sample: sample ? 1 : 0,
    created_at: now,
    updated_at: now,
  });
  await recordAudit(trx, actor, {
    action: "create",
    entityType: "inspection",
    entityId: inspection.id,
    after: inspection,
  });
  return inspection;
}

/** Records a PEEL grade for a question area, replacing the grade that inspection gave it before. */
export function setGrade(
  db: Kysely<Database>,
  actor: Actor,
  inspectionId: number,
  input: GradeInput,
): Promise<PeelGradeRow> {
  return db.transaction().execute(async (trx) => {
    await inspectionOrThrow(trx, inspectionId);
    return setGradeAudited(trx, actor, inspectionId, input);
  });
}

export async function setGradeAudited(
  trx: Trx,
  actor: Actor,
  inspectionId: number,
  input: GradeInput,
): Promise<PeelGradeRow> {
  const existing = await findGrade(trx, inspectionId, input.question_area);
  if (existing) {
    const updated = await updateGrade(trx, existing.id, input.grade);
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "peel_grade",
      entityId: updated.id,
      before: existing,
      after: updated,
    });
    return updated;
  }
  const created = await insertGrade(trx, { inspection_id: inspectionId, ...input });
  await recordAudit(trx, actor, {
    action: "create",
    entityType: "peel_grade",
    entityId: created.id,
    after: created,
  });
  return created;
}

export function createFinding(
  db: Kysely<Database>,
  actor: Actor,
  inspectionId: number,
  input: FindingInput,
): Promise<FindingRow> {
  return db.transaction().execute(async (trx) => {
    await inspectionOrThrow(trx, inspectionId);
    return insertFindingAudited(trx, actor, inspectionId, input);
  });
}

/**
 * Refuses a reference already used in the inspection (by another finding than `selfId`), and a parent that is
 * not a cause of concern of the same inspection, or on anything but a recommendation.
 */
async function checkFindingPlacement(
  trx: Trx,
  inspectionId: number,
  input: FindingInput,
  selfId: number | null,
): Promise<void> {
  const sameReference = await findFindingByReference(trx, inspectionId, input.reference);
  if (sameReference && sameReference.id !== selfId) {
    throw new ValidationError([
      {
        field: "reference",
        text: `This inspection already has a finding with the reference ${input.reference}`,
      },
    ]);
  }
  if (input.parent_id !== null) {
    const parent = await findFinding(trx, input.parent_id);
    if (input.kind !== "recommendation") {
      throw new ValidationError([
        { field: "parent_id", text: "Only a recommendation can belong to a cause of concern" },
      ]);
    }
    if (!parent || parent.inspection_id !== inspectionId || parent.kind !== "cause_of_concern") {
      throw new ValidationError([
        { field: "parent_id", text: "Choose a cause of concern from the same inspection" },
      ]);
    }
  }
}

/** A new open finding; a recommendation may belong to a cause of concern of the same inspection. */
export async function insertFindingAudited(
  trx: Trx,
  actor: Actor,
  inspectionId: number,
  input: FindingInput,
): Promise<FindingRow> {
  await checkFindingPlacement(trx, inspectionId, input, null);
  const now = nowIso();
  const finding = await insertFinding(trx, {
    inspection_id: inspectionId,
    kind: input.kind,
    parent_id: input.parent_id,
    reference: input.reference,
    text: input.text,
    owner: input.owner,
    target_date: input.target_date,
    status: "open",
    created_at: now,
    updated_at: now,
  });
  await recordAudit(trx, actor, {
    action: "create",
    entityType: "finding",
    entityId: finding.id,
    after: finding,
  });
  return finding;
}

/**
 * Corrects an inspection's details (its kind, title, date, link or scope), refused if anyone has saved them
 * since `expectedVersion` was read.
 */
export function updateInspectionDetails(
  db: Kysely<Database>,
  actor: Actor,
  inspectionId: number,
  input: InspectionInput,
  expectedVersion: number,
): Promise<InspectionRow> {
  return db.transaction().execute(async (trx) => {
    const before = await inspectionOrThrow(trx, inspectionId);
    const after = savedAtVersion(
      await updateInspection(trx, inspectionId, { ...input, updated_at: nowIso() }, expectedVersion),
      "title",
      staleMessages.inspection,
    );
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "inspection",
      entityId: inspectionId,
      before,
      after,
    });
    return after;
  });
}

/**
 * Corrects a finding's details, refused if anyone has saved the finding since `expectedVersion` was read; its
 * status moves only through changeFindingStatus.
 */
export function updateFindingDetails(
  db: Kysely<Database>,
  actor: Actor,
  findingId: number,
  input: FindingInput,
  expectedVersion: number,
): Promise<FindingRow> {
  return db.transaction().execute(async (trx) => {
    const before = await findingOrThrow(trx, findingId);
    if (input.parent_id === findingId) {
      throw new ValidationError([{ field: "parent_id", text: "A finding cannot belong to itself" }]);
    }
    await checkFindingPlacement(trx, before.inspection_id, input, findingId);
    const after = savedAtVersion(
      await updateFinding(trx, findingId, { ...input, updated_at: nowIso() }, expectedVersion),
      "text",
      staleMessages.finding,
    );
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "finding",
      entityId: findingId,
      before,
      after,
    });
    return after;
  });
}

/** Moves a finding along its life cycle (see finding-status.ts), keeping who moved it, when and why. */
export function changeFindingStatus(
  db: Kysely<Database>,
  actor: Actor,
  role: Role,
  findingId: number,
  input: TransitionInput,
): Promise<FindingRow> {
  return db.transaction().execute(async (trx) => {
    const before = await findingOrThrow(trx, findingId);
    const outcome = checkTransition({
      findingId,
      from: before.status,
      to: input.to,
      role,
      reason: input.reason,
      closedBy: input.closed_by,
      decidedBy: input.decided_by,
      supersededById: input.superseded_by_id,
    });
    if (!outcome.ok) {
      if (outcome.forbidden) throw new ForbiddenError(outcome.errors.map((e) => e.text).join("; "));
      throw new ValidationError(outcome.errors);
    }
    if (
      outcome.change.superseded_by_id !== null &&
      !(await findFinding(trx, outcome.change.superseded_by_id))
    ) {
      throw new ValidationError([
        { field: "superseded_by_id", text: "The superseding finding does not exist" },
      ]);
    }
    const now = nowIso();
    const after = savedAtVersion(
      await updateFinding(trx, findingId, { ...outcome.change, updated_at: now }),
      "to",
      staleMessages.finding,
    );
    await insertStatusChange(trx, {
      finding_id: findingId,
      from_status: before.status,
      to_status: after.status,
      reason: input.reason,
      user_id: actor.userId,
      actor: actor.label,
      at: now,
    });
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "finding",
      entityId: findingId,
      before,
      after,
    });
    return after;
  });
}

/** An evidence file for a progress update, and the uploads folder it is kept in. */
export interface EvidenceUpload {
  directory: string;
  file: UploadedFile;
}

/**
 * A progress update from the force or the OPCC. An attached file is checked by its content (the meetings' rules
 * for papers: PDF, Word, Excel, PowerPoint, within the size limit) and written first, then removed again if the
 * update is refused, so a failure leaves neither the row nor the file.
 */
export async function addProgressUpdate(
  db: Kysely<Database>,
  actor: Actor,
  findingId: number,
  input: UpdateInput,
  evidence?: EvidenceUpload,
): Promise<FindingUpdateRow> {
  const checked = evidence ? await checkPaperFile(evidence.file) : undefined;
  const storedName =
    evidence && checked
      ? await storePaperFile(evidence.directory, evidence.file.data, checked.extension)
      : null;
  try {
    return await db.transaction().execute(async (trx) => {
      await findingOrThrow(trx, findingId);
      const update = await insertUpdate(trx, {
        finding_id: findingId,
        ...input,
        evidence_file_name: evidence ? evidence.file.filename.slice(0, 255) : null,
        evidence_stored_name: storedName,
        evidence_media_type: checked?.mediaType ?? null,
        evidence_size_bytes: evidence ? evidence.file.data.length : null,
        user_id: actor.userId,
        author: actor.label,
        created_at: nowIso(),
      });
      await recordAudit(trx, actor, {
        action: "create",
        entityType: "finding_update",
        entityId: update.id,
        after: update,
      });
      return update;
    });
  } catch (error) {
    if (evidence && storedName) await removePaperFile(evidence.directory, storedName);
    throw error;
  }
}

/** The OPCC's own view of a progress update: assured, partially or not, and why. */
export function assessUpdate(
  db: Kysely<Database>,
  actor: Actor,
  findingId: number,
  updateId: number,
  input: AssessmentInput,
): Promise<FindingUpdateRow> {
  return db.transaction().execute(async (trx) => {
    const before = await findUpdate(trx, updateId);
    if (before?.finding_id !== findingId)
      throw new NotFoundError(`No progress update ${updateId} on finding ${findingId}`);
    const after = await setUpdateAssessment(trx, updateId, {
      ...input,
      assessed_by: actor.label,
      assessed_at: nowIso(),
    });
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "finding_update",
      entityId: updateId,
      before,
      after,
    });
    return after;
  });
}

export function addFindingLink(
  db: Kysely<Database>,
  actor: Actor,
  findingId: number,
  input: LinkInput,
): Promise<FindingLinkRow> {
  return db.transaction().execute(async (trx) => {
    await findingOrThrow(trx, findingId);
    const link = await insertLink(trx, { finding_id: findingId, ...input, created_at: nowIso() });
    await recordAudit(trx, actor, {
      action: "create",
      entityType: "finding_link",
      entityId: link.id,
      after: link,
    });
    return link;
  });
}

/** What the register says about a finding, as a first draft of the PCC's comment on it. */
export function draftAction(finding: FindingRow, latestUpdate: FindingUpdateRow | undefined): string {
  const parts: string[] = [];
  if (finding.status === "closed" && finding.closed_by) {
    parts.push(
      `Closed by ${closedByLabels[finding.closed_by]}${finding.closure_decided_by ? ` (decided by ${finding.closure_decided_by})` : ""}.`,
    );
  } else {
    parts.push(`Status: ${findingStatusLabels[finding.status].toLowerCase()}.`);
  }
  if (finding.owner) parts.push(`Owner: ${finding.owner}.`);
  if (finding.target_date) parts.push(`Target date: ${formatDate(finding.target_date)}.`);
  if (latestUpdate) {
    parts.push(
      `Latest update from the force (${formatDate(latestUpdate.update_date)}): ${latestUpdate.narrative}`,
    );
    if (latestUpdate.assessment) {
      parts.push(
        `The OPCC's assessment: ${assessmentLabels[latestUpdate.assessment].toLowerCase()}. ${latestUpdate.assessment_reason ?? ""}`.trim(),
      );
    }
  } else {
    parts.push("The force has not yet reported progress.");
  }
  return parts.join(" ");
}

/**
 * Starts (or tops up) the PCC's response from the register: an introduction and a drafted comment for each
 * finding that does not have one yet, for the OPCC to edit before publishing. A published response is final.
 */
export function draftResponse(
  db: Kysely<Database>,
  actor: Actor,
  inspectionId: number,
): Promise<PccResponseRow> {
  return db.transaction().execute(async (trx) => {
    const inspection = await inspectionOrThrow(trx, inspectionId);
    const now = nowIso();
    let response = await findResponse(trx, inspectionId);
    if (response?.published_at)
      throw new ValidationError([{ field: "form", text: "The response is already published" }]);
    if (!response) {
      response = await insertResponse(trx, {
        inspection_id: inspectionId,
        introduction:
          `The Police and Crime Commissioner welcomes HMICFRS's report "${inspection.title}", published on ` +
          `${formatDate(inspection.published_on)}. Below are the Commissioner's comments and the action the force ` +
          "has taken or will take on each finding.",
        published_at: null,
        created_at: now,
        updated_at: now,
      });
      await recordAudit(trx, actor, {
        action: "create",
        entityType: "pcc_response",
        entityId: response.id,
        after: response,
      });
    }
    const drafted = new Set((await listResponseItems(trx, response.id)).map((item) => item.finding_id));
    for (const finding of await listFindingsOfInspection(trx, inspectionId)) {
      if (drafted.has(finding.id)) continue;
      const [latest] = await listUpdates(trx, finding.id);
      const item = await insertResponseItem(trx, {
        response_id: response.id,
        finding_id: finding.id,
        action: draftAction(finding, latest),
      });
      await recordAudit(trx, actor, {
        action: "create",
        entityType: "pcc_response_item",
        entityId: item.id,
        after: item,
      });
    }
    return response;
  });
}

export interface ResponseEdit {
  introduction: string;
  /** Comment text by response item id. */
  actions: Map<number, string>;
  /** The response's version when the form was opened: the save is refused if anyone has saved since. */
  version: number;
}

export function saveResponse(
  db: Kysely<Database>,
  actor: Actor,
  inspectionId: number,
  edit: ResponseEdit,
): Promise<PccResponseRow> {
  return db.transaction().execute(async (trx) => {
    const before = await findResponse(trx, inspectionId);
    if (!before) throw new NotFoundError("Draft the response first");
    if (before.published_at)
      throw new ValidationError([{ field: "form", text: "The response is already published" }]);
    // The response's version covers its comments too: every save bumps it, whichever parts changed.
    const after = savedAtVersion(
      await updateResponse(
        trx,
        before.id,
        { introduction: edit.introduction, updated_at: nowIso() },
        edit.version,
      ),
      "introduction",
      staleMessages.response,
    );
    if (after.introduction !== before.introduction) {
      await recordAudit(trx, actor, {
        action: "update",
        entityType: "pcc_response",
        entityId: before.id,
        before,
        after,
      });
    }
    for (const item of await listResponseItems(trx, before.id)) {
      const action = edit.actions.get(item.id);
      if (action === undefined || action === item.action) continue;
      const changed = await updateResponseItem(trx, item.id, action);
      await recordAudit(trx, actor, {
        action: "update",
        entityType: "pcc_response_item",
        entityId: item.id,
        before: item,
        after: changed,
      });
    }
    return after;
  });
}

/**
 * Publishes the response once it says something on every finding; the public page shows it from then on. Refused
 * if anyone has saved it since `expectedVersion`: what is published is what the publisher read.
 */
export function publishResponse(
  db: Kysely<Database>,
  actor: Actor,
  inspectionId: number,
  expectedVersion: number,
): Promise<PccResponseRow> {
  return db.transaction().execute(async (trx) => {
    const before = await findResponse(trx, inspectionId);
    if (!before) throw new NotFoundError("Draft the response first");
    if (before.published_at)
      throw new ValidationError([{ field: "form", text: "The response is already published" }]);
    const items = await listResponseItems(trx, before.id);
    const findings = await listFindingsOfInspection(trx, inspectionId);
    const commented = new Set(items.filter((item) => item.action.trim()).map((item) => item.finding_id));
    const missing = findings.filter((finding) => !commented.has(finding.id));
    if (!before.introduction.trim() || missing.length > 0) {
      throw new ValidationError([
        ...(before.introduction.trim() ? [] : [{ field: "introduction", text: "Write an introduction" }]),
        ...missing.map((finding) => ({
          field: "form",
          text: `Say what action has been or will be taken on ${finding.reference}`,
        })),
      ]);
    }
    const now = nowIso();
    const after = savedAtVersion(
      await updateResponse(trx, before.id, { published_at: now, updated_at: now }, expectedVersion),
      "form",
      staleMessages.response,
    );
    await recordAudit(trx, actor, {
      action: "update",
      entityType: "pcc_response",
      entityId: before.id,
      before,
      after,
    });
    return after;
  });
}
