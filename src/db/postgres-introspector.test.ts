import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { testDialect, useTestDatabase } from "../../test/helpers/test-db.js";

const database = useTestDatabase();

describe.skipIf(testDialect !== "postgres")("the PostgreSQL introspector", () => {
  it("lists the tables of its own schema only, so another schema's drops cannot fail a migration", async () => {
    const { db } = database.current();
    const sibling = `sibling_${randomBytes(4).toString("hex")}`;
    await sql`create schema ${sql.id(sibling)}`.execute(db.kysely);
    try {
      await sql`create table ${sql.id(sibling, "intruder")} (id integer)`.execute(db.kysely);
      const tables = await db.kysely.introspection.getTables({ withInternalKyselyTables: true });
      expect(tables.map((table) => table.name)).toEqual(
        expect.arrayContaining(["users", "audit_log", "kysely_migration"]),
      );
      expect(tables.map((table) => table.name)).not.toContain("intruder");
      expect(new Set(tables.map((table) => table.schema))).toEqual(new Set([db.schema]));
      const users = tables.find((table) => table.name === "users")!;
      expect(users.columns.find((column) => column.name === "id")).toMatchObject({ isNullable: false });
    } finally {
      await sql`drop schema ${sql.id(sibling)} cascade`.execute(db.kysely);
    }
  });
});
