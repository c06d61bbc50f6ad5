import type { Config } from "./config.js";
import { openDatabase, type Db } from "./db/database.js";
import { migrateToLatest } from "./db/migrate.js";
import { syncOutcomeGroups } from "./modules/crime/crime.repository.js";

/**
 * Opens the configured database and brings its schema up to date, and the outcome groups stored with
 * the data in step with the code's mapping: what every entry point does first.
 */
export async function openMigratedDatabase(config: Config): Promise<Db> {
  const db = openDatabase(config.DATABASE_URL);
  try {
    await migrateToLatest(db);
    await syncOutcomeGroups(db.kysely);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
