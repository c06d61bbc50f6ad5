import { rootDir } from "../../lib/paths.js";
/**
 * The demonstration data set, loaded into an empty database when LOAD_DEMO_DATA is true. It is a
 * list of steps, each loading one part and saying itself whether its part is still missing, so a
 * part can be added without touching the others. See data/demo/README.md for what the data is.
 */
import { createHash } from "node:crypto";
import { join, relative } from "node:path";
import type { Db } from "../../db/database.js";
import { systemActor } from "../audit/actor.js";
import { listPoliceCsvs, readPoliceCsvs } from "../crime/archive.js";
import { describeParseError, ingestPoliceCsv } from "../crime/ingest.service.js";
import { loadReferenceData } from "../crime/reference.js";
import { loadActionsDemo } from "../actions/actions.demo.js";
import { loadInspectionsDemo } from "../inspections/inspections.demo.js";
import { loadMeasuresDemo } from "../measures/measures.demo.js";
import { loadMeetingsDemo } from "../meetings/meetings.demo.js";
import { reportDraft } from "../reports/reports.demo.js";
import { publicationDemoStep } from "../publication/publication.demo.js";

export type DemoLog = (line: string) => void;

interface DemoStep {
  name: string;
  /** True when the database holds none of this part yet. */
  isNeeded(db: Db): Promise<boolean>;
  load(db: Db, log: DemoLog): Promise<void>;
}

export const demoDirectory = join(rootDir, "data", "demo");

/** The data.police.uk CSVs under `folder`, named relative to `root` as the ingest log names them. */
async function policeFileNames(root: string, folder: string): Promise<string[]> {
  return (await listPoliceCsvs(folder)).csvs.map((csv) => relative(root, csv.file));
}

/** True while some CSV under `folder` is missing from the ingest log. */
export async function hasUnloadedPoliceFiles(db: Db, root: string, folder: string): Promise<boolean> {
  const files = await policeFileNames(root, folder);
  const logged = await db.kysely
    .selectFrom("crime_ingests")
    .select("file_name")
    .distinct()
    .where("file_name", "in", files)
    .execute();
  return logged.length < files.length;
}

/**
 * Loads the CSVs under `folder` that the ingest log does not hold with the same SHA-256, so a start
 * interrupted mid-way (each file is its own transaction) is finished by the next one. Loading a
 * file again would be harmless too (its force-month-kind is replaced whole), only slow.
 */
export async function loadMissingPoliceFiles(
  db: Db,
  root: string,
  folder: string,
  log: DemoLog,
): Promise<void> {
  const reference = await loadReferenceData();
  const logged = await db.kysely.selectFrom("crime_ingests").select(["file_name", "sha256"]).execute();
  const loaded = new Set(logged.map((row) => `${row.file_name}|${row.sha256}`));
  let skipped = 0;
  for await (const member of readPoliceCsvs(folder)) {
    const file = relative(root, member.file);
    // A demo CSV is a few MB: read whole, it can be hashed before deciding to load it.
    const chunks: Buffer[] = [];
    for await (const chunk of member.stream) chunks.push(chunk as Buffer);
    const content = Buffer.concat(chunks);
    if (loaded.has(`${file}|${createHash("sha256").update(content).digest("hex")}`)) {
      skipped++;
      continue;
    }
    const result = await ingestPoliceCsv(
      db,
      { file, stream: once(content) },
      { reference, actor: systemActor },
    );
    if (result.status === "rejected") {
      const details = result.errors.slice(0, 5).map(describeParseError);
      throw new Error([`Demo data refused: ${result.reason}`, ...details].join("\n"));
    }
    log(`  ${result.file}: ${result.rowsAccepted} rows in ${result.durationMs} ms`);
  }
  if (skipped > 0)
    log(`  ${skipped} ${skipped === 1 ? "file was" : "files were"} already loaded by an earlier start`);
}

async function* once(content: Buffer): AsyncGenerator<Buffer> {
  yield content;
}

const policeDemoPath = join(demoDirectory, "police-uk");

const policeData: DemoStep = {
  name: "data.police.uk crime data (real, 13 forces, 2025; Thames Valley January 2022)",
  isNeeded: (db) => hasUnloadedPoliceFiles(db, demoDirectory, policeDemoPath),
  load: (db, log) => loadMissingPoliceFiles(db, demoDirectory, policeDemoPath, log),
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
const steps: readonly DemoStep[] = [
  meetings,
  inspections,
  actions,
  forceReturns,
  reportDraft,
  policeData,
  publicationDemoStep,
];

export async function loadDemoData(db: Db, log: DemoLog): Promise<void> {
  for (const step of steps) {
    if (!(await step.isNeeded(db))) continue;
    const started = performance.now();
    log(`Loading demonstration data: ${step.name}`);
    await step.load(db, log);
    log(`Loaded ${step.name} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}
