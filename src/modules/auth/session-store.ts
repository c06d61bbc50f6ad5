import { createHash } from "node:crypto";
import type { SessionStore } from "@fastify/session";
import type { Session } from "fastify";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { nowIso } from "../../lib/time.js";

type Callback = (err?: unknown) => void;
type CallbackSession = (err: unknown, result?: Session | null) => void;

const hashId = (sessionId: string) => createHash("sha256").update(sessionId).digest("hex");

/**
 * Sessions live in the database so that several app processes on one PostgreSQL share them.
 * Rows are keyed by a hash of the session id: a leaked copy of the table is no set of cookies.
 */
export class DatabaseSessionStore implements SessionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly idleSeconds: number,
  ) {}

  set(sessionId: string, session: Session, callback: Callback): void {
    const now = nowIso();
    const expiresAt = new Date(Date.now() + this.idleSeconds * 1000).toISOString();
    const row = {
      id_hash: hashId(sessionId),
      data: JSON.stringify(session),
      user_id: session.userId ?? null,
      expires_at: expiresAt,
      created_at: now,
    };
    this.db
      .insertInto("sessions")
      .values(row)
      .onConflict((oc) =>
        oc
          .column("id_hash")
          .doUpdateSet({ data: row.data, user_id: row.user_id, expires_at: row.expires_at }),
      )
      .execute()
      .then(() => callback(), callback);
  }

  get(sessionId: string, callback: CallbackSession): void {
    this.db
      .selectFrom("sessions")
      .select(["data", "expires_at"])
      .where("id_hash", "=", hashId(sessionId))
      .executeTakeFirst()
      .then((row) => {
        if (!row || row.expires_at <= nowIso()) return callback(null, null);
        callback(null, JSON.parse(row.data) as Session);
      }, callback);
  }

  destroy(sessionId: string, callback: Callback): void {
    this.db
      .deleteFrom("sessions")
      .where("id_hash", "=", hashId(sessionId))
      .execute()
      .then(() => callback(), callback);
  }
}

export async function deleteExpiredSessions(db: Kysely<Database>): Promise<number> {
  const result = await db.deleteFrom("sessions").where("expires_at", "<=", nowIso()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
