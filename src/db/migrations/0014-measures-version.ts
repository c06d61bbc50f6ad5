import { sql, type Kysely } from "kysely";
import { isPostgres } from "./helpers.js";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// Every page that lists measures reads the whole catalogue. The app keeps it in memory while this version is
// unchanged; triggers bump it on every change to the measures table, whoever makes it (any process, the CLI,
// plain SQL), so a kept catalogue can never be out of date.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("measures_version")
    .addColumn("version", "integer", (col) => col.notNull())
    .execute();
  await db.insertInto("measures_version").values({ version: 0 }).execute();
  if (isPostgres(db)) {
    await sql`
      create function measures_version_bump() returns trigger language plpgsql as $$
      begin
        update measures_version set version = version + 1;
        return null;
      end $$`.execute(db);
    await sql`
      create trigger measures_version_bump after insert or update or delete or truncate on measures
      for each statement execute function measures_version_bump()`.execute(db);
  } else {
    for (const event of ["insert", "update", "delete"]) {
      await sql`
        create trigger ${sql.id(`measures_version_after_${event}`)} after ${sql.raw(event)} on measures
        begin update measures_version set version = version + 1; end`.execute(db);
    }
  }
}
