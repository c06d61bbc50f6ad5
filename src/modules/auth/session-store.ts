import { createHash } from "node:crypto";
import type { SessionStore } from "@fastify/session";
import type { Session } from "fastify";
import type { Kysely } from "kysely";
import type { Database, UserRow } from "../../db/schema.js";
import { isoMinusSeconds, nowIso } from "../../lib/time.js";

type Callback = (err?: unknown) => void;
type CallbackSession = (err: unknown, result?: Session | null) => void;

const hashId = (sessionId: string) => createHash("sha256").update(sessionId).digest("hex");

/** How many user rows read with sessions wait at most for their requests (see takeUser). */
const USERS_KEPT = 1000;

/**
 * Sessions live in the database so that several app processes on one PostgreSQL share them.
 * Rows are keyed by a hash of the session id: a leaked copy of the table is no set of cookies.
 * A session's user is read with it, in one statement, and handed to the request (takeUser): every
 * signed-in request needs both, and on PostgreSQL each statement is a round trip and the app's CPU
 * to send and parse it. A session ends after its idle time, or its lifetime from when it began (sign-in
 * starts a new one), whichever comes first.
 */
export class DatabaseSessionStore implements SessionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly idleSeconds: number,
    private readonly lifetimeSeconds: number,
  ) {}

  /** Session id → the user row read with it, until its request takes it. */
  private readonly usersRead = new Map<string, UserRow>();

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
      .leftJoin("users", "users.id", "sessions.user_id")
      .selectAll("users")
      .select(["sessions.data", "sessions.expires_at", "sessions.created_at"])
      .where("sessions.id_hash", "=", hashId(sessionId))
      .executeTakeFirst()
      .then((row) => {
        if (!row || row.expires_at <= nowIso() || row.created_at <= isoMinusSeconds(this.lifetimeSeconds))
          return callback(null, null);
        const { data, expires_at: _expiresAt, created_at: _createdAt, ...user } = row;
        if (user.id !== null) this.keepUser(sessionId, user as UserRow);
        callback(null, JSON.parse(data) as Session);
      }, callback);
  }

  /**
   * The user row read with the session by this request's `get`, or by a later one's: at least as fresh as a
   * read of its own. Undefined if another request on the session took it first, or if it is not this user's.
   */
  takeUser(sessionId: string, userId: number): UserRow | undefined {
    const user = this.usersRead.get(sessionId);
    this.usersRead.delete(sessionId);
    return user?.id === userId ? user : undefined;
  }

  private keepUser(sessionId: string, user: UserRow): void {
    this.usersRead.delete(sessionId);
    this.usersRead.set(sessionId, user);
    // A request that fails between reading its session and its user leaves its row: keep the newest few.
    if (this.usersRead.size > USERS_KEPT) this.usersRead.delete(this.usersRead.keys().next().value as string);
  }

  destroy(sessionId: string, callback: Callback): void {
    this.db
      .deleteFrom("sessions")
      .where("id_hash", "=", hashId(sessionId))
      .execute()
      .then(() => callback(), callback);
  }
}

/** Deletes the sessions past their idle time or their lifetime. */
export async function deleteExpiredSessions(db: Kysely<Database>, lifetimeSeconds: number): Promise<number> {
  const result = await db
    .deleteFrom("sessions")
    .where((eb) =>
      eb.or([eb("expires_at", "<=", nowIso()), eb("created_at", "<=", isoMinusSeconds(lifetimeSeconds))]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
