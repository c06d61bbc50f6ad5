import type { Kysely } from "kysely";
import type { Database, UserRow } from "../../db/schema.js";
import { isoMinusSeconds, nowIso } from "../../lib/time.js";
import { hashPassword, verifyPassword } from "../users/password.js";
import { findUserByEmail } from "../users/users.repository.js";

export const maxFailuresPerMinute = 5;

export type SignInOutcome =
  { kind: "signed-in"; user: UserRow } | { kind: "wrong-credentials" } | { kind: "rate-limited" };

// Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
const unknownUserHash = hashPassword("no such user: constant-time guard");

/**
 * Checks credentials, refusing after 5 failures in a minute for the account or for the address.
 * Failures are counted in the database so every app process sees the same count.
 */
export async function signIn(
  db: Kysely<Database>,
  email: string,
  password: string,
  ip: string,
): Promise<SignInOutcome> {
  const normalisedEmail = email.trim().toLowerCase();
  if (await isRateLimited(db, normalisedEmail, ip)) return { kind: "rate-limited" };
  const user = await findUserByEmail(db, normalisedEmail);
  const valid = await verifyPassword(user?.password_hash ?? (await unknownUserHash), password);
  if (user && valid && !user.disabled_at) {
    await db.deleteFrom("sign_in_failures").where("email", "=", normalisedEmail).execute();
    return { kind: "signed-in", user };
  }
  await db.insertInto("sign_in_failures").values({ email: normalisedEmail, ip, at: nowIso() }).execute();
  return { kind: "wrong-credentials" };
}

async function isRateLimited(db: Kysely<Database>, email: string, ip: string): Promise<boolean> {
  const since = isoMinusSeconds(60);
  const counts = await db
    .selectFrom("sign_in_failures")
    .select((eb) => [
      eb.fn.sum<string | number>(eb.case().when("email", "=", email).then(1).else(0).end()).as("by_email"),
      eb.fn.sum<string | number>(eb.case().when("ip", "=", ip).then(1).else(0).end()).as("by_ip"),
    ])
    .where("at", ">", since)
    .where((eb) => eb.or([eb("email", "=", email), eb("ip", "=", ip)]))
    .executeTakeFirstOrThrow();
  return (
    Number(counts.by_email ?? 0) >= maxFailuresPerMinute || Number(counts.by_ip ?? 0) >= maxFailuresPerMinute
  );
}

/** Old failures matter only for a minute; removed at start-up and now and then so the table stays small. */
export async function deleteOldSignInFailures(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom("sign_in_failures").where("at", "<=", isoMinusSeconds(3600)).execute();
}
