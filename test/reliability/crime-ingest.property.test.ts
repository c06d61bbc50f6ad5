/**
 * Property: a damaged data.police.uk CSV is loaded whole or refused whole with a message naming the
 * file (and the line and field for bad rows); a refusal leaves every crime table as it was.
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../src/modules/audit/actor.js";
import { ingestPoliceCsv } from "../../src/modules/crime/ingest.service.js";
import { loadReferenceData, type ReferenceData } from "../../src/modules/crime/reference.js";
import { countRows, policeFixtures, snapshotCrimeData } from "../../src/modules/crime/test-support.js";
import { useTestDatabase } from "../helpers/test-db.js";
import { PROPERTY_SEED, damagedCopy } from "./mutations.js";

const database = useTestDatabase();
let reference: ReferenceData;
const originals: { file: string; text: Buffer }[] = [];
beforeAll(async () => {
  reference = await loadReferenceData();
  for (const folder of ["original", "bom", "crlf"]) {
    for (const file of await readdir(join(policeFixtures, folder))) {
      originals.push({ file, text: await readFile(join(policeFixtures, folder, file)) });
    }
  }
});

const tableOf = {
  street: "crime_street_crimes",
  outcomes: "crime_outcome_events",
  "stop-and-search": "crime_stop_searches",
} as const;

describe("ingesting damaged data.police.uk files", () => {
  it("loads each whole or refuses it whole, saying where", { timeout: 60_000 }, async () => {
    const { db } = database.current();
    const outcomes = { loaded: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(damagedCopy(originals), async ({ file, text }) => {
        const before = await snapshotCrimeData(db);
        const ingestsBefore = await countRows(db, "crime_ingests");
        // Two chunks, split mid-file, as a stream delivers them.
        const middle = Math.floor(text.length / 2);
        const result = await ingestPoliceCsv(
          db,
          { file, stream: Readable.from([text.subarray(0, middle), text.subarray(middle)]) },
          { reference, actor: systemActor },
        );
        outcomes[result.status]++;
        if (result.status === "rejected") {
          expect(result.reason.startsWith(`${file}: `)).toBe(true);
          for (const error of result.errors) {
            expect(error.file).toBe(file);
            expect(error.message).not.toBe("");
            expect(error.line).toBeGreaterThan(1);
          }
          expect(await snapshotCrimeData(db)).toEqual(before);
          expect(await countRows(db, "crime_ingests")).toBe(ingestsBefore);
          return;
        }
        const { forceId, month, kind } = result.identity;
        const held = await db.kysely
          .selectFrom(tableOf[kind])
          .select((eb) => eb.fn.countAll<string | number>().as("n"))
          .where("force_id", "=", forceId)
          .where("month", "=", month)
          .executeTakeFirstOrThrow();
        expect(Number(held.n)).toBe(result.rowsAccepted);
        expect(await countRows(db, "crime_ingests")).toBe(ingestsBefore + 1);
      }),
      { seed: PROPERTY_SEED, numRuns: 80 },
    );
    // Both branches were exercised, or the edits are too gentle or too harsh to test anything.
    expect(outcomes.loaded).toBeGreaterThan(10);
    expect(outcomes.rejected).toBeGreaterThan(10);
  });
});
