/**
 * Kills a force-return import, a notes import and a meeting save at random moments (SIGKILL, 20 times
 * each) and checks that the database is intact and holds the state before the work or after it, never a mix.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../src/modules/audit/actor.js";
import { fromRoot } from "../../src/lib/paths.js";
import { formatCsvField } from "../../src/modules/crime/csv-tokenizer.js";
import { FORCE_RETURN_COLUMNS } from "../../src/modules/measures/measures.schema.js";
import { ensureMeasureCatalogue, importForceReturn } from "../../src/modules/measures/measures.service.js";
import { importPublishedMeeting } from "../../src/modules/meetings/meetings-import.service.js";
import { useTestDatabase } from "../helpers/test-db.js";
import { countTables, expectIntact, killDelays, runKillChild } from "./kill-harness.js";

const KILLS = 20;
const database = useTestDatabase();
let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "scrutineer-kill-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Every sample force return in one file (660-odd values), each note saying which run wrote it. */
async function combinedReturn(note: string): Promise<string> {
  const examples = fromRoot("data", "measures", "examples");
  const files = (await readdir(examples)).filter((name) => name.endsWith(".csv")).sort();
  const lines = [FORCE_RETURN_COLUMNS.join(",")];
  for (const name of files) {
    const [, ...rows] = parse(await readFile(join(examples, name), "utf8"));
    // The note is the last column.
    lines.push(...rows.map((row) => [...row.slice(0, -1), note].map(formatCsvField).join(",")));
  }
  return `${lines.join("\n")}\n`;
}

describe("killing a force-return import", () => {
  it("leaves the values before the import or after it", { timeout: 400_000 }, async () => {
    const { db, url } = database.current();
    await ensureMeasureCatalogue(db.kysely);
    // The values exist before the runs, so each run replaces them all: a mix would show two notes.
    const first = await importForceReturn(db.kysely, systemActor, {
      name: "initial.csv",
      text: await combinedReturn("initial"),
    });

    const state = async () => {
      const values = await db.kysely
        .selectFrom("measure_values")
        .innerJoin("measure_imports", "measure_imports.id", "measure_values.import_id")
        .select(["measure_values.note", "measure_imports.file_name"])
        .execute();
      const [audit] = await countTables(db, ["audit_log"]);
      return {
        notes: new Set(values.map((v) => `${v.note} from ${v.file_name}`)),
        values: values.length,
        audit,
      };
    };
    const runFile = async (run: number) => {
      const file = join(folder, `run-${run}.csv`);
      await writeFile(file, await combinedReturn(`run ${run}`));
      return file;
    };

    // An unkilled run says how long the work takes, so the kills fall before, inside and after it.
    const calibration = await runKillChild("force-return", url, await runFile(0), "never");
    expect(calibration.code).toBe(0);
    const spanMs = Math.max(50, (calibration.workMs ?? 0) * 1.5);
    let landed = 0;
    for (const [index, delay] of killDelays(KILLS, spanMs).entries()) {
      const run = index + 1;
      const before = await state();
      const result = await runKillChild("force-return", url, await runFile(run), { afterReadyMs: delay });
      await expectIntact(db);
      const after = await state();
      expect(after.values).toBe(first.rows);
      if (result.output.includes("done")) {
        expect([...after.notes]).toEqual([`run ${run} from run-${run}.csv`]);
        expect(after.audit).toBe((before.audit ?? 0) + 1);
        landed++;
      } else {
        expect(result.signal).toBe("SIGKILL");
        // Killed before "done" was printed: the commit may or may not have happened, but not half of it.
        const sawNew = after.notes.has(`run ${run} from run-${run}.csv`);
        expect(after).toEqual(
          sawNew ? { ...after, notes: new Set([`run ${run} from run-${run}.csv`]) } : before,
        );
        if (sawNew) expect(after.audit).toBe((before.audit ?? 0) + 1);
      }
    }
    // Both outcomes happen, or the kill moments do not cover the work.
    expect(landed).toBeLessThan(KILLS);
  });
});

/**
 * Runs the job once unkilled to learn the rows one whole unit adds to `tables` (checked by `expectUnit`) and how
 * long the work takes, then kills it KILLS times across that span: each time the database is intact and the
 * tables changed by nothing or by exactly one whole unit. Returns how often each happened.
 */
async function killedUnits(
  job: "notes-import" | "meeting-save",
  url: string,
  file: string,
  tables: string[],
  seed: number,
  expectUnit: (unit: number[]) => void,
): Promise<{ none: number; whole: number }> {
  const { db } = database.current();
  const calibrationBefore = await countTables(db, tables);
  const calibration = await runKillChild(job, url, file, "never");
  expect(calibration.code).toBe(0);
  const wholeUnit = (await countTables(db, tables)).map((n, i) => n - (calibrationBefore[i] ?? 0));
  expectUnit(wholeUnit);

  const spanMs = Math.max(50, (calibration.workMs ?? 0) * 1.5);
  const outcomes = { none: 0, whole: 0 };
  for (const delay of killDelays(KILLS, spanMs, seed)) {
    const before = await countTables(db, tables);
    const result = await runKillChild(job, url, file, { afterReadyMs: delay });
    await expectIntact(db);
    const change = (await countTables(db, tables)).map((n, i) => n - (before[i] ?? 0));
    if (result.output.includes("done")) expect(change).toEqual(wholeUnit);
    else expect([tables.map(() => 0), wholeUnit]).toContainEqual(change);
    outcomes[change[0] === 0 ? "none" : "whole"]++;
  }
  return outcomes;
}

describe("killing a notes import", () => {
  it("leaves no meeting or the whole meeting", { timeout: 400_000 }, async () => {
    const { db, url } = database.current();
    const file = fromRoot(
      "test",
      "fixtures",
      "meetings",
      "west-mercia-q2-2023-24-performance-meeting-notes.txt",
    );
    // People named in the notes are added by the first import only; later imports find them.
    await importPublishedMeeting(db.kysely, systemActor, await readFile(file, "utf8"));
    const tables = ["meetings", "meeting_items", "meeting_attendees", "people", "audit_log"];

    const outcomes = await killedUnits("notes-import", url, file, tables, 9, (unit) => {
      expect(unit).toEqual([1, expect.any(Number), 6, 0, 1]);
      expect(unit[1]).toBeGreaterThan(3);
    });
    expect(outcomes.none).toBeGreaterThan(0);
  });
});

describe("killing a meeting save", () => {
  it("leaves no meeting or the meeting with its whole agenda", { timeout: 400_000 }, async () => {
    const { url } = database.current();
    const file = join(folder, "meeting.json");
    await writeFile(
      file,
      JSON.stringify({
        typeKey: "performance",
        periodLabel: "Quarter 3 – 2031/32",
        theme: null,
        date: "2031-12-10",
        startTime: "10:00",
        endTime: "12:00",
        venue: "Hindlip Park",
      }),
    );
    const outcomes = await killedUnits(
      "meeting-save",
      url,
      file,
      ["meetings", "meeting_items", "audit_log"],
      10,
      (unit) =>
        // The performance template's seven standing items, and one audit row for the lot.
        expect(unit).toEqual([1, 7, 1]),
    );
    expect(outcomes.none).toBeGreaterThan(0);
  });
});
