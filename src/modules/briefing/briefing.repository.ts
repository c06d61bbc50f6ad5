import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema.js";
import { openStatuses } from "../inspections/inspections.repository.js";
import type { FindingRow } from "../inspections/inspections.tables.js";
import type { BriefingSuggestionRow, NewBriefingSuggestionRow } from "./briefing.tables.js";

type Executor = Kysely<Database> | Transaction<Database>;

export function listSuggestions(db: Executor, meetingId: number): Promise<BriefingSuggestionRow[]> {
  return db
    .selectFrom("briefing_suggestions")
    .selectAll()
    .where("meeting_id", "=", meetingId)
    .orderBy("meeting_item_id")
    .orderBy("id")
    .execute();
}

export function findSuggestion(
  db: Executor,
  meetingId: number,
  id: number,
): Promise<BriefingSuggestionRow | undefined> {
  return db
    .selectFrom("briefing_suggestions")
    .selectAll()
    .where("meeting_id", "=", meetingId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** Adds the suggestions whose source this meeting has not had yet; those already there are left as they are. */
export function insertNewSuggestions(
  db: Executor,
  rows: NewBriefingSuggestionRow[],
): Promise<BriefingSuggestionRow[]> {
  if (rows.length === 0) return Promise.resolve([]);
  return db
    .insertInto("briefing_suggestions")
    .values(rows)
    .onConflict((conflict) => conflict.columns(["meeting_id", "source_ref"]).doNothing())
    .returningAll()
    .execute();
}

export async function deleteSuggestions(db: Executor, ids: number[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom("briefing_suggestions").where("id", "in", ids).execute();
}

/** Changes a suggestion still awaiting a decision; undefined when it has been accepted or dropped meanwhile. */
export function updatePendingSuggestion(
  db: Executor,
  id: number,
  change: Partial<Pick<BriefingSuggestionRow, "text" | "status" | "line_of_enquiry_id" | "updated_at">>,
): Promise<BriefingSuggestionRow | undefined> {
  return db
    .updateTable("briefing_suggestions")
    .set(change)
    .where("id", "=", id)
    .where("status", "=", "suggested")
    .returningAll()
    .executeTakeFirst();
}

export type LinkedFinding = FindingRow & { inspection_title: string };

/** The open findings among these ids, with their inspection's title. */
export function listOpenFindings(db: Executor, ids: number[]): Promise<LinkedFinding[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("inspection_findings as f")
    .innerJoin("inspections as i", "i.id", "f.inspection_id")
    .selectAll("f")
    .select("i.title as inspection_title")
    .where("f.id", "in", ids)
    .where("f.status", "in", openStatuses)
    .orderBy("f.id")
    .execute();
}
