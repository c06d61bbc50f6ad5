import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { policeFixtures } from "../crime/test-support.js";
import { hasUnloadedPoliceFiles, loadMissingPoliceFiles } from "./demo.service.js";

const database = useTestDatabase();
const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

const first = "2025-01-west-mercia-street.csv";
const second = "2022-01-thames-valley-stop-and-search.csv";

describe("the demo's crime data step", () => {
  it("loads, on the next start, only the files an interrupted start did not", async () => {
    const { db } = database.current();
    const root = await mkdtemp(join(tmpdir(), "scrutineer-demo-"));
    folders.push(root);
    const folder = join(root, "police-uk");
    await mkdir(folder);
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);

    // The interrupted start got as far as the first file.
    await copyFile(join(policeFixtures, "original", first), join(folder, first));
    await loadMissingPoliceFiles(db, root, folder, log);
    await copyFile(join(policeFixtures, "original", second), join(folder, second));
    expect(await hasUnloadedPoliceFiles(db, root, folder)).toBe(true);

    lines.length = 0;
    await loadMissingPoliceFiles(db, root, folder, log);
    const ingests = await db.kysely.selectFrom("crime_ingests").select("file_name").orderBy("id").execute();
    expect(ingests.map((row) => row.file_name)).toEqual([`police-uk/${first}`, `police-uk/${second}`]);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^  police-uk/${second}: \\d+ rows`)),
      "  1 file was already loaded by an earlier start",
    ]);
    expect(await hasUnloadedPoliceFiles(db, root, folder)).toBe(false);
  });
});
