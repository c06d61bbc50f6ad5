import { sql, type Kysely } from "kysely";
import { addIdColumn } from "./helpers.js";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // The catalogue: every figure Scrutineer shows is one of these.
  await db.schema
    .createTable("measures")
    .addColumn("id", "text", (col) => col.primaryKey())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("definition", "text", (col) => col.notNull())
    .addColumn("unit", "text", (col) =>
      col.notNull().check(sql`unit in ('count', 'rate per 1,000', '%', 'seconds', 'minutes', 'days', '£')`),
    )
    .addColumn("polarity", "text", (col) =>
      col.notNull().check(sql`polarity in ('higher is better', 'lower is better', 'neutral')`),
    )
    .addColumn("frequency", "text", (col) =>
      col.notNull().check(sql`frequency in ('weekly', 'monthly', 'quarterly')`),
    )
    .addColumn("source", "text", (col) =>
      col.notNull().check(sql`source in ('data.police.uk', 'force return', 'manual')`),
    )
    .addColumn("national_priority", "text")
    .addColumn("local_priority", "text")
    .addColumn("target", "real")
    // data.police.uk measures: which crime types, outcome groups or searches they count (JSON).
    .addColumn("query_json", "text")
    .addColumn("published", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();

  await addIdColumn(db, db.schema.createTable("measure_imports"))
    .addColumn("file_name", "text", (col) => col.notNull())
    .addColumn("row_count", "integer", (col) => col.notNull())
    .addColumn("imported_by", "text", (col) => col.notNull())
    .addColumn("imported_at", "text", (col) => col.notNull())
    .execute();

  // Force-return and manual values; data.police.uk measures are read from the crime aggregates instead.
  await addIdColumn(db, db.schema.createTable("measure_values"))
    .addColumn("measure_id", "text", (col) => col.notNull().references("measures.id").onDelete("cascade"))
    .addColumn("period", "text", (col) => col.notNull())
    .addColumn("period_start", "text", (col) => col.notNull())
    .addColumn("period_end", "text", (col) => col.notNull())
    .addColumn("area_type", "text", (col) =>
      col.notNull().check(sql`area_type in ('force', 'lpa', 'local_authority')`),
    )
    .addColumn("area_code", "text", (col) => col.notNull())
    .addColumn("value", "real", (col) => col.notNull())
    .addColumn("numerator", "real")
    .addColumn("denominator", "real")
    .addColumn("note", "text")
    .addColumn("import_id", "integer", (col) => col.references("measure_imports.id"))
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .addUniqueConstraint("measure_values_one_per_period_area", [
      "measure_id",
      "area_type",
      "area_code",
      "period_start",
    ])
    .execute();

  await addIdColumn(db, db.schema.createTable("measure_annotations"))
    .addColumn("measure_id", "text", (col) => col.notNull().references("measures.id").onDelete("cascade"))
    .addColumn("date", "text", (col) => col.notNull())
    .addColumn("text", "text", (col) => col.notNull())
    // 1: the SPC limits are recalculated from the period containing this date.
    .addColumn("rebase", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("created_by", "text", (col) => col.notNull())
    .addColumn("created_at", "text", (col) => col.notNull())
    .execute();
  // A data.police.uk measure's series sums a force's monthly counts over chosen crime types: an index
  // holding every column it reads answers that without touching the table (about 3 times faster).
  await db.schema
    .createIndex("crime_monthly_counts_measure_series")
    .on("crime_monthly_counts")
    .columns(["force_id", "month", "crime_type_id", "last_outcome_id", "local_authority_code", "count"])
    .execute();

  await db.schema
    .createIndex("measure_annotations_measure_date")
    .on("measure_annotations")
    .columns(["measure_id", "date"])
    .execute();
}
