import { sql, type Kysely } from "kysely";
import { addIdColumn } from "./helpers.js";

// Frozen: a migration never changes once released. The HMICFRS inspections register (issue 6).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await addIdColumn(db, db.schema.createTable("inspections"))
    .addColumn("kind", "text", (col) =>
      col
        .notNull()
        .check(
          sql`kind in ('peel', 'national_thematic', 'victim_service_assessment', 'victim_service_revisit', 'serious_organised_crime', 'custody', 'other')`,
        ),
    )
    .addColumn("title", "text", (col) => col.notNull())
    .addColumn("published_on", "text", (col) => col.notNull())
    .addColumn("report_url", "text")
    .addColumn("scope", "text")
    .addColumn("is_sample", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("inspections_kind_published")
    .on("inspections")
    .columns(["kind", "published_on"])
    .execute();

  await addIdColumn(db, db.schema.createTable("peel_grades"))
    .addColumn("inspection_id", "integer", (col) =>
      col.notNull().references("inspections.id").onDelete("cascade"),
    )
    .addColumn("question_area", "text", (col) => col.notNull())
    .addColumn("grade", "text", (col) =>
      col
        .notNull()
        .check(sql`grade in ('outstanding', 'good', 'adequate', 'requires_improvement', 'inadequate')`),
    )
    .addUniqueConstraint("peel_grades_inspection_area", ["inspection_id", "question_area"])
    .execute();

  await addIdColumn(db, db.schema.createTable("inspection_findings"))
    .addColumn("inspection_id", "integer", (col) =>
      col.notNull().references("inspections.id").onDelete("cascade"),
    )
    .addColumn("kind", "text", (col) =>
      col
        .notNull()
        .check(
          sql`kind in ('cause_of_concern', 'recommendation', 'area_for_improvement', 'national_recommendation', 'other')`,
        ),
    )
    .addColumn("parent_id", "integer", (col) => col.references("inspection_findings.id"))
    .addColumn("reference", "text", (col) => col.notNull())
    .addColumn("text", "text", (col) => col.notNull())
    .addColumn("owner", "text")
    .addColumn("target_date", "text")
    .addColumn("status", "text", (col) =>
      col
        .notNull()
        .check(sql`status in ('open', 'in_progress', 'ready_for_closure', 'closed', 'superseded')`),
    )
    .addColumn("closed_by", "text", (col) => col.check(sql`closed_by in ('hmicfrs', 'force')`))
    .addColumn("closure_decided_by", "text")
    .addColumn("superseded_by_id", "integer", (col) => col.references("inspection_findings.id"))
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .addUniqueConstraint("inspection_findings_reference", ["inspection_id", "reference"])
    .execute();
  await db.schema
    .createIndex("inspection_findings_status")
    .on("inspection_findings")
    .column("status")
    .execute();

  await addIdColumn(db, db.schema.createTable("finding_status_changes"))
    .addColumn("finding_id", "integer", (col) =>
      col.notNull().references("inspection_findings.id").onDelete("cascade"),
    )
    .addColumn("from_status", "text", (col) => col.notNull())
    .addColumn("to_status", "text", (col) => col.notNull())
    .addColumn("reason", "text")
    .addColumn("user_id", "integer", (col) => col.references("users.id"))
    .addColumn("actor", "text", (col) => col.notNull())
    .addColumn("at", "text", (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex("finding_status_changes_finding")
    .on("finding_status_changes")
    .column("finding_id")
    .execute();

  await addIdColumn(db, db.schema.createTable("finding_updates"))
    .addColumn("finding_id", "integer", (col) =>
      col.notNull().references("inspection_findings.id").onDelete("cascade"),
    )
    .addColumn("update_date", "text", (col) => col.notNull())
    .addColumn("narrative", "text", (col) => col.notNull())
    .addColumn("rag", "text", (col) => col.notNull().check(sql`rag in ('red', 'amber', 'green')`))
    .addColumn("evidence", "text")
    .addColumn("evidence_url", "text")
    // An attached file, stored under a random name in the uploads folder (the meetings' paper-file rules).
    .addColumn("evidence_file_name", "text")
    .addColumn("evidence_stored_name", "text")
    .addColumn("evidence_media_type", "text")
    .addColumn("evidence_size_bytes", "integer")
    .addColumn("user_id", "integer", (col) => col.references("users.id"))
    .addColumn("author", "text", (col) => col.notNull())
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("assessment", "text", (col) =>
      col.check(sql`assessment in ('assured', 'partially_assured', 'not_assured')`),
    )
    .addColumn("assessment_reason", "text")
    .addColumn("assessed_by", "text")
    .addColumn("assessed_at", "text")
    .execute();
  await db.schema
    .createIndex("finding_updates_finding_created")
    .on("finding_updates")
    .columns(["finding_id", "created_at"])
    .execute();

  await addIdColumn(db, db.schema.createTable("finding_links"))
    .addColumn("finding_id", "integer", (col) =>
      col.notNull().references("inspection_findings.id").onDelete("cascade"),
    )
    // Measures live in the measures module, keyed by text: no foreign key across modules.
    .addColumn("measure_id", "text")
    // No foreign key: the meetings' agenda_items table lands in another migration, possibly after this one.
    .addColumn("agenda_item_id", "integer")
    .addColumn("note", "text")
    .addColumn("created_at", "text", (col) => col.notNull())
    .execute();
  await db.schema.createIndex("finding_links_finding").on("finding_links").column("finding_id").execute();

  await addIdColumn(db, db.schema.createTable("pcc_responses"))
    .addColumn("inspection_id", "integer", (col) =>
      col.notNull().unique().references("inspections.id").onDelete("cascade"),
    )
    .addColumn("introduction", "text", (col) => col.notNull())
    .addColumn("published_at", "text")
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();

  await addIdColumn(db, db.schema.createTable("pcc_response_items"))
    .addColumn("response_id", "integer", (col) =>
      col.notNull().references("pcc_responses.id").onDelete("cascade"),
    )
    .addColumn("finding_id", "integer", (col) =>
      col.notNull().references("inspection_findings.id").onDelete("cascade"),
    )
    .addColumn("action", "text", (col) => col.notNull())
    .addUniqueConstraint("pcc_response_items_finding", ["response_id", "finding_id"])
    .execute();
}
