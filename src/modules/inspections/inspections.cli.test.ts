import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useCli } from "../../../test/helpers/cli.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { fromRoot } from "../../lib/paths.js";
import { templateColumns } from "./inspections.import.js";

const database = useTestDatabase();
const folder = mkdtempSync(join(tmpdir(), "scrutineer-inspections-"));
const cli = useCli(database);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("scrutineer inspections import", () => {
  it("imports the template and writes the audit log as the CLI", async () => {
    expect(await cli.run("inspections", "import", fromRoot("docs", "templates", "inspections.csv"))).toBe(0);
    expect(cli.output).toBe("Imported 1 inspection(s), 2 grade(s) and 3 finding(s)\n");
    const audit = await database
      .current()
      .db.kysely.selectFrom("audit_log")
      .select("actor")
      .where("entity_type", "=", "finding")
      .execute();
    expect(audit).toHaveLength(3);
    expect(audit.every((row) => row.actor.startsWith("cli ("))).toBe(true);
  });

  it("imports nothing from a file with a bad row, and names the file and line", async () => {
    const file = join(folder, "bad.csv");
    writeFileSync(
      file,
      `${templateColumns.join(",")}\ninspection,X,peel,CLI bad,2025-01-10,,,,,,,,,\ngrade,X,,,,,,Area,grand,,,,,\n`,
    );
    expect(await cli.run("inspections", "import", file)).toBe(1);
    expect(cli.errors).toContain(`${file}: Line 3, grade: Use one of`);
    const titles = await database.current().db.kysely.selectFrom("inspections").select("title").execute();
    expect(titles.map((row) => row.title)).not.toContain("CLI bad");
  });
});
