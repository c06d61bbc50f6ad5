import type { Command } from "commander";
import { parseConfig } from "../../config.js";
import { dialectOf, postgresSchemaIn } from "../../db/database.js";
import {
  backupDatabase,
  backupUploads,
  checkUploadsCopyFree,
  restoreDatabase,
  restoreUploads,
  uploadsCopyOf,
  type BackupTarget,
} from "./backup.service.js";

function target(): BackupTarget {
  const url = parseConfig(process.env).DATABASE_URL;
  // A schema named in a PostgreSQL URL limits the dump, as it limits everything else.
  return { url, schema: dialectOf(url) === "postgres" ? postgresSchemaIn(url) : undefined };
}

const uploadDir = () => parseConfig(process.env).UPLOAD_DIR;

export function registerBackupCommands(program: Command): void {
  program
    .command("backup")
    .description(
      "write a consistent copy of the database to FILE (SQLite online backup, or pg_dump), and the uploaded " +
        "papers and evidence to the folder FILE.uploads",
    )
    .argument("<file>")
    .action(async (file: string) => {
      checkUploadsCopyFree(file);
      await backupDatabase(target(), file);
      // After the database: a file uploaded meanwhile is copied without its record, never a record without its file.
      const files = await backupUploads(uploadDir(), file);
      process.stdout.write(`Backed up to ${file}, and ${files} uploaded file(s) to ${uploadsCopyOf(file)}\n`);
    });
  program
    .command("restore")
    .description(
      "replace the database with the backup in FILE, whole or not at all, and the uploads with FILE.uploads; " +
        "stop the app first",
    )
    .argument("<file>")
    .action(async (file: string) => {
      await restoreDatabase(target(), file);
      const files = await restoreUploads(uploadDir(), file);
      process.stdout.write(
        files === null
          ? `Restored from ${file}; it has no uploads beside it, so the uploaded files were left as they are\n`
          : `Restored from ${file}, and ${files} uploaded file(s) from ${uploadsCopyOf(file)}\n`,
      );
    });
}
