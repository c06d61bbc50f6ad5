/**
 * The demonstration data a quarterly report test needs, loaded quickly: the SAMPLE force returns, the real
 * data.police.uk files for West Mercia and two peers for April to September 2025 (not all 13 forces for the
 * year, which takes ~16 s), the SAMPLE inspections register, meetings and actions, and the demo's draft report.
 */
import { join } from "node:path";
import type { Db } from "../../db/database.js";
import { loadActionsDemo } from "../actions/actions.demo.js";
import { systemActor } from "../audit/actor.js";
import { ingestPath } from "../crime/ingest.service.js";
import { loadReferenceData } from "../crime/reference.js";
import { demoDirectory } from "../demo/demo.service.js";
import { loadInspectionsDemo } from "../inspections/inspections.demo.js";
import { loadMeasuresDemo } from "../measures/measures.demo.js";
import { loadMeetingsDemo } from "../meetings/meetings.demo.js";
import { reportDraft } from "./reports.demo.js";

const FORCES = ["west-mercia", "warwickshire", "gloucestershire"];
const MONTHS = ["2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09"];

export async function loadReportDemoSubset(db: Db): Promise<void> {
  await loadMeasuresDemo(db);
  const reference = await loadReferenceData();
  for (const month of MONTHS) {
    const path = join(demoDirectory, "police-uk", `${month}.zip`);
    for await (const result of ingestPath(db, path, { reference, actor: systemActor, forceIds: FORCES })) {
      if (result.status === "rejected") throw new Error(`${result.file}: ${result.reason}`);
    }
  }
  await loadMeetingsDemo(db.kysely);
  await loadInspectionsDemo(db.kysely);
  await loadActionsDemo(db.kysely);
  await reportDraft.load(db);
}
