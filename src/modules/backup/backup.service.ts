import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, readdir, rename, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { promisify } from "node:util";
import SQLite from "better-sqlite3";
import { dialectOf } from "../../db/database.js";
import { AppError } from "../../lib/errors.js";

const run = promisify(execFile);

export interface BackupTarget {
  /** The database, as DATABASE_URL names it. */
  url: string;
  /** PostgreSQL only: limit the dump to this schema (tests keep one schema per file). */
  schema?: string | undefined;
}

/**
 * A consistent copy of the live database: SQLite's online backup API (the app may keep running), or pg_dump's
 * custom format for PostgreSQL (a snapshot taken in one transaction).
 */
export async function backupDatabase(target: BackupTarget, file: string): Promise<void> {
  const destination = resolve(file);
  if (dialectOf(target.url) === "sqlite") {
    const source = new SQLite(sqlitePath(target.url), { fileMustExist: true });
    try {
      await source.backup(destination);
    } finally {
      source.close();
    }
    return;
  }
  await run("pg_dump", [
    "--format=custom",
    "--no-owner",
    `--file=${destination}`,
    ...(target.schema ? [`--schema=${target.schema}`] : []),
    `--dbname=${target.url}`,
  ]);
}

/**
 * Puts a backup back, whole or not at all: SQLite's backup API copies it page by page under the database's
 * own locks; pg_restore runs in a single transaction. The backup is checked before anything is touched.
 */
export async function restoreDatabase(target: BackupTarget, file: string): Promise<void> {
  const source = resolve(file);
  if (!existsSync(source)) throw new AppError(`No backup file at ${source}`, "not_found", 1);
  if (dialectOf(target.url) === "sqlite") {
    const backup = openSqliteBackup(source);
    try {
      await backup.backup(sqlitePath(target.url));
    } finally {
      backup.close();
    }
    return;
  }
  await run("pg_restore", [
    "--clean",
    "--if-exists",
    "--single-transaction",
    "--no-owner",
    `--dbname=${target.url}`,
    source,
  ]);
}

function sqlitePath(url: string): string {
  return resolve(url.slice("sqlite:".length));
}

function openSqliteBackup(file: string): SQLite.Database {
  let backup: SQLite.Database;
  try {
    backup = new SQLite(file, { readonly: true, fileMustExist: true });
    const integrity = backup.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") throw new Error(`integrity check says: ${String(integrity)}`);
  } catch (error) {
    throw new AppError(
      `${file} is not a usable Scrutineer SQLite backup (${error instanceof Error ? error.message : String(error)})`,
      "bad_backup",
      1,
    );
  }
  const hasAuditLog = backup
    .prepare("select 1 from sqlite_master where type = 'table' and name = 'audit_log'")
    .get();
  if (!hasAuditLog) {
    backup.close();
    throw new AppError(
      `${file} is an SQLite database but not a Scrutineer backup (no audit_log table)`,
      "bad_backup",
      1,
    );
  }
  return backup;
}

/**
 * Where a backup keeps the uploaded files (papers, evidence): a folder beside it, `FILE.uploads`. The database
 * names them; without them a restored paper would be a record with nothing to download.
 */
export const uploadsCopyOf = (file: string) => `${resolve(file)}.uploads`;

/** Refuses, before anything is written, a backup that would mix with the uploads copied for an earlier one. */
export function checkUploadsCopyFree(file: string): void {
  if (existsSync(uploadsCopyOf(file)))
    throw new AppError(`${uploadsCopyOf(file)} already exists: give the backup a new name`, "exists", 1);
}

/** Copies the upload folder beside the backup; the number of files copied (none if there is no folder). */
export async function backupUploads(uploadDir: string, file: string): Promise<number> {
  if (!existsSync(uploadDir)) return 0;
  await cp(uploadDir, uploadsCopyOf(file), { recursive: true, errorOnExist: true, force: false });
  return countFiles(uploadsCopyOf(file));
}

/**
 * Puts the backup's uploads in place of the upload folder: copied beside it first, then swapped in by renaming,
 * so a failed copy leaves the folder as it was. Null when the backup has no uploads beside it (left alone).
 */
export async function restoreUploads(uploadDir: string, file: string): Promise<number | null> {
  const source = uploadsCopyOf(file);
  if (!existsSync(source)) return null;
  const folder = resolve(uploadDir);
  const staging = `${folder}.restoring`;
  const replaced = `${folder}.replaced`;
  await rm(staging, { recursive: true, force: true });
  await cp(source, staging, { recursive: true });
  await rm(replaced, { recursive: true, force: true });
  if (existsSync(folder)) await rename(folder, replaced);
  await rename(staging, folder);
  await rm(replaced, { recursive: true, force: true });
  return countFiles(folder);
}

async function countFiles(folder: string): Promise<number> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).length;
}
