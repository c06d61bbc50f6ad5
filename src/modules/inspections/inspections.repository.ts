import type { Kysely, Transaction, Updateable } from "kysely";
import type { Database } from "../../db/schema.js";
import { updateAtVersion } from "../../db/update-at-version.js";
import type { FindingStatus, Grade, RegisterFilter } from "./inspections.schema.js";
import type {
  FindingLinkRow,
  FindingRow,
  FindingStatusChangeRow,
  FindingTable,
  FindingUpdateRow,
  FindingUpdateTable,
  InspectionRow,
  InspectionTable,
  NewFindingRow,
  NewInspectionRow,
  PccResponseItemRow,
  PccResponseRow,
  PeelGradeRow,
} from "./inspections.tables.js";

type Executor = Kysely<Database> | Transaction<Database>;

/** Statuses that still need work; closed and superseded findings are done with. */
export const openStatuses: readonly FindingStatus[] = ["open", "in_progress", "ready_for_closure"];

export function insertInspection(db: Executor, row: NewInspectionRow): Promise<InspectionRow> {
  return db.insertInto("inspections").values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Saves changes and bumps the version. With atVersion, only if nobody has saved since that version was read
 * (the check and the bump are one statement, so of two saves from one version exactly one wins): undefined if not.
 */
export function updateInspection(
  db: Executor,
  id: number,
  changes: Omit<Updateable<InspectionTable>, "version">,
  atVersion?: number,
): Promise<InspectionRow | undefined> {
  return updateAtVersion(db, "inspections", id, changes, atVersion);
}

export function findInspection(db: Executor, id: number): Promise<InspectionRow | undefined> {
  return db.selectFrom("inspections").selectAll().where("id", "=", id).executeTakeFirst();
}

export function listInspections(db: Executor): Promise<InspectionRow[]> {
  return db
    .selectFrom("inspections")
    .selectAll()
    .orderBy("published_on", "desc")
    .orderBy("id", "desc")
    .execute();
}

export function findGrade(db: Executor, inspectionId: number, questionArea: string) {
  return db
    .selectFrom("peel_grades")
    .selectAll()
    .where("inspection_id", "=", inspectionId)
    .where("question_area", "=", questionArea)
    .executeTakeFirst();
}

export function insertGrade(
  db: Executor,
  row: { inspection_id: number; question_area: string; grade: Grade },
): Promise<PeelGradeRow> {
  return db.insertInto("peel_grades").values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateGrade(db: Executor, id: number, grade: Grade): Promise<PeelGradeRow> {
  return db
    .updateTable("peel_grades")
    .set({ grade })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listGrades(db: Executor, inspectionId: number): Promise<PeelGradeRow[]> {
  return db
    .selectFrom("peel_grades")
    .selectAll()
    .where("inspection_id", "=", inspectionId)
    .orderBy("id")
    .execute();
}

export interface GradeComparison {
  questionArea: string;
  grade: Grade;
  previousGrade: Grade | null;
}

/**
 * The latest PEEL inspection's grades, each beside the grade for the same question area in the PEEL inspection
 * before it (null where that area was not graded then), so a change between inspections reads across a row.
 */
export async function latestPeelComparison(
  db: Executor,
): Promise<{ latest: InspectionRow; previous: InspectionRow | null; rows: GradeComparison[] } | null> {
  const peel = await db
    .selectFrom("inspections")
    .selectAll()
    .where("kind", "=", "peel")
    .where((eb) =>
      eb.exists(eb.selectFrom("peel_grades").select("id").whereRef("inspection_id", "=", "inspections.id")),
    )
    .orderBy("published_on", "desc")
    .orderBy("id", "desc")
    .limit(2)
    .execute();
  const [latest, previous] = peel;
  if (!latest) return null;
  const previousGrades = new Map(
    previous ? (await listGrades(db, previous.id)).map((row) => [row.question_area, row.grade]) : [],
  );
  const rows = (await listGrades(db, latest.id)).map((row) => ({
    questionArea: row.question_area,
    grade: row.grade,
    previousGrade: previousGrades.get(row.question_area) ?? null,
  }));
  return { latest, previous: previous ?? null, rows };
}

export function insertFinding(db: Executor, row: NewFindingRow): Promise<FindingRow> {
  return db.insertInto("inspection_findings").values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Saves changes and bumps the version. With atVersion, only if nobody has saved since that version was read
 * (the check and the bump are one statement, so of two saves from one version exactly one wins): undefined if not.
 */
export function updateFinding(
  db: Executor,
  id: number,
  changes: Omit<Updateable<FindingTable>, "version">,
  atVersion?: number,
): Promise<FindingRow | undefined> {
  return updateAtVersion(db, "inspection_findings", id, changes, atVersion);
}

export function findFinding(db: Executor, id: number): Promise<FindingRow | undefined> {
  return db.selectFrom("inspection_findings").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findFindingByReference(
  db: Executor,
  inspectionId: number,
  reference: string,
): Promise<FindingRow | undefined> {
  return db
    .selectFrom("inspection_findings")
    .selectAll()
    .where("inspection_id", "=", inspectionId)
    .where("reference", "=", reference)
    .executeTakeFirst();
}

export function listFindingsOfInspection(db: Executor, inspectionId: number): Promise<FindingRow[]> {
  return db
    .selectFrom("inspection_findings")
    .selectAll()
    .where("inspection_id", "=", inspectionId)
    .orderBy("id")
    .execute();
}

function registerQuery(db: Executor, filter: Omit<RegisterFilter, "status">, today: string) {
  let query = db
    .selectFrom("inspection_findings as f")
    .innerJoin("inspections as i", "i.id", "f.inspection_id");
  if (filter.kind) query = query.where("f.kind", "=", filter.kind);
  if (filter.inspection) query = query.where("f.inspection_id", "=", filter.inspection);
  if (filter.overdue) {
    query = query.where("f.target_date", "<", today).where("f.status", "in", openStatuses);
  }
  return query;
}

export type RegisterRow = FindingRow & { inspection_title: string; inspection_is_sample: number };

/** The register: findings matching the filters, with their inspection, newest inspection first. */
export function listRegister(db: Executor, filter: RegisterFilter, today: string): Promise<RegisterRow[]> {
  let query = registerQuery(db, filter, today);
  if (filter.status) query = query.where("f.status", "=", filter.status);
  return query
    .selectAll("f")
    .select(["i.title as inspection_title", "i.is_sample as inspection_is_sample"])
    .orderBy("i.published_on", "desc")
    .orderBy("f.id")
    .execute();
}

/** How many findings are in each status under the other filters, so the counts explain the status filter. */
export async function countByStatus(
  db: Executor,
  filter: RegisterFilter,
  today: string,
): Promise<Record<FindingStatus, number>> {
  const rows = await registerQuery(db, filter, today)
    .select(["f.status", (eb) => eb.fn.countAll<string | number>().as("n")])
    .groupBy("f.status")
    .execute();
  const counts: Record<FindingStatus, number> = {
    open: 0,
    in_progress: 0,
    ready_for_closure: 0,
    closed: 0,
    superseded: 0,
  };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

export function insertStatusChange(
  db: Executor,
  row: Omit<FindingStatusChangeRow, "id">,
): Promise<FindingStatusChangeRow> {
  return db.insertInto("finding_status_changes").values(row).returningAll().executeTakeFirstOrThrow();
}

export function listStatusChanges(db: Executor, findingId: number): Promise<FindingStatusChangeRow[]> {
  return db
    .selectFrom("finding_status_changes")
    .selectAll()
    .where("finding_id", "=", findingId)
    .orderBy("id")
    .execute();
}

export function insertUpdate(
  db: Executor,
  row: Omit<FindingUpdateRow, "id" | "assessment" | "assessment_reason" | "assessed_by" | "assessed_at">,
): Promise<FindingUpdateRow> {
  return db.insertInto("finding_updates").values(row).returningAll().executeTakeFirstOrThrow();
}

export function findUpdate(db: Executor, id: number): Promise<FindingUpdateRow | undefined> {
  return db.selectFrom("finding_updates").selectAll().where("id", "=", id).executeTakeFirst();
}

export function setUpdateAssessment(
  db: Executor,
  id: number,
  changes: Updateable<FindingUpdateTable>,
): Promise<FindingUpdateRow> {
  return db
    .updateTable("finding_updates")
    .set(changes)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listUpdates(db: Executor, findingId: number): Promise<FindingUpdateRow[]> {
  return db
    .selectFrom("finding_updates")
    .selectAll()
    .where("finding_id", "=", findingId)
    .orderBy("update_date", "desc")
    .orderBy("id", "desc")
    .execute();
}

export function insertLink(db: Executor, row: Omit<FindingLinkRow, "id">): Promise<FindingLinkRow> {
  return db.insertInto("finding_links").values(row).returningAll().executeTakeFirstOrThrow();
}

/** A finding's links, with the agenda item's meeting, number and title so the page can link to it. */
export function listLinks(db: Executor, findingId: number) {
  return db
    .selectFrom("finding_links as l")
    .leftJoin("meeting_items as item", "item.id", "l.agenda_item_id")
    .leftJoin("meetings as meeting", "meeting.id", "item.meeting_id")
    .selectAll("l")
    .select([
      "item.meeting_id as meeting_id",
      "item.number as item_number",
      "item.title as item_title",
      "meeting.title as meeting_title",
      "meeting.date as meeting_date",
    ])
    .where("l.finding_id", "=", findingId)
    .orderBy("l.id")
    .execute();
}

export type OpenFindingWithUpdates = RegisterRow & { updates: FindingUpdateRow[] };

/**
 * For the "Quarterly HMICFRS Update" agenda item (called by the meetings module): every finding still open,
 * with the progress updates recorded since `sinceIso` (the last meeting; a date or a timestamp), newest first.
 */
export async function openFindingsWithUpdatesSince(
  db: Executor,
  sinceIso: string,
): Promise<OpenFindingWithUpdates[]> {
  const findings = await db
    .selectFrom("inspection_findings as f")
    .innerJoin("inspections as i", "i.id", "f.inspection_id")
    .selectAll("f")
    .select(["i.title as inspection_title", "i.is_sample as inspection_is_sample"])
    .where("f.status", "in", openStatuses)
    .orderBy("i.published_on", "desc")
    .orderBy("f.id")
    .execute();
  if (findings.length === 0) return [];
  const updates = await db
    .selectFrom("finding_updates")
    .selectAll()
    .where(
      "finding_id",
      "in",
      findings.map((finding) => finding.id),
    )
    .where("created_at", ">=", sinceIso)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  return findings.map((finding) => ({
    ...finding,
    updates: updates.filter((update) => update.finding_id === finding.id),
  }));
}

export function findResponse(db: Executor, inspectionId: number): Promise<PccResponseRow | undefined> {
  return db
    .selectFrom("pcc_responses")
    .selectAll()
    .where("inspection_id", "=", inspectionId)
    .executeTakeFirst();
}

export function insertResponse(
  db: Executor,
  row: Omit<PccResponseRow, "id" | "version">,
): Promise<PccResponseRow> {
  return db.insertInto("pcc_responses").values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Saves changes and bumps the version. With atVersion, only if nobody has saved since that version was read
 * (the check and the bump are one statement, so of two saves from one version exactly one wins): undefined if not.
 */
export function updateResponse(
  db: Executor,
  id: number,
  changes: Partial<Omit<PccResponseRow, "id" | "version">>,
  atVersion?: number,
): Promise<PccResponseRow | undefined> {
  return updateAtVersion(db, "pcc_responses", id, changes, atVersion);
}

export function listResponseItems(db: Executor, responseId: number): Promise<PccResponseItemRow[]> {
  return db
    .selectFrom("pcc_response_items")
    .selectAll()
    .where("response_id", "=", responseId)
    .orderBy("id")
    .execute();
}

export function insertResponseItem(
  db: Executor,
  row: Omit<PccResponseItemRow, "id">,
): Promise<PccResponseItemRow> {
  return db.insertInto("pcc_response_items").values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateResponseItem(db: Executor, id: number, action: string): Promise<PccResponseItemRow> {
  return db
    .updateTable("pcc_response_items")
    .set({ action })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export type PublishedResponse = PccResponseRow &
  Pick<InspectionRow, "title" | "kind" | "published_on" | "is_sample">;

export function listPublishedResponses(db: Executor): Promise<PublishedResponse[]> {
  return db
    .selectFrom("pcc_responses as r")
    .innerJoin("inspections as i", "i.id", "r.inspection_id")
    .selectAll("r")
    .select(["i.title", "i.kind", "i.published_on", "i.is_sample"])
    .where("r.published_at", "is not", null)
    .orderBy("i.published_on", "desc")
    .execute();
}
