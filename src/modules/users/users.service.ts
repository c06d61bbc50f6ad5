import type { Kysely, Transaction } from "kysely";
import type { Database, Role, UserRow } from "../../db/schema.js";
import { NotFoundError, ValidationError } from "../../lib/errors.js";
import { nowIso } from "../../lib/time.js";
import type { Actor } from "../audit/actor.js";
import { recordAudit } from "../audit/audit.repository.js";
import { generatePassword, hashPassword } from "./password.js";
import { countUsers, findUserByEmail, findUserById, insertUser, updateUser } from "./users.repository.js";
import type { NewUserInput } from "./users.schema.js";

/** What the audit log keeps of a user: never the password hash. */
function auditView(user: UserRow) {
  return {
    email: user.email,
    name: user.name,
    role: user.role,
    must_change_password: user.must_change_password,
    disabled_at: user.disabled_at,
  };
}

export interface CreatedUser {
  user: UserRow;
  /** Shown once to whoever created the account; only its hash is stored. */
  password: string;
}

export async function createUser(
  db: Kysely<Database>,
  actor: Actor,
  input: NewUserInput,
  password?: string,
): Promise<CreatedUser> {
  const chosenPassword = password ?? generatePassword();
  const passwordHash = await hashPassword(chosenPassword);
  return db.transaction().execute(async (trx) => {
    if (await findUserByEmail(trx, input.email)) {
      throw new ValidationError([
        { field: "email", text: `A user with the email ${input.email} already exists` },
      ]);
    }
    const now = nowIso();
    const user = await insertUser(trx, {
      email: input.email,
      name: input.name,
      role: input.role,
      password_hash: passwordHash,
      // A password someone else generated must be replaced at first sign-in.
      must_change_password: password === undefined ? 1 : 0,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, actor, {
      action: "create",
      entityType: "user",
      entityId: user.id,
      after: auditView(user),
    });
    return { user, password: chosenPassword };
  });
}

async function changeUser(
  db: Kysely<Database>,
  actor: Actor,
  userId: number,
  change: (user: UserRow, trx: Transaction<Database>) => Promise<Partial<UserRow>> | Partial<UserRow>,
  action: "update" | "password-change" = "update",
): Promise<UserRow> {
  return db.transaction().execute(async (trx) => {
    const before = await findUserById(trx, userId);
    if (!before) throw new NotFoundError(`No user with id ${userId}`);
    const after = await updateUser(trx, userId, { ...(await change(before, trx)), updated_at: nowIso() });
    await recordAudit(trx, actor, {
      action,
      entityType: "user",
      entityId: userId,
      before: auditView(before),
      after: auditView(after),
    });
    return after;
  });
}

async function endSessionsOf(trx: Transaction<Database>, userId: number): Promise<void> {
  await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
}

export function setRole(db: Kysely<Database>, actor: Actor, userId: number, role: Role): Promise<UserRow> {
  return changeUser(db, actor, userId, () => ({ role }));
}

/** Issues a new generated password, ends the user's sessions, and asks for a new password at next sign-in. */
export async function resetPassword(
  db: Kysely<Database>,
  actor: Actor,
  userId: number,
): Promise<CreatedUser> {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const user = await changeUser(
    db,
    actor,
    userId,
    async (user, trx) => {
      await endSessionsOf(trx, user.id);
      return { password_hash: passwordHash, must_change_password: 1 };
    },
    "password-change",
  );
  return { user, password };
}

export async function changeOwnPassword(
  db: Kysely<Database>,
  actor: Actor,
  userId: number,
  newPassword: string,
): Promise<UserRow> {
  const passwordHash = await hashPassword(newPassword);
  return changeUser(
    db,
    actor,
    userId,
    () => ({ password_hash: passwordHash, must_change_password: 0 }),
    "password-change",
  );
}

/** A disabled user cannot sign in, and their open sessions end now. */
export function disableUser(db: Kysely<Database>, actor: Actor, userId: number): Promise<UserRow> {
  return changeUser(db, actor, userId, async (user, trx) => {
    await endSessionsOf(trx, user.id);
    return { disabled_at: user.disabled_at ?? nowIso() };
  });
}

export function enableUser(db: Kysely<Database>, actor: Actor, userId: number): Promise<UserRow> {
  return changeUser(db, actor, userId, () => ({ disabled_at: null }));
}

export const initialAdminEmail = "admin@scrutineer.local";

/**
 * On an empty database, creates the first administrator. Returns the generated password (to print once),
 * or null when accounts already exist or the password was supplied by the environment.
 */
export async function ensureInitialAdmin(
  db: Kysely<Database>,
  actor: Actor,
  suppliedPassword: string | undefined,
): Promise<CreatedUser | null> {
  if ((await countUsers(db)) > 0) return null;
  try {
    const created = await createUser(
      db,
      actor,
      { email: initialAdminEmail, name: "Administrator", role: "admin" },
      suppliedPassword,
    );
    return suppliedPassword === undefined ? created : null;
  } catch (error) {
    // Another process started at the same moment and created it first (duplicate email).
    if ((await countUsers(db)) > 0) return null;
    throw error;
  }
}
