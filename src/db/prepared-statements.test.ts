import { Kysely, sql } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { testDialect, useTestDatabase } from "../../test/helpers/test-db.js";
import { openDatabase } from "./database.js";
import { preparingPool } from "./prepared-statements.js";
import { OwnSchemaPostgresDialect } from "./postgres-introspector.js";
import type { Database } from "./schema.js";

const database = useTestDatabase();

interface Prepared {
  statement: string;
  generic_plans: number;
}

/** The statements prepared on the connection this runs on. */
async function preparedOn(db: Kysely<Database>): Promise<Prepared[]> {
  const { rows } = await sql<Prepared>`select statement, generic_plans::int as generic_plans
    from pg_prepared_statements where statement not like '%pg_prepared_statements%'`.execute(db);
  return rows;
}

describe.skipIf(testDialect !== "postgres")("prepared statements on PostgreSQL", () => {
  it("prepare each read once per connection, keep one plan after five runs, and leave writes unnamed", async () => {
    // One connection, so every statement below runs in the same session.
    const db = openDatabase(database.current().url, { poolSize: 1 });
    const kysely = db.kysely;
    try {
      const findUser = () =>
        kysely.selectFrom("users").select("id").where("email", "=", "nobody@example.org").execute();
      for (let run = 0; run < 7; run += 1) expect(await findUser()).toEqual([]);
      await kysely.insertInto("app_settings").values({ key: "prepared-test", value: "1" }).execute();
      const prepared = await preparedOn(kysely);
      expect(prepared.map((p) => p.statement)).toEqual([expect.stringMatching(/^select "id" from "users"/)]);
      expect(prepared[0]!.generic_plans).toBeGreaterThan(0);
    } finally {
      await db.destroy();
    }
  });

  it("name no more reads than the limit on a connection, and send the rest as before", async () => {
    const pool = new pg.Pool({
      connectionString: database.current().url,
      max: 1,
    });
    const kysely = new Kysely<Database>({
      dialect: new OwnSchemaPostgresDialect({ pool: preparingPool(pool, 2) }),
    });
    try {
      for (const n of [1, 2, 3, 4]) {
        const { rows } = await sql<{ n: number }>`select ${sql.raw(String(n))}::int as n`.execute(kysely);
        expect(rows).toEqual([{ n }]);
      }
      expect((await preparedOn(kysely)).map((p) => p.statement).sort()).toEqual([
        "select 1::int as n",
        "select 2::int as n",
      ]);
    } finally {
      await kysely.destroy();
    }
  });

  it("read again, prepared afresh, once another process's migration changes what a kept read returns", async () => {
    const db = openDatabase(database.current().url, { poolSize: 1 });
    const kysely = db.kysely;
    const other = openDatabase(database.current().url, { poolSize: 1 });
    const readAll = (db: Kysely<Database>) =>
      db.selectFrom("app_settings").selectAll().where("key", "=", "stale-plan-test").execute();
    try {
      await kysely.insertInto("app_settings").values({ key: "stale-plan-test", value: "1" }).execute();
      expect(await readAll(kysely)).toEqual([{ key: "stale-plan-test", value: "1" }]);

      // Outside a transaction the read is run again at once, and the old statement dropped.
      await sql`alter table app_settings add column added_later text`.execute(other.kysely);
      expect(await readAll(kysely)).toEqual([{ key: "stale-plan-test", value: "1", added_later: null }]);
      expect((await preparedOn(kysely)).map((p) => p.statement)).toEqual([
        expect.stringMatching(/^select \* from "app_settings"/),
      ]);

      // Inside one the read fails (the transaction is lost already), and the next is prepared afresh.
      await sql`alter table app_settings drop column added_later`.execute(other.kysely);
      await expect(kysely.transaction().execute((trx) => readAll(trx))).rejects.toThrow(
        "cached plan must not change result type",
      );
      expect(await readAll(kysely)).toEqual([{ key: "stale-plan-test", value: "1" }]);
    } finally {
      await sql`alter table app_settings drop column if exists added_later`.execute(other.kysely);
      await other.destroy();
      await db.destroy();
    }
  });
});
