import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { systemActor } from "../audit/actor.js";
import { verifyPassword } from "./password.js";
import { findUserByEmail } from "./users.repository.js";
import { ensureInitialAdmin, initialAdminEmail } from "./users.service.js";

const database = useTestDatabase();

describe("the first administrator", () => {
  it("is created once on an empty database, with a generated password to print once", async () => {
    const { db } = database.current();
    const first = await ensureInitialAdmin(db.kysely, systemActor, undefined);
    expect(first?.user.email).toBe(initialAdminEmail);
    expect(first?.user.role).toBe("admin");
    expect(first?.user.must_change_password).toBe(1);
    expect(await verifyPassword(first!.user.password_hash, first!.password)).toBe(true);
    expect(await ensureInitialAdmin(db.kysely, systemActor, undefined)).toBeNull();
  });
});

const supplied = useTestDatabase();

describe("the first administrator with SCRUTINEER_ADMIN_PASSWORD", () => {
  it("takes the supplied password and prints nothing", async () => {
    const { db } = supplied.current();
    expect(await ensureInitialAdmin(db.kysely, systemActor, "a supplied password 123")).toBeNull();
    const admin = await findUserByEmail(db.kysely, initialAdminEmail);
    expect(admin?.must_change_password).toBe(0);
    expect(await verifyPassword(admin!.password_hash, "a supplied password 123")).toBe(true);
  });
});
