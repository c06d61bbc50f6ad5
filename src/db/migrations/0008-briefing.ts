import { sql, type Kysely } from "kysely";
import { addIdColumn } from "./helpers.js";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// The briefing pack for the chair: the suggested lines of enquiry generated from a meeting's agenda, each kept
// (suggested, accepted or dropped) so regenerating the pack never asks the officer to decide twice.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await addIdColumn(db, db.schema.createTable("briefing_suggestions"))
    .addColumn("meeting_id", "integer", (col) => col.notNull().references("meetings.id").onDelete("cascade"))
    .addColumn("meeting_item_id", "integer", (col) =>
      col.notNull().references("meeting_items.id").onDelete("cascade"),
    )
    .addColumn("kind", "text", (col) => col.notNull())
    // What prompted it, e.g. "measure:calls.101-abandonment:spc-concern:2025-09", "action:12", "paper-request:3:missing".
    .addColumn("source_ref", "text", (col) => col.notNull())
    .addColumn("figure", "text", (col) => col.notNull())
    .addColumn("text", "text", (col) => col.notNull())
    .addColumn("status", "text", (col) =>
      col.notNull().check(sql`status in ('suggested', 'accepted', 'dropped')`),
    )
    .addColumn("line_of_enquiry_id", "integer", (col) =>
      col.references("lines_of_enquiry.id").onDelete("set null"),
    )
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .addUniqueConstraint("briefing_suggestions_source", ["meeting_id", "source_ref"])
    .execute();
  await db.schema
    .createIndex("briefing_suggestions_item")
    .on("briefing_suggestions")
    .column("meeting_item_id")
    .execute();
}
