/**
 * Property: a damaged force return is imported whole or refused whole, every problem named by
 * file, line and column; a refusal leaves the values and the import log as they were.
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { fromRoot } from "../../src/lib/paths.js";
import { systemActor } from "../../src/modules/audit/actor.js";
import { describeProblem } from "../../src/modules/measures/force-return.js";
import { FORCE_RETURN_COLUMNS } from "../../src/modules/measures/measures.schema.js";
import {
  ForceReturnRejectedError,
  type ImportSummary,
  ensureMeasureCatalogue,
  importForceReturn,
} from "../../src/modules/measures/measures.service.js";
import { useTestDatabase } from "../helpers/test-db.js";
import { PROPERTY_SEED, damagedCopy } from "./mutations.js";

const database = useTestDatabase();
const samples: { name: string; text: Buffer }[] = [];
beforeAll(async () => {
  await ensureMeasureCatalogue(database.current().db.kysely);
  const folder = fromRoot("data", "measures", "examples");
  for (const name of (await readdir(folder)).filter((file) => file.endsWith(".csv"))) {
    // The first dozen values of each sample return keep a run short; the damage is what matters.
    const lines = (await readFile(join(folder, name), "utf8")).split("\n").slice(0, 13);
    samples.push({ name, text: Buffer.from(`${lines.join("\n")}\n`) });
  }
});

async function valuesState() {
  const { kysely } = database.current().db;
  const values = await kysely.selectFrom("measure_values").selectAll().execute();
  const imports = await kysely.selectFrom("measure_imports").select("id").execute();
  return { values: values.map((row) => JSON.stringify(row)).sort(), imports: imports.length };
}

const fields: readonly string[] = [...FORCE_RETURN_COLUMNS, "file"];

describe("importing damaged force returns", () => {
  it("imports each whole or refuses it whole, saying where", { timeout: 60_000 }, async () => {
    const { kysely } = database.current().db;
    const outcomes = { imported: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(damagedCopy(samples), async ({ name, text }) => {
        const before = await valuesState();
        // Read as an upload is: invalid UTF-8 becomes U+FFFD.
        let outcome: ImportSummary;
        try {
          outcome = await importForceReturn(kysely, systemActor, { name, text: text.toString("utf8") });
        } catch (refusal) {
          if (!(refusal instanceof ForceReturnRejectedError)) throw refusal;
          outcomes.refused++;
          expect(refusal.message.startsWith(`${name} was not imported: `)).toBe(true);
          expect(refusal.problems.length).toBeGreaterThan(0);
          for (const problem of refusal.problems) {
            expect(problem.line).toBeGreaterThanOrEqual(1);
            expect(fields).toContain(problem.field);
            expect(refusal.message).toContain(describeProblem(problem, name));
          }
          expect(await valuesState()).toEqual(before);
          return;
        }
        outcomes.imported++;
        const saved = await kysely
          .selectFrom("measure_values")
          .select("id")
          .where("import_id", "=", outcome.importId)
          .execute();
        expect(saved).toHaveLength(outcome.rows);
        expect((await valuesState()).imports).toBe(before.imports + 1);
      }),
      { seed: PROPERTY_SEED, numRuns: 150 },
    );
    expect(outcomes.imported).toBeGreaterThan(10);
    expect(outcomes.refused).toBeGreaterThan(10);
  });
});
