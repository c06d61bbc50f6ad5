import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema.js";
import type { ReportSectionId } from "./reports.schema.js";
import type {
  NewQuarterlyReportRow,
  QuarterlyReportNarrativeRow,
  QuarterlyReportRow,
} from "./reports.tables.js";

type Executor = Kysely<Database> | Transaction<Database>;

export function findReport(db: Executor, period: string): Promise<QuarterlyReportRow | undefined> {
  return db.selectFrom("quarterly_reports").selectAll().where("period", "=", period).executeTakeFirst();
}

export function insertReport(db: Executor, row: NewQuarterlyReportRow): Promise<QuarterlyReportRow> {
  return db.insertInto("quarterly_reports").values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateReport(
  db: Executor,
  id: number,
  changes: Partial<Pick<QuarterlyReportRow, "status" | "published_at" | "updated_at">>,
): Promise<QuarterlyReportRow> {
  return db
    .updateTable("quarterly_reports")
    .set(changes)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every report, latest quarter first (the period's start sorts as its text does not). */
export function listReports(
  db: Executor,
  options: { publishedOnly: boolean },
): Promise<QuarterlyReportRow[]> {
  return db
    .selectFrom("quarterly_reports")
    .selectAll()
    .$if(options.publishedOnly, (qb) => qb.where("status", "=", "published"))
    .execute();
}

export function listNarratives(db: Executor, reportId: number): Promise<QuarterlyReportNarrativeRow[]> {
  return db.selectFrom("quarterly_report_narratives").selectAll().where("report_id", "=", reportId).execute();
}

export function upsertNarrative(
  db: Executor,
  row: { report_id: number; section: ReportSectionId; text: string; updated_by: string; updated_at: string },
): Promise<QuarterlyReportNarrativeRow> {
  return db
    .insertInto("quarterly_report_narratives")
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(["report_id", "section"])
        .doUpdateSet({ text: row.text, updated_by: row.updated_by, updated_at: row.updated_at }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function deleteNarrative(db: Executor, reportId: number, section: ReportSectionId): Promise<unknown> {
  return db
    .deleteFrom("quarterly_report_narratives")
    .where("report_id", "=", reportId)
    .where("section", "=", section)
    .execute();
}
