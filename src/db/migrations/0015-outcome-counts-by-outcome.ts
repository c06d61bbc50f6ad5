import type { Kysely } from "kysely";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// An outcome share's numerator (say, charges and summons) is a few outcomes of each force-month: led by
// the outcome, the index reads those rows alone, where the (force, month, type, outcome) one reads them all.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("crime_outcome_counts_force_outcome_type")
    .on("crime_outcome_counts")
    .columns(["force_id", "last_outcome_id", "crime_type_id", "month", "count"])
    .execute();
}
