import { sql, type Kysely } from "kysely";
import { addIdColumn } from "./helpers.js";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// The PCC's statement on the force's contribution to the national policing priorities (Specified Information
// Order, 7A): each version a row, drafted and edited, then published with its date and kept as history.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await addIdColumn(db, db.schema.createTable("priority_statements"))
    .addColumn("title", "text", (col) => col.notNull())
    .addColumn("body_markdown", "text", (col) => col.notNull())
    // The latest period the generated figures ran to, e.g. "March 2026".
    .addColumn("figures_to", "text")
    .addColumn("status", "text", (col) => col.notNull().check(sql`status in ('draft', 'published')`))
    .addColumn("published_on", "text")
    .addColumn("published_at", "text")
    .addColumn("created_by", "text", (col) => col.notNull())
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("priority_statements_published")
    .on("priority_statements")
    .columns(["status", "published_on"])
    .execute();
}
