import type { Kysely } from "kysely";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// A version on the records two people may edit at once: an agenda item (its notes and details), a line of
// enquiry and a decision. Every save bumps it, so a form opened before someone else's save cannot overwrite it.
// (Actions carry their version since 0006-actions.)

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ["meeting_items", "lines_of_enquiry", "decisions"]) {
    await db.schema
      .alterTable(table)
      .addColumn("version", "integer", (col) => col.notNull().defaultTo(1))
      .execute();
  }
}
