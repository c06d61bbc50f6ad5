import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { isPostgres } from "./helpers.js";

// Frozen: a migration never changes once released. It sees the database as `Kysely<any>`, not the app's types.
// A measure's series (its points, change, SPC, gaps and peer comparison) costs several statements and some
// milliseconds of CPU to work out, and every dashboard, report and API read asks for them again. The app keeps a
// series while this version is unchanged; triggers bump it on every change to a table a series is worked out
// from, whoever makes it (any process, the CLI, plain SQL), so a kept series can never be out of date:
// - measure_values and measure_annotations: a measure's values given and its notes (the measure itself is
//   read by the caller, and kept with its series);
// - msg_groups and msg_group_members: the forces it is compared with;
// - crime_ingests: every data.police.uk file loaded writes its row here in the transaction that replaces the
//   force-month's records and counts (nothing else writes those), so the counts change only with it;
// - crime_outcome_categories: which outcomes count in an outcome group.
// The version is a random token, not a count: a database restored from a backup, or another database that
// happens to have seen as many changes, cannot carry a version a process kept different figures under.
// The version row is locked from the trigger to the commit. An ingest writes its log row last, so ingests of
// different force-months wait for each other only for the moment between that write and their commit.

const tables = [
  "measure_values",
  "measure_annotations",
  "msg_groups",
  "msg_group_members",
  "crime_ingests",
  "crime_outcome_categories",
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("figures_version")
    .addColumn("version", "text", (col) => col.notNull())
    .execute();
  await db.insertInto("figures_version").values({ version: randomUUID() }).execute();
  if (isPostgres(db)) {
    await sql`
      create function figures_version_bump() returns trigger language plpgsql as $$
      begin
        update figures_version set version = gen_random_uuid()::text;
        return null;
      end $$`.execute(db);
    for (const table of tables) {
      await sql`
        create trigger ${sql.id(`${table}_figures_version_bump`)}
        after insert or update or delete or truncate on ${sql.table(table)}
        for each statement execute function figures_version_bump()`.execute(db);
    }
    return;
  }
  // SQLite has no statement triggers: a row trigger bumps it once a row, in the same transaction.
  for (const table of tables) {
    for (const event of ["insert", "update", "delete"]) {
      await sql`
        create trigger ${sql.id(`${table}_figures_version_after_${event}`)}
        after ${sql.raw(event)} on ${sql.table(table)}
        begin update figures_version set version = lower(hex(randomblob(16))); end`.execute(db);
    }
  }
}
