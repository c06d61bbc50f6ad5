import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "./database.js";

// The statement cache is SQLite's alone, so these run on a SQLite file whatever TEST_DATABASE_URL says.
describe("SQLite's kept statements", () => {
  let db: Db;
  afterEach(() => db.destroy());
  const open = () => {
    db = openDatabase(`sqlite:${join(mkdtempSync(join(tmpdir(), "scrutineer-db-")), "cache.sqlite")}`);
    return db.kysely;
  };

  it("still see a column added after the statement was first run", async () => {
    const kysely = open();
    await sql`create table t (a integer)`.execute(kysely);
    await sql`insert into t values (1)`.execute(kysely);
    const selectAll = () => sql<Record<string, unknown>>`select * from t`.execute(kysely);
    expect((await selectAll()).rows).toEqual([{ a: 1 }]);
    await sql`alter table t add column b text default 'x'`.execute(kysely);
    expect((await selectAll()).rows).toEqual([{ a: 1, b: "x" }]);
  });
});
