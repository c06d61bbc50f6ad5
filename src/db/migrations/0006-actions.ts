import { sql, type Kysely } from "kysely";
import { addIdColumn } from "./helpers.js";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// The action tracker: actions raised at meeting items, their owners and their dated updates.

const ACTION_STATUSES = sql`('open', 'in-progress', 'awaiting-review', 'closed')`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // The last number given in each year; bumping this row is what serialises two actions created at once.
  await db.schema
    .createTable("action_number_counters")
    .addColumn("year", "integer", (col) => col.primaryKey())
    .addColumn("last_number", "integer", (col) => col.notNull())
    .execute();

  await addIdColumn(db, db.schema.createTable("actions"))
    .addColumn("year", "integer", (col) => col.notNull())
    .addColumn("number", "integer", (col) => col.notNull().check(sql`number > 0`))
    // An item may be deleted with its meeting; the action and its date stay on the record.
    .addColumn("meeting_item_id", "integer", (col) => col.references("meeting_items.id").onDelete("set null"))
    .addColumn("raised_on", "text", (col) => col.notNull())
    .addColumn("description", "text", (col) => col.notNull())
    .addColumn("due_date", "text")
    .addColumn("status", "text", (col) => col.notNull().check(sql`status in ${ACTION_STATUSES}`))
    .addColumn("closed_at_meeting_id", "integer", (col) => col.references("meetings.id").onDelete("set null"))
    .addColumn("closed_on", "text")
    // Bumped by every change, so a form opened before someone else's save cannot overwrite it.
    .addColumn("version", "integer", (col) => col.notNull().defaultTo(1))
    .addColumn("created_by", "integer", (col) => col.references("users.id"))
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("actions_year_number")
    .on("actions")
    .columns(["year", "number"])
    .unique()
    .execute();
  await db.schema.createIndex("actions_meeting_item").on("actions").column("meeting_item_id").execute();
  await db.schema.createIndex("actions_status_due").on("actions").columns(["status", "due_date"]).execute();

  // An owner is a person, a role as written ("T/DCC"), or both; `user_id` is the account that may update it.
  await addIdColumn(db, db.schema.createTable("action_owners"))
    .addColumn("action_id", "integer", (col) => col.notNull().references("actions.id").onDelete("cascade"))
    .addColumn("person_id", "integer", (col) => col.references("people.id"))
    .addColumn("role_text", "text")
    .addColumn("user_id", "integer", (col) => col.references("users.id"))
    .addColumn("position", "integer", (col) => col.notNull())
    .addCheckConstraint(
      "action_owners_someone",
      sql`person_id is not null or role_text is not null or user_id is not null`,
    )
    .execute();
  await db.schema.createIndex("action_owners_action").on("action_owners").column("action_id").execute();
  await db.schema.createIndex("action_owners_user").on("action_owners").column("user_id").execute();
  await db.schema.createIndex("action_owners_person").on("action_owners").column("person_id").execute();

  await addIdColumn(db, db.schema.createTable("action_updates"))
    .addColumn("action_id", "integer", (col) => col.notNull().references("actions.id").onDelete("cascade"))
    .addColumn("updated_on", "text", (col) => col.notNull())
    .addColumn("note", "text", (col) => col.notNull())
    .addColumn("status_before", "text", (col) =>
      col.notNull().check(sql`status_before in ${ACTION_STATUSES}`),
    )
    .addColumn("status_after", "text", (col) => col.notNull().check(sql`status_after in ${ACTION_STATUSES}`))
    // Evidence the action asked for: what it is (a delivery plan, an audit result) and where to read it.
    .addColumn("evidence_text", "text")
    .addColumn("evidence_url", "text")
    // An attached file, stored under a random name like the meetings' papers; the original name only for display.
    .addColumn("evidence_file_name", "text")
    .addColumn("evidence_stored_name", "text", (col) => col.unique())
    .addColumn("evidence_media_type", "text")
    .addColumn("evidence_size_bytes", "integer")
    .addColumn("review_meeting_id", "integer", (col) => col.references("meetings.id").onDelete("set null"))
    .addColumn("author_user_id", "integer", (col) => col.references("users.id"))
    .addColumn("author_label", "text", (col) => col.notNull())
    .addColumn("created_at", "text", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("action_updates_action_date")
    .on("action_updates")
    .columns(["action_id", "updated_on"])
    .execute();
  await db.schema.createIndex("action_updates_date").on("action_updates").column("updated_on").execute();
}
