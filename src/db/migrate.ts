import { Migrator, type MigrationResultSet } from "kysely";
import type { Db } from "./database.js";
import { migrations } from "./migrations/index.js";

/** Brings the schema up to date. Kysely's migration lock makes a second process wait rather than race. */
export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    // Named explicitly: Kysely looks for its tables across all schemas, and tests run one schema per file.
    ...(db.schema ? { migrationTableSchema: db.schema } : {}),
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(
      `Migration ${failed} failed: ${result.error instanceof Error ? result.error.message : JSON.stringify(result.error)}`,
      { cause: result.error },
    );
  }
  return result;
}
