import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Db } from "../../db/database.js";
import { fromRoot } from "../../lib/paths.js";
import type { Actor } from "../audit/actor.js";
import { ensureMeasureCatalogue, importForceReturn, type ImportSummary } from "./measures.service.js";

const demoActor: Actor = { userId: null, label: "demo data", ip: null };
export const SAMPLE_RETURNS_FOLDER = fromRoot("data", "measures", "examples");

/**
 * Loads the catalogue and the SAMPLE force returns in data/measures/examples/: no real force return
 * is in the repository, so every value is invented and its note says "SAMPLE".
 */
export async function loadMeasuresDemo(db: Db): Promise<ImportSummary[]> {
  await ensureMeasureCatalogue(db.kysely);
  const files = (await readdir(SAMPLE_RETURNS_FOLDER)).filter((name) => name.endsWith(".csv")).sort();
  const summaries: ImportSummary[] = [];
  for (const name of files) {
    const text = await readFile(join(SAMPLE_RETURNS_FOLDER, name), "utf8");
    summaries.push(await importForceReturn(db.kysely, demoActor, { name, text }));
  }
  return summaries;
}
