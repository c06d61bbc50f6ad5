import type { Kysely } from "kysely";
import { addIdColumn } from "./helpers.js";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// The bulk tables (street crimes, outcome events, stop and searches) have no foreign keys and no id
// of their own: they are written only by the ingest, a whole force-month at a time, and per-row
// checks would slow it. The dictionaries they point into are filled by the same transaction.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("crime_forces")
    .addColumn("id", "text", (col) => col.primaryKey())
    .addColumn("name", "text", (col) => col.notNull())
    .execute();

  await db.schema
    .createTable("crime_lsoas")
    .addColumn("code", "text", (col) => col.primaryKey())
    .addColumn("name", "text")
    .addColumn("local_authority_code", "text")
    .execute();

  await addIdColumn(db, db.schema.createTable("crime_types"))
    .addColumn("label", "text", (col) => col.notNull().unique())
    .execute();

  await addIdColumn(db, db.schema.createTable("crime_outcome_categories"))
    .addColumn("label", "text", (col) => col.notNull().unique())
    .execute();

  await db.schema
    .createTable("crime_street_crimes")
    .addColumn("force_id", "text", (col) => col.notNull())
    .addColumn("month", "text", (col) => col.notNull())
    .addColumn("crime_id", "text")
    .addColumn("lsoa_code", "text")
    .addColumn("longitude", "double precision")
    .addColumn("latitude", "double precision")
    .addColumn("location", "text", (col) => col.notNull())
    .addColumn("crime_type_id", "integer", (col) => col.notNull())
    .addColumn("last_outcome_id", "integer")
    .addColumn("context", "text")
    .execute();
  await db.schema
    .createIndex("crime_street_crimes_force_month")
    .on("crime_street_crimes")
    .columns(["force_id", "month"])
    .execute();

  // One row per distinct (crime, outcome) in a month: the published files repeat some rows.
  await db.schema
    .createTable("crime_outcome_events")
    .addColumn("force_id", "text", (col) => col.notNull())
    .addColumn("month", "text", (col) => col.notNull())
    .addColumn("crime_id", "text", (col) => col.notNull())
    .addColumn("outcome_id", "integer", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("crime_outcome_events_unique")
    .on("crime_outcome_events")
    .columns(["force_id", "month", "crime_id", "outcome_id"])
    .unique()
    .execute();

  await db.schema
    .createTable("crime_stop_searches")
    .addColumn("force_id", "text", (col) => col.notNull())
    .addColumn("month", "text", (col) => col.notNull())
    .addColumn("searched_at", "text", (col) => col.notNull())
    .addColumn("type", "text", (col) => col.notNull())
    .addColumn("part_of_policing_operation", "integer")
    .addColumn("policing_operation", "text")
    .addColumn("latitude", "double precision")
    .addColumn("longitude", "double precision")
    .addColumn("gender", "text")
    .addColumn("age_range", "text")
    .addColumn("self_defined_ethnicity", "text")
    .addColumn("officer_defined_ethnicity", "text")
    .addColumn("legislation", "text")
    .addColumn("object_of_search", "text")
    .addColumn("outcome", "text")
    .addColumn("outcome_linked_to_object_of_search", "integer")
    .addColumn("removal_of_more_than_outer_clothing", "integer")
    .execute();
  await db.schema
    .createIndex("crime_stop_searches_force_month")
    .on("crime_stop_searches")
    .columns(["force_id", "month"])
    .execute();

  // Street crimes counted at ingest, so that reports never scan the raw rows. Local authority is
  // null for "No Location" crimes and LSOAs whose name predates a boundary change.
  await db.schema
    .createTable("crime_monthly_counts")
    .addColumn("force_id", "text", (col) => col.notNull())
    .addColumn("month", "text", (col) => col.notNull())
    .addColumn("local_authority_code", "text")
    .addColumn("crime_type_id", "integer", (col) => col.notNull())
    .addColumn("last_outcome_id", "integer")
    .addColumn("count", "integer", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("crime_monthly_counts_force_month")
    .on("crime_monthly_counts")
    .columns(["force_id", "month", "crime_type_id"])
    .execute();

  await addIdColumn(db, db.schema.createTable("crime_ingests"))
    .addColumn("file_name", "text", (col) => col.notNull())
    .addColumn("sha256", "text", (col) => col.notNull())
    .addColumn("kind", "text", (col) => col.notNull())
    .addColumn("force_id", "text", (col) => col.notNull())
    .addColumn("month", "text", (col) => col.notNull())
    .addColumn("rows_accepted", "integer", (col) => col.notNull())
    .addColumn("rows_rejected", "integer", (col) => col.notNull())
    .addColumn("duplicate_rows", "integer", (col) => col.notNull())
    .addColumn("rejected_lines_json", "text")
    .addColumn("duration_ms", "integer", (col) => col.notNull())
    .addColumn("user_id", "integer", (col) => col.references("users.id"))
    .addColumn("actor", "text", (col) => col.notNull())
    .addColumn("ingested_at", "text", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("crime_ingests_ingested_at")
    .on("crime_ingests")
    .column("ingested_at")
    .execute();
}
