/**
 * Property: damaged published notes or agendas are imported as one whole draft meeting or refused
 * whole with a message naming the field; a refusal adds nothing.
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { fromRoot } from "../../src/lib/paths.js";
import { ValidationError } from "../../src/lib/errors.js";
import { systemActor } from "../../src/modules/audit/actor.js";
import {
  importPublishedMeeting,
  type ImportResult,
} from "../../src/modules/meetings/meetings-import.service.js";
import { useTestDatabase } from "../helpers/test-db.js";
import { countTables } from "./kill-harness.js";
import { PROPERTY_SEED, damagedCopy } from "./mutations.js";

const database = useTestDatabase();
const published: { file: string; text: Buffer }[] = [];
beforeAll(async () => {
  const folder = fromRoot("test", "fixtures", "meetings");
  for (const file of (await readdir(folder)).filter((name) => name.endsWith(".txt"))) {
    published.push({ file, text: await readFile(join(folder, file)) });
  }
});

const tables = ["meetings", "meeting_items", "meeting_attendees", "people", "audit_log"];

describe("importing damaged published notes", () => {
  it("imports each as one whole draft or refuses it, saying why", { timeout: 60_000 }, async () => {
    const { kysely } = database.current().db;
    const outcomes = { imported: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(damagedCopy(published), async ({ text }) => {
        const before = await countTables(database.current().db, tables);
        let outcome: ImportResult;
        try {
          outcome = await importPublishedMeeting(kysely, systemActor, text.toString("utf8"));
        } catch (refusal) {
          if (!(refusal instanceof ValidationError)) throw refusal;
          outcomes.refused++;
          expect(refusal.fieldErrors.map((error) => error.field)).toEqual(["text"]);
          expect(refusal.message).toMatch(/^The text /);
          expect(await countTables(database.current().db, tables)).toEqual(before);
          return;
        }
        outcomes.imported++;
        const { meeting, draft } = outcome;
        const items = await kysely
          .selectFrom("meeting_items")
          .select("number")
          .where("meeting_id", "=", meeting.id)
          .execute();
        expect(items).toHaveLength(draft.items.length);
        const attendees = await kysely
          .selectFrom("meeting_attendees")
          .select("id")
          .where("meeting_id", "=", meeting.id)
          .execute();
        expect(attendees).toHaveLength(draft.attendees.length);
      }),
      { seed: PROPERTY_SEED, numRuns: 120 },
    );
    expect(outcomes.imported).toBeGreaterThan(10);
    expect(outcomes.refused).toBeGreaterThan(5);
  });
});
