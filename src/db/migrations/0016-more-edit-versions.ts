import type { Kysely } from "kysely";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// A version on more records two people may edit at once: an inspection's details, a finding, the PCC's response
// to an inspection (its introduction and its comment on each finding) and a statement on the national
// priorities. Every save bumps it, so a form opened before someone else's save cannot overwrite it.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ["inspections", "inspection_findings", "pcc_responses", "priority_statements"]) {
    await db.schema
      .alterTable(table)
      .addColumn("version", "integer", (col) => col.notNull().defaultTo(1))
      .execute();
  }
}
