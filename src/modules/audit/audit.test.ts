import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { TestClient, testApp } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import type { Db } from "../../db/database.js";
import {
  changeOwnPassword,
  createUser,
  disableUser,
  enableUser,
  resetPassword,
  setRole,
} from "../users/users.service.js";
import type { Actor } from "./actor.js";
import { describeChanges } from "./audit.routes.js";

const database = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  app = await testApp(database.current().db);
});
afterAll(async () => {
  await app.close();
});

const actor: Actor = { userId: null, label: "audit-test", ip: "192.0.2.1" };

async function auditRowsFor(db: Db, entityType: string, entityId: number) {
  return db.kysely
    .selectFrom("audit_log")
    .selectAll()
    .where("entity_type", "=", entityType)
    .where("entity_id", "=", String(entityId))
    .orderBy("id")
    .execute();
}

/**
 * Every write path of the application, each with the record it touches. A module that adds a write path
 * adds it here, and the test below proves it leaves an audit row in the same transaction.
 */
const writePaths: { name: string; run: (db: Db) => Promise<{ entityType: string; entityId: number }> }[] = [
  {
    name: "create user",
    run: async (db) => {
      const { user } = await createUser(db.kysely, actor, {
        email: "write-path@example.org",
        name: "W",
        role: "panel",
      });
      return { entityType: "user", entityId: user.id };
    },
  },
  {
    name: "set role",
    run: async (db) => ({
      entityType: "user",
      entityId: (await setRole(db.kysely, actor, (await createTestUser(db)).id, "force")).id,
    }),
  },
  {
    name: "disable user",
    run: async (db) => ({
      entityType: "user",
      entityId: (await disableUser(db.kysely, actor, (await createTestUser(db)).id)).id,
    }),
  },
  {
    name: "enable user",
    run: async (db) => ({
      entityType: "user",
      entityId: (await enableUser(db.kysely, actor, (await createTestUser(db)).id)).id,
    }),
  },
  {
    name: "reset password",
    run: async (db) => ({
      entityType: "user",
      entityId: (await resetPassword(db.kysely, actor, (await createTestUser(db)).id)).user.id,
    }),
  },
  {
    name: "change own password",
    run: async (db) => ({
      entityType: "user",
      entityId: (
        await changeOwnPassword(db.kysely, actor, (await createTestUser(db)).id, "another long password")
      ).id,
    }),
  },
];

describe("the audit log", () => {
  it.each(writePaths)("records who, when, where and what for: $name", async ({ run }) => {
    const { db } = database.current();
    const { entityType, entityId } = await run(db);
    const rows = (await auditRowsFor(db, entityType, entityId)).filter((row) => row.actor === "audit-test");
    expect(rows.length).toBeGreaterThan(0);
    const last = rows.at(-1)!;
    expect(last.ip).toBe("192.0.2.1");
    expect(Date.parse(last.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(last.after_json ?? last.before_json).not.toBeNull();
  });

  it("keeps the fields before and after a change, and never a password hash", async () => {
    const { db } = database.current();
    const user = await createTestUser(db, { role: "force" });
    await setRole(db.kysely, actor, user.id, "panel");
    const rows = await auditRowsFor(db, "user", user.id);
    const change = rows.find((row) => row.action === "update")!;
    expect(JSON.parse(change.before_json!)).toMatchObject({ role: "force" });
    expect(JSON.parse(change.after_json!)).toMatchObject({ role: "panel" });
    expect(rows.map((row) => `${row.before_json}${row.after_json}`).join("")).not.toContain("argon2");
  });

  it("cannot be changed or deleted, even with SQL", async () => {
    const { db } = database.current();
    const user = await createTestUser(db);
    const [row] = await auditRowsFor(db, "user", user.id);
    await expect(
      sql`update audit_log set actor = 'someone else' where id = ${row!.id}`.execute(db.kysely),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where id = ${row!.id}`.execute(db.kysely)).rejects.toThrow(
      /append-only/,
    );
    expect((await auditRowsFor(db, "user", user.id))[0]?.actor).toBe(row!.actor);
  });

  it("rolls the audit row back with the change it records", async () => {
    const { db } = database.current();
    const before = await db.kysely
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    await expect(setRole(db.kysely, actor, 999_999, "panel")).rejects.toThrow(/No user/);
    const after = await db.kysely
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("is shown to administrators with filters, and to nobody else", async () => {
    const { db } = database.current();
    const admin = await createTestUser(db, { role: "admin" });
    const opcc = await createTestUser(db, { role: "opcc" });
    await setRole(db.kysely, actor, opcc.id, "panel");

    const adminClient = new TestClient(app);
    await adminClient.signIn(admin.email);
    const page = await adminClient.get(`/admin/audit?action=update&actor=audit-test`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("audit-test");
    expect(page.body).toMatch(/<strong>role<\/strong>: force → panel|<strong>role<\/strong>: opcc → panel/);
    expect(page.body).not.toContain(`<td class="govuk-table__cell">create</td>`);
    expect(page.body).toContain(`<td class="govuk-table__cell">update</td>`);

    const panelClient = new TestClient(app);
    await panelClient.signIn(opcc.email);
    expect((await panelClient.get("/admin/audit")).statusCode).toBe(403);
    expect((await new TestClient(app).get("/admin/audit")).headers.location).toBe(
      "/sign-in?next=%2Fadmin%2Faudit",
    );
  });
});

describe("describeChanges", () => {
  it("lists only the fields that differ", () => {
    expect(describeChanges('{"a":1,"b":"x"}', '{"a":2,"b":"x","c":null}')).toEqual([
      { field: "a", before: "1", after: "2" },
      { field: "c", before: "", after: "(none)" },
    ]);
  });
});
