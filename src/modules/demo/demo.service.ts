import { rootDir } from "../../lib/paths.js";
/**
 * The demonstration data set, loaded into an empty database when LOAD_DEMO_DATA is true. It is a
 * list of steps, each loading one part and saying itself whether its part is still missing, so a
 * part can be added without touching the others. See data/demo/README.md for what the data is.
 */
import { join } from "node:path";
import type { Db } from "../../db/database.js";
import { systemActor } from "../audit/actor.js";
import { hasCrimeData } from "../crime/crime.repository.js";
import { describeParseError, ingestPath } from "../crime/ingest.service.js";
import { loadReferenceData } from "../crime/reference.js";
import { loadActionsDemo } from "../actions/actions.demo.js";
import { loadInspectionsDemo } from "../inspections/inspections.demo.js";
import { loadMeasuresDemo } from "../measures/measures.demo.js";
import { loadMeetingsDemo } from "../meetings/meetings.demo.js";

export type DemoLog = (line: string) => void;

interface DemoStep {
  name: string;
  /** True when the database holds none of this part yet. */
  isNeeded(db: Db): Promise<boolean>;
  load(db: Db, log: DemoLog): Promise<void>;
}

export const demoDirectory = join(rootDir, "data", "demo");

const policeData: DemoStep = {
  name: "data.police.uk crime data (real, 13 forces, 2025; Thames Valley January 2022)",
  isNeeded: async (db) => !(await hasCrimeData(db.kysely)),
  async load(db, log) {
    const reference = await loadReferenceData();
    for await (const result of ingestPath(db, join(demoDirectory, "police-uk"), {
      reference,
      actor: systemActor,
      relativeTo: demoDirectory,
    })) {
      if (result.status === "rejected") {
        const details = result.errors.slice(0, 5).map(describeParseError);
        throw new Error([`Demo data refused: ${result.reason}`, ...details].join("\n"));
      }
      log(`  ${result.file}: ${result.rowsAccepted} rows in ${result.durationMs} ms`);
    }
  },
};

const forceReturns: DemoStep = {
  name: "force returns (SAMPLE values: no real force return is public)",
  isNeeded: async (db) =>
    !(await db.kysely.selectFrom("measure_imports").select("id").limit(1).executeTakeFirst()),
  async load(db, log) {
    for (const summary of await loadMeasuresDemo(db)) log(`  ${summary.fileName}: ${summary.rows} values`);
  },
};

const meetings: DemoStep = {
  name: "meetings (West Mercia's real published notes of 11 December 2023, and a SAMPLE upcoming meeting)",
  isNeeded: async (db) => !(await db.kysely.selectFrom("meetings").select("id").limit(1).executeTakeFirst()),
  load: (db) => loadMeetingsDemo(db.kysely),
};

const inspections: DemoStep = {
  name: "HMICFRS inspections register (SAMPLE: the real register is not in the repository)",
  isNeeded: async (db) =>
    !(await db.kysely.selectFrom("inspections").select("id").limit(1).executeTakeFirst()),
  load: (db) => loadInspectionsDemo(db.kysely),
};

const actions: DemoStep = {
  name: "action tracker (SAMPLE actions)",
  isNeeded: async (db) => !(await db.kysely.selectFrom("actions").select("id").limit(1).executeTakeFirst()),
  load: (db) => loadActionsDemo(db.kysely),
};

// Quick parts first, so the site has its meetings while the crime data (the slow part) loads.
const steps: readonly DemoStep[] = [meetings, inspections, actions, forceReturns, policeData];

export async function loadDemoData(db: Db, log: DemoLog): Promise<void> {
  for (const step of steps) {
    if (!(await step.isNeeded(db))) continue;
    const started = performance.now();
    log(`Loading demonstration data: ${step.name}`);
    await step.load(db, log);
    log(`Loaded ${step.name} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}
