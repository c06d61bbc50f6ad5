import { randomBytes } from "node:crypto";
import type { Db } from "../src/db/database.js";
import type { Role, UserRow } from "../src/db/schema.js";
import { systemActor } from "../src/modules/audit/actor.js";
import { createUser } from "../src/modules/users/users.service.js";

export const testPassword = "correct horse battery staple";

/** A user with sensible defaults; every field can be overridden. Signs in with `testPassword`. */
export async function createTestUser(
  db: Db,
  overrides: Partial<{ email: string; name: string; role: Role; password: string }> = {},
): Promise<UserRow> {
  const unique = randomBytes(4).toString("hex");
  const { user } = await createUser(
    db.kysely,
    systemActor,
    {
      email: overrides.email ?? `user-${unique}@example.org`,
      name: overrides.name ?? `Test User ${unique}`,
      role: overrides.role ?? "opcc",
    },
    overrides.password ?? testPassword,
  );
  return user;
}
