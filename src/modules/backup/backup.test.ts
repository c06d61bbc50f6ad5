import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it, vi } from "vitest";
import { useCli } from "../../../test/helpers/cli.js";
import { createTestUser } from "../../../test/factories.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import type { Db } from "../../db/database.js";
import { systemActor } from "../audit/actor.js";
import { setRole } from "../users/users.service.js";
import { loadReferenceData } from "../crime/reference.js";
import { ingestFile, policeFixtures } from "../crime/test-support.js";
import { loadInspectionsDemo } from "../inspections/inspections.demo.js";
import { ensureMeasureCatalogue, importForceReturn } from "../measures/measures.service.js";

const database = useTestDatabase();
const folder = mkdtempSync(join(tmpdir(), "scrutineer-backup-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const cli = useCli(database);

/** Each file under a folder, by its path within it, with its contents. */
function filesIn(root: string): Record<string, string> {
  const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return Object.fromEntries(
    files
      .map((entry) => join(entry.parentPath, entry.name))
      .sort()
      .map((path) => [relative(root, path), readFileSync(path, "utf8")]),
  );
}

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
  it("give back every table exactly as it was, and the uploaded files", async () => {
    const { db } = database.current();
    const user = await createTestUser(db, { role: "force" });
    // Real crime data, the measure catalogue with a force return, and the sample inspections register.
    const street = join(policeFixtures, "original", "2025-01-west-mercia-street.csv");
    expect((await ingestFile(db, await loadReferenceData(), street)).status).toBe("loaded");
    await ensureMeasureCatalogue(db.kysely);
    await importForceReturn(db.kysely, systemActor, {
      name: "return.csv",
      text: "measure_id,period,area,value,numerator,denominator,note\nvictims.satisfaction-overall,Q1 2025/26,west-mercia,70,280,400,\n",
    });
    await loadInspectionsDemo(db.kysely);
    const before = await snapshot(db);
    const filled = Object.entries(before)
      .filter(([, rows]) => rows.length > 0)
      .map(([table]) => table);
    for (const table of [
      "users",
      "crime_street_crimes",
      "crime_type_counts",
      "measures",
      "measure_values",
      "inspection_findings",
      "pcc_responses",
      "audit_log",
    ])
      expect(filled, table).toContain(table);
    expect(filled.length).toBeGreaterThanOrEqual(20);

    // Uploaded papers and evidence, in the folder the app keeps them in.
    const uploads = join(folder, "uploads");
    vi.stubEnv("UPLOAD_DIR", uploads);
    mkdirSync(join(uploads, "evidence"), { recursive: true });
    writeFileSync(join(uploads, "paper.pdf"), "%PDF-1.4 paper");
    writeFileSync(join(uploads, "evidence", "audit.pdf"), "%PDF-1.4 evidence");
    const uploaded = filesIn(uploads);

    const file = join(folder, "round-trip.backup");
    expect(await cli.run("backup", file), cli.errors).toBe(0);
    expect(cli.output).toContain("and 2 uploaded file(s) to");
    expect(filesIn(`${file}.uploads`)).toEqual(uploaded);
    // A second backup under the same name would mix the two copies of the uploads: refused.
    expect(await cli.run("backup", file)).toBe(1);
    expect(cli.errors).toContain("already exists: give the backup a new name");

    await setRole(db.kysely, systemActor, user.id, "panel");
    await createTestUser(db);
    await sql`update crime_street_crimes set location = ${"changed"}`.execute(db.kysely);
    expect(await snapshot(db)).not.toEqual(before);
    rmSync(join(uploads, "paper.pdf"));
    writeFileSync(join(uploads, "evidence", "audit.pdf"), "changed");
    writeFileSync(join(uploads, "later.pdf"), "%PDF-1.4 later");

    expect(await cli.run("restore", file), cli.errors).toBe(0);
    expect(cli.output).toContain("and 2 uploaded file(s) from");
    expect(await snapshot(db)).toEqual(before);
    expect(filesIn(uploads)).toEqual(uploaded);
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
