import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { useCli } from "../../../test/helpers/cli.js";
import { createTestUser } from "../../../test/factories.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import type { Db } from "../../db/database.js";
import { systemActor } from "../audit/actor.js";
import { setRole } from "../users/users.service.js";

const database = useTestDatabase();
const folder = mkdtempSync(join(tmpdir(), "scrutineer-backup-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const cli = useCli(database);

/** Every row of every table of ours, in a stable order: what a round trip must give back unchanged. */
async function snapshot(db: Db): Promise<Record<string, unknown[]>> {
  const tables = (await db.kysely.introspection.getTables())
    .filter((table) => db.dialect === "sqlite" || table.schema === db.schema)
    .map((table) => table.name)
    .sort();
  const contents: Record<string, unknown[]> = {};
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db.kysely);
    contents[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return contents;
}

describe("scrutineer backup and restore", () => {
  it("give back every table exactly as it was", async () => {
    const { db } = database.current();
    const user = await createTestUser(db, { role: "force" });
    const before = await snapshot(db);
    expect(before.users?.length).toBeGreaterThan(0);

    const file = join(folder, "round-trip.backup");
    expect(await cli.run("backup", file), cli.errors).toBe(0);

    await setRole(db.kysely, systemActor, user.id, "panel");
    await createTestUser(db);
    expect(await snapshot(db)).not.toEqual(before);

    expect(await cli.run("restore", file), cli.errors).toBe(0);
    expect(await snapshot(db)).toEqual(before);
  });

  it("refuses a file that is not a backup and changes nothing", async () => {
    const { db } = database.current();
    const before = await snapshot(db);
    const junk = join(folder, "junk.backup");
    writeFileSync(junk, "this is not a database");
    expect(await cli.run("restore", junk)).toBe(1);
    expect(cli.errors).toMatch(/junk\.backup|pg_restore/);
    expect(await snapshot(db)).toEqual(before);
  });
});
