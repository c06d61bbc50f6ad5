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
    expect(verdict).toEqual({ intact: true, rows: 16 });
    expect(await cli.run("audit", "verify")).toBe(0);
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
