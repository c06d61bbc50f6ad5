import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { useCli } from "../../../test/helpers/cli.js";
import { createTestUser } from "../../../test/factories.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import type { Db } from "../../db/database.js";
import { setRole } from "../users/users.service.js";
import { systemActor } from "./actor.js";
import { verifyAuditChain } from "./audit-chain.js";
import { allAuditRows } from "./audit.repository.js";

const database = useTestDatabase();

/** What someone with direct database access would do first: switch off the append-only guard. */
async function removeAppendOnlyGuard(db: Db): Promise<void> {
  if (db.dialect === "postgres") {
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(db.kysely);
  } else {
    await sql`drop trigger if exists audit_log_no_update`.execute(db.kysely);
    await sql`drop trigger if exists audit_log_no_delete`.execute(db.kysely);
  }
}

const cli = useCli(database);

describe("the audit log's hash chain", () => {
  it("holds across many writes, including concurrent ones", async () => {
    const { db } = database.current();
    const users = await Promise.all(Array.from({ length: 8 }, () => createTestUser(db)));
    await Promise.all(users.map((user) => setRole(db.kysely, systemActor, user.id, "panel")));
    const verdict = await verifyAuditChain(allAuditRows(db.kysely, 3));
    const last = await db.kysely
      .selectFrom("audit_log")
      .select(["id", "hash"])
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(verdict).toEqual({ intact: true, rows: 16, head: last });
    expect(await cli.run("audit", "verify")).toBe(0);
    expect(cli.output).toContain(`Latest row: ${last.id}:${last.hash}`);
  });

  // Before the tests below break the chain: this one cuts its end, leaving the rest intact.
  it("shows rows cut from the end, or a rebuilt chain, against a row noted down earlier", async () => {
    const { db } = database.current();
    const users = await Promise.all(Array.from({ length: 3 }, () => createTestUser(db)));
    const noted = await db.kysely
      .selectFrom("audit_log")
      .select(["id", "hash"])
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    const head = `${noted.id}:${noted.hash}`;
    await setRole(db.kysely, systemActor, users[0]!.id, "panel");
    expect(await cli.run("audit", "verify", "--head", head)).toBe(0);
    expect(cli.output).toContain(`Row ${noted.id} is there as noted down`);

    // Cut back to before the noted row: the chain that is left still holds, but the noted row is gone.
    await removeAppendOnlyGuard(db);
    await sql`delete from audit_log where id >= ${noted.id}`.execute(db.kysely);
    expect(await verifyAuditChain(allAuditRows(db.kysely))).toMatchObject({ intact: true });
    expect(await verifyAuditChain(allAuditRows(db.kysely), noted)).toMatchObject({
      intact: false,
      brokenAt: noted.id,
      reason: "the row noted down is gone (rows were removed from the end of the log)",
    });
    expect(await cli.run("audit", "verify", "--head", head)).toBe(1);
    expect(cli.errors).toContain(`Audit log BROKEN at row ${noted.id}: the row noted down is gone`);

    // A chain rebuilt by someone with write access gives the noted row another hash.
    const previous = { id: noted.id - 1, hash: "0".repeat(64) };
    expect(await verifyAuditChain(allAuditRows(db.kysely), previous)).toMatchObject({
      intact: false,
      brokenAt: previous.id,
      reason: "its hash is not the one noted down (the log up to it was rewritten)",
    });
    expect(await cli.run("audit", "verify", "--head", "12:not-a-hash")).not.toBe(0);
    expect(cli.errors).toContain("is not a row noted from the audit log");
  });

  it("reports the first changed row", async () => {
    const { db } = database.current();
    const rows = await db.kysely.selectFrom("audit_log").select("id").orderBy("id").execute();
    const target = rows[5]!.id;
    await removeAppendOnlyGuard(db);
    await sql`update audit_log set actor = 'someone else' where id = ${target}`.execute(db.kysely);
    const verdict = await verifyAuditChain(allAuditRows(db.kysely));
    expect(verdict).toMatchObject({ intact: false, brokenAt: target });
    expect(await cli.run("audit", "verify")).toBe(1);
    expect(cli.errors).toContain(`Audit log BROKEN at row ${target}: its contents do not match its hash`);
  });

  it("reports a removed row at the row after it", async () => {
    const { db } = database.current();
    const rows = await db.kysely.selectFrom("audit_log").select("id").orderBy("id").execute();
    await sql`delete from audit_log where id = ${rows[2]!.id}`.execute(db.kysely);
    const verdict = await verifyAuditChain(allAuditRows(db.kysely));
    expect(verdict).toMatchObject({ intact: false, brokenAt: rows[3]!.id });
  });
});
