import { sql, type Kysely } from "kysely";
import { addIdColumn } from "./helpers.js";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// The quarterly performance report: one row per quarter (draft, then published) and its narrative boxes.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await addIdColumn(db, db.schema.createTable("quarterly_reports"))
    // Canonical period text, e.g. "Q2 2025/26".
    .addColumn("period", "text", (col) => col.notNull().unique())
    .addColumn("status", "text", (col) => col.notNull().check(sql`status in ('draft', 'published')`))
    .addColumn("published_at", "text")
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();

  await addIdColumn(db, db.schema.createTable("quarterly_report_narratives"))
    .addColumn("report_id", "integer", (col) =>
      col.notNull().references("quarterly_reports.id").onDelete("cascade"),
    )
    .addColumn("section", "text", (col) => col.notNull())
    .addColumn("text", "text", (col) => col.notNull())
    .addColumn("updated_by", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .addUniqueConstraint("quarterly_report_narratives_section", ["report_id", "section"])
    .execute();
}
