import type { Command } from "commander";
import { parseConfig } from "../../config.js";
import { dialectOf, postgresSchemaIn } from "../../db/database.js";
import { backupDatabase, restoreDatabase, type BackupTarget } from "./backup.service.js";

function target(): BackupTarget {
  const url = parseConfig(process.env).DATABASE_URL;
  // A schema named in a PostgreSQL URL limits the dump, as it limits everything else.
  return { url, schema: dialectOf(url) === "postgres" ? postgresSchemaIn(url) : undefined };
}

export function registerBackupCommands(program: Command): void {
  program
    .command("backup")
    .description("write a consistent copy of the database to FILE (SQLite online backup, or pg_dump)")
    .argument("<file>")
    .action(async (file: string) => {
      await backupDatabase(target(), file);
      process.stdout.write(`Backed up to ${file}\n`);
    });
  program
    .command("restore")
    .description("replace the database with the backup in FILE, whole or not at all; stop the app first")
    .argument("<file>")
    .action(async (file: string) => {
      await restoreDatabase(target(), file);
      process.stdout.write(`Restored from ${file}\n`);
    });
}
