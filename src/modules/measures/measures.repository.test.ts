import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { openDatabase } from "../../db/database.js";
import { fromKeptCatalogue, listMeasures } from "./measures.repository.js";
import { ensureMeasureCatalogue } from "./measures.service.js";

const database = useTestDatabase();
const all = { publishedOnly: false };

describe("the measures catalogue, kept in memory", () => {
  it("is read again after any change to the measures, made by this process or another", async () => {
    const { db, url } = database.current();
    await ensureMeasureCatalogue(db.kysely);
    const find = async (id: string, options = all) =>
      (await listMeasures(db.kysely, options)).find((measure) => measure.id === id);
    expect((await find("crimes.all"))?.name).toBe("All recorded crime");
    expect(await find("crimes.all", { publishedOnly: true })).toBeUndefined();

    // Another connection, as another app process or the CLI would hold, changing the table in plain SQL.
    const other = openDatabase(url, { poolSize: 1 });
    try {
      await other.kysely
        .updateTable("measures")
        .set({ name: "Renamed elsewhere", published: 1 })
        .where("id", "=", "crimes.all")
        .execute();
      expect((await find("crimes.all"))?.name).toBe("Renamed elsewhere");
      expect(await find("crimes.all", { publishedOnly: true })).toBeDefined();
      await sql`delete from measures where id = 'crimes.all'`.execute(other.kysely);
      expect(await find("crimes.all")).toBeUndefined();
    } finally {
      await other.destroy();
    }
  });

  it("keeps nothing read inside a transaction, which may be rolled back", async () => {
    const { db } = database.current();
    const nameOf = async (id: string) =>
      (await listMeasures(db.kysely, all)).find((measure) => measure.id === id)?.name;
    const rename = (executor: typeof db.kysely, id: string, name: string) =>
      executor.updateTable("measures").set({ name }).where("id", "=", id).execute();
    const before = await nameOf("crimes.neighbourhood");
    const rolledBack = new Error("roll back");
    const outcome = await db.kysely
      .transaction()
      .execute(async (trx) => {
        await rename(trx, "crimes.neighbourhood", "Never committed");
        const seen = (await listMeasures(trx, all)).find((measure) => measure.id === "crimes.neighbourhood");
        expect(seen?.name).toBe("Never committed");
        throw rolledBack;
      })
      .catch((error: unknown) => error);
    expect(outcome).toBe(rolledBack);
    // A committed change brings the version to where the rolled-back one had taken it.
    await rename(db.kysely, "crimes.burglary", "Committed");
    expect(await nameOf("crimes.neighbourhood")).toBe(before);
    expect(await nameOf("crimes.burglary")).toBe("Committed");
  });

  it("gives each caller rows that no caller can change for the others", async () => {
    const { db } = database.current();
    const [first] = await listMeasures(db.kysely, all);
    expect(() => Object.assign(first!, { name: "Changed in place" })).toThrow(TypeError);
    const list = await listMeasures(db.kysely, all);
    list.length = 0;
    expect((await listMeasures(db.kysely, all)).length).toBeGreaterThan(0);
  });
});

describe("what is worked out from the kept catalogue", () => {
  it("is worked out once while the catalogue is unchanged, again once it changes, and afresh in a transaction", async () => {
    const { db } = database.current();
    await ensureMeasureCatalogue(db.kysely);
    let workedOut = 0;
    const count = (executor: Parameters<typeof fromKeptCatalogue>[0], key = "count") =>
      fromKeptCatalogue(executor, key, (measures) => {
        workedOut += 1;
        return measures.length;
      });
    const before = await count(db.kysely);
    expect(await count(db.kysely)).toBe(before);
    expect(workedOut).toBe(1);
    await count(db.kysely, "another key");
    expect(workedOut).toBe(2);

    await sql`delete from measures where id = 'crimes.robbery'`.execute(db.kysely);
    expect(await count(db.kysely)).toBe(before - 1);
    expect(workedOut).toBe(3);

    await db.kysely.transaction().execute(async (trx) => {
      await count(trx);
      await count(trx);
    });
    expect(workedOut).toBe(5);
  });
});
