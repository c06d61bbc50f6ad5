import { randomBytes } from "node:crypto";
import type { Db } from "../src/db/database.js";
import type { Role, UserRow } from "../src/db/schema.js";
import { systemActor } from "../src/modules/audit/actor.js";
import { recordAudit } from "../src/modules/audit/audit.repository.js";
import { hashPassword } from "../src/modules/users/password.js";
import { insertUser } from "../src/modules/users/users.repository.js";
import { createUser } from "../src/modules/users/users.service.js";
import { nowIso } from "../src/lib/time.js";

export const testPassword = "correct horse battery staple";

// argon2id is deliberately slow; the test password is hashed once per test process and reused.
let testPasswordHash: Promise<string> | undefined;

/** A user with sensible defaults; every field can be overridden. Signs in with `testPassword` unless given one. */
export async function createTestUser(
  db: Db,
  overrides: Partial<{ email: string; name: string; role: Role; password: string }> = {},
): Promise<UserRow> {
  const unique = randomBytes(4).toString("hex");
  const input = {
    email: overrides.email ?? `user-${unique}@example.org`,
    name: overrides.name ?? `Test User ${unique}`,
    role: overrides.role ?? "opcc",
  };
  if (overrides.password !== undefined) {
    return (await createUser(db.kysely, systemActor, input, overrides.password)).user;
  }
  testPasswordHash ??= hashPassword(testPassword);
  const passwordHash = await testPasswordHash;
  return db.kysely.transaction().execute(async (trx) => {
    const now = nowIso();
    const user = await insertUser(trx, {
      ...input,
      password_hash: passwordHash,
      must_change_password: 0,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, systemActor, {
      action: "create",
      entityType: "user",
      entityId: user.id,
      after: input,
    });
    return user;
  });
}
