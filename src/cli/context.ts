import { userInfo } from "node:os";
import { openMigratedDatabase } from "../bootstrap.js";
import { parseConfig } from "../config.js";
import type { Db } from "../db/database.js";
import type { Actor } from "../modules/audit/actor.js";

/** The person at the terminal, as the audit log records CLI changes. */
export const cliActor: Actor = { userId: null, label: `cli (${safeUserName()})`, ip: null };

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/** Runs a command against the configured database, closing it however the command ends. */
export async function withDatabase(work: (db: Db) => Promise<void>): Promise<void> {
  const db = await openMigratedDatabase(parseConfig(process.env));
  try {
    await work(db);
  } finally {
    await db.destroy();
  }
}
