import { promisify } from "node:util";
import type { Session } from "fastify";
import { describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { DatabaseSessionStore, deleteExpiredSessions } from "./session-store.js";

const database = useTestDatabase();

function storeOps(store: DatabaseSessionStore) {
  return {
    set: (id: string, session: object) =>
      promisify<string, Session, void>(store.set.bind(store))(id, session as Session),
    get: promisify<string, Session | null | undefined>(store.get.bind(store)),
  };
}

describe("the database session store", () => {
  it("reads a session's user with it, as it is now, for one request to take once", async () => {
    const { db } = database.current();
    const user = await createTestUser(db, { name: "Before" });
    const other = await createTestUser(db);
    const store = new DatabaseSessionStore(db.kysely, 60, 3600);
    const { set, get } = storeOps(store);
    await set("session-a", { userId: user.id });
    await set("session-b", {});

    expect(await get("session-a")).toMatchObject({ userId: user.id });
    expect(store.takeUser("session-a", other.id)).toBeUndefined();
    await get("session-a");
    expect(store.takeUser("session-a", user.id)).toMatchObject({ id: user.id, name: "Before" });
    expect(store.takeUser("session-a", user.id)).toBeUndefined();

    await db.kysely.updateTable("users").set({ name: "After" }).where("id", "=", user.id).execute();
    await get("session-a");
    expect(store.takeUser("session-a", user.id)).toMatchObject({ name: "After" });

    expect(await get("session-b")).toEqual({});
    expect(store.takeUser("session-b", user.id)).toBeUndefined();
    expect(await get("no-such-session")).toBeNull();
  });

  it("ends a session at its lifetime from when it began, though it is renewed, and housekeeping deletes it", async () => {
    const { db } = database.current();
    const user = await createTestUser(db);
    // An idle time of an hour, a lifetime of two.
    const { set, get } = storeOps(new DatabaseSessionStore(db.kysely, 3600, 7200));
    const session = (name: string) => ({ userId: user.id, name });
    const began = (name: string, secondsAgo: number) =>
      db.kysely
        .updateTable("sessions")
        .set({ created_at: new Date(Date.now() - secondsAgo * 1000).toISOString() })
        .where("data", "=", JSON.stringify(session(name)))
        .execute();
    await set("busy", session("busy"));
    await set("old", session("old"));
    await began("busy", 7200 - 60);
    await began("old", 7200 + 60);
    // Renewed (saved again) just now, in its idle time: neither is renewed past its lifetime.
    await set("busy", session("busy"));
    await set("old", session("old"));
    expect(await get("busy")).toEqual(session("busy"));
    expect(await get("old")).toBeNull();

    await deleteExpiredSessions(db.kysely, 7200);
    const left = await db.kysely
      .selectFrom("sessions")
      .select("data")
      .where("user_id", "=", user.id)
      .execute();
    expect(left).toEqual([{ data: JSON.stringify(session("busy")) }]);
  });
});
