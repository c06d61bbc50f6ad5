import { describe, expect, it } from "vitest";
import { createTestUser, testPassword } from "../../../test/factories.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { ValidationError } from "../../lib/errors.js";
import { systemActor } from "../audit/actor.js";
import { verifyPassword } from "./password.js";
import { findUserById } from "./users.repository.js";
import {
  createUser,
  disableUser,
  enableUser,
  ensureInitialAdmin,
  initialAdminEmail,
  resetPassword,
  setRole,
} from "./users.service.js";

const database = useTestDatabase();

describe("users", () => {
  it("stores an argon2id hash, never the password", async () => {
    const { db } = database.current();
    const user = await createTestUser(db);
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    expect(user.password_hash).not.toContain(testPassword);
    expect(await verifyPassword(user.password_hash, testPassword)).toBe(true);
    expect(await verifyPassword(user.password_hash, "wrong password!")).toBe(false);
  });

  it("refuses a second account with the same email, whatever its case", async () => {
    const { db } = database.current();
    await createTestUser(db, { email: "dup@example.org" });
    await expect(
      createUser(db.kysely, systemActor, { email: "dup@example.org", name: "Again", role: "panel" }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it("asks for a new password after a generated one", async () => {
    const { db } = database.current();
    const { user, password } = await createUser(db.kysely, systemActor, {
      email: "generated@example.org",
      name: "Generated",
      role: "force",
    });
    expect(password).toHaveLength(20);
    expect(user.must_change_password).toBe(1);
    const reset = await resetPassword(db.kysely, systemActor, user.id);
    expect(reset.password).not.toBe(password);
    expect(await verifyPassword(reset.user.password_hash, reset.password)).toBe(true);
    expect(await verifyPassword(reset.user.password_hash, password)).toBe(false);
  });

  it("changes role, disables and enables", async () => {
    const { db } = database.current();
    const user = await createTestUser(db, { role: "force" });
    expect((await setRole(db.kysely, systemActor, user.id, "panel")).role).toBe("panel");
    expect((await disableUser(db.kysely, systemActor, user.id)).disabled_at).not.toBeNull();
    expect((await enableUser(db.kysely, systemActor, user.id)).disabled_at).toBeNull();
    expect((await findUserById(db.kysely, user.id))?.role).toBe("panel");
  });

  it("creates the first administrator only on an empty database", async () => {
    const { db } = database.current();
    // Other tests in this file already made users, so nothing happens here.
    expect(await ensureInitialAdmin(db.kysely, systemActor, undefined)).toBeNull();
    expect(
      await db.kysely.selectFrom("users").select("id").where("email", "=", initialAdminEmail).execute(),
    ).toHaveLength(0);
  });
});
