import type { Kysely } from "kysely";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// Each outcome category carries the outcome group our mapping puts it in, so that a query can ask for a group's
// categories in SQL instead of reading every label first (a round trip on PostgreSQL). The groups are filled in
// and kept in step with the code's mapping at start-up (syncOutcomeGroups), not here.
// The months a force has loaded are read from the ingest log on every series: an index for that read.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("crime_outcome_categories").addColumn("outcome_group", "text").execute();
  await db.schema
    .createIndex("crime_ingests_force_kind_month")
    .on("crime_ingests")
    .columns(["force_id", "kind", "month"])
    .execute();
}
