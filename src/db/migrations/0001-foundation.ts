import { sql, type Kysely } from "kysely";
import { addIdColumn, isPostgres } from "./helpers.js";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("app_settings")
    .addColumn("key", "text", (col) => col.primaryKey())
    .addColumn("value", "text", (col) => col.notNull())
    .execute();

  await addIdColumn(db, db.schema.createTable("users"))
    .addColumn("email", "text", (col) => col.notNull().unique())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("role", "text", (col) => col.notNull().check(sql`role in ('admin', 'opcc', 'force', 'panel')`))
    .addColumn("password_hash", "text", (col) => col.notNull())
    .addColumn("must_change_password", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("disabled_at", "text")
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id_hash", "text", (col) => col.primaryKey())
    .addColumn("data", "text", (col) => col.notNull())
    .addColumn("user_id", "integer", (col) => col.references("users.id").onDelete("cascade"))
    .addColumn("expires_at", "text", (col) => col.notNull())
    .addColumn("created_at", "text", (col) => col.notNull())
    .execute();
  await db.schema.createIndex("sessions_expires_at").on("sessions").column("expires_at").execute();

  await addIdColumn(db, db.schema.createTable("sign_in_failures"))
    .addColumn("email", "text", (col) => col.notNull())
    .addColumn("ip", "text", (col) => col.notNull())
    .addColumn("at", "text", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("sign_in_failures_email_at")
    .on("sign_in_failures")
    .columns(["email", "at"])
    .execute();
  await db.schema
    .createIndex("sign_in_failures_ip_at")
    .on("sign_in_failures")
    .columns(["ip", "at"])
    .execute();

  await addIdColumn(db, db.schema.createTable("audit_log"))
    .addColumn("at", "text", (col) => col.notNull())
    .addColumn("user_id", "integer", (col) => col.references("users.id"))
    .addColumn("actor", "text", (col) => col.notNull())
    .addColumn("ip", "text")
    .addColumn("action", "text", (col) => col.notNull())
    .addColumn("entity_type", "text", (col) => col.notNull())
    .addColumn("entity_id", "text", (col) => col.notNull())
    .addColumn("before_json", "text")
    .addColumn("after_json", "text")
    // Each row's hash covers its fields and the previous row's hash, so a changed or removed row breaks the chain.
    .addColumn("prev_hash", "text")
    .addColumn("hash", "text", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("audit_log_entity")
    .on("audit_log")
    .columns(["entity_type", "entity_id"])
    .execute();
  await db.schema.createIndex("audit_log_at").on("audit_log").column("at").execute();

  // The audit log is append-only in the database itself, not only by convention in the code.
  if (isPostgres(db)) {
    await sql`
      create function audit_log_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_log is append-only';
      end $$`.execute(db);
    await sql`
      create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function audit_log_refuse_change()`.execute(db);
  } else {
    await sql`
      create trigger audit_log_no_update before update on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
    await sql`
      create trigger audit_log_no_delete before delete on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
  }
}
