import type { Kysely } from "kysely";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// Rollups of the street crimes, smaller than crime_monthly_counts, maintained by the ingest with the
// force-month they summarise: by LSOA and crime type (hot spots), by crime type (counts and measure
// series for a force), by crime type and last outcome (outcome shares). Each index holds every column
// its queries read. An existing database gets them filled from the rows already loaded.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("crime_lsoa_counts")
    .addColumn("force_id", "text", (col) => col.notNull())
    .addColumn("month", "text", (col) => col.notNull())
    .addColumn("lsoa_code", "text")
    .addColumn("crime_type_id", "integer", (col) => col.notNull())
    .addColumn("count", "integer", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("crime_lsoa_counts_force_type_month")
    .on("crime_lsoa_counts")
    .columns(["force_id", "crime_type_id", "month", "lsoa_code", "count"])
    .execute();

  await db.schema
    .createTable("crime_type_counts")
    .addColumn("force_id", "text", (col) => col.notNull())
    .addColumn("month", "text", (col) => col.notNull())
    .addColumn("crime_type_id", "integer", (col) => col.notNull())
    .addColumn("count", "integer", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("crime_type_counts_force_month_type")
    .on("crime_type_counts")
    .columns(["force_id", "month", "crime_type_id", "count"])
    .execute();

  await db.schema
    .createTable("crime_outcome_counts")
    .addColumn("force_id", "text", (col) => col.notNull())
    .addColumn("month", "text", (col) => col.notNull())
    .addColumn("crime_type_id", "integer", (col) => col.notNull())
    .addColumn("last_outcome_id", "integer")
    .addColumn("count", "integer", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("crime_outcome_counts_force_month_type")
    .on("crime_outcome_counts")
    .columns(["force_id", "month", "crime_type_id", "last_outcome_id", "count"])
    .execute();

  await db
    .insertInto("crime_lsoa_counts")
    .columns(["force_id", "month", "lsoa_code", "crime_type_id", "count"])
    .expression(
      db
        .selectFrom("crime_street_crimes")
        .select((eb) => ["force_id", "month", "lsoa_code", "crime_type_id", eb.fn.countAll().as("count")])
        .groupBy(["force_id", "month", "lsoa_code", "crime_type_id"]),
    )
    .execute();
  await db
    .insertInto("crime_type_counts")
    .columns(["force_id", "month", "crime_type_id", "count"])
    .expression(
      db
        .selectFrom("crime_monthly_counts")
        .select((eb) => ["force_id", "month", "crime_type_id", eb.fn.sum("count").as("count")])
        .groupBy(["force_id", "month", "crime_type_id"]),
    )
    .execute();
  await db
    .insertInto("crime_outcome_counts")
    .columns(["force_id", "month", "crime_type_id", "last_outcome_id", "count"])
    .expression(
      db
        .selectFrom("crime_monthly_counts")
        .select((eb) => [
          "force_id",
          "month",
          "crime_type_id",
          "last_outcome_id",
          eb.fn.sum("count").as("count"),
        ])
        .groupBy(["force_id", "month", "crime_type_id", "last_outcome_id"]),
    )
    .execute();
}
