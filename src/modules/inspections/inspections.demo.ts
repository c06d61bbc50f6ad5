import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import type { Actor } from "../audit/actor.js";
import { addDays, todayInUk } from "./deadline.js";
import { importInspections, parseInspectionsCsv } from "./inspections.import.js";
import { findFindingByReference, listInspections } from "./inspections.repository.js";
import {
  addProgressUpdate,
  assessUpdate,
  changeFindingStatus,
  draftResponse,
  publishResponse,
} from "./inspections.service.js";

const demoActor: Actor = { userId: null, label: "demo data", ip: null };

/**
 * SAMPLE inspections for the demonstration: West Mercia's real HMICFRS reports are not in the repository, so
 * these are invented, titled "Sample:" and flagged as sample data (a visible tag on every page). The grades are
 * illustrative only and are not the force's.
 */
function sampleCsv(today: string): string {
  const thematicPublished = addDays(today, -20);
  return `record,inspection,kind,title,published_on,report_url,scope,question_area,grade,reference,parent_reference,text,owner,target_date
inspection,PEEL-1,peel,Sample: PEEL 2021/22 (illustrative grades),2022-03-10,,Sample data: an invented PEEL inspection for the demonstration,,,,,,,
grade,PEEL-1,,,,,,Investigating crime,adequate,,,,,
grade,PEEL-1,,,,,,Protecting vulnerable people,good,,,,,
grade,PEEL-1,,,,,,Responding to the public,requires improvement,,,,,
grade,PEEL-1,,,,,,Managing offenders and suspects,good,,,,,
grade,PEEL-1,,,,,,Leadership and force management,adequate,,,,,
finding,PEEL-1,afi,,,,,,,AFI 1,,Sample: the force should improve how quickly it answers non-emergency calls.,Head of Contact Management,2023-03-31
inspection,PEEL-2,peel,Sample: PEEL 2023–25 (illustrative grades),2024-11-14,,Sample data: an invented PEEL inspection for the demonstration,,,,,,,
grade,PEEL-2,,,,,,Investigating crime,requires improvement,,,,,
grade,PEEL-2,,,,,,Protecting vulnerable people,good,,,,,
grade,PEEL-2,,,,,,Responding to the public,inadequate,,,,,
grade,PEEL-2,,,,,,Managing offenders and suspects,adequate,,,,,
grade,PEEL-2,,,,,,Leadership and force management,adequate,,,,,
grade,PEEL-2,,,,,,Preventing crime and antisocial behaviour,good,,,,,
finding,PEEL-2,cause of concern,,,,,,,CoC 1,,Sample: the force does not answer enough emergency (999) calls within ten seconds.,ACC Local Policing,2025-09-30
finding,PEEL-2,recommendation,,,,,,,CoC 1 R1,CoC 1,Sample: within six months the force should make sure it has enough call handlers at peak times.,Head of Contact Management,2025-05-14
finding,PEEL-2,recommendation,,,,,,,CoC 1 R2,CoC 1,Sample: within six months the force should make sure calls are assessed with a structured triage tool.,Head of Contact Management,2025-05-14
finding,PEEL-2,afi,,,,,,,AFI 1,,Sample: the force should make sure victims' needs assessments are recorded.,Head of Crime Standards,2025-11-30
finding,PEEL-2,afi,,,,,,,AFI 2,,Sample: the force should improve its vetting decisions' recording of the reasons.,Head of Professional Standards,2025-11-30
inspection,THEME-1,national thematic,"Sample: vetting, misconduct and misogyny (national thematic)",${thematicPublished},,"Sample data: an invented national thematic report, published 20 days before the demo was loaded",,,,,,,
finding,THEME-1,national recommendation,,,,,,,NR 1,,Sample: by the end of next year chief constables should record the rationale for every vetting decision.,Head of Professional Standards,
`;
}

/** Loads the sample set once (it does nothing if sample inspections are already there). */
export async function loadInspectionsDemo(db: Kysely<Database>): Promise<void> {
  if ((await listInspections(db)).some((inspection) => inspection.is_sample)) return;
  const today = todayInUk();
  const { rows, errors } = parseInspectionsCsv(sampleCsv(today));
  if (errors.length) throw new Error(`The inspections demo data is invalid: ${JSON.stringify(errors)}`);
  await importInspections(db, demoActor, rows, { sample: true });

  const inspections = await listInspections(db);
  const idOf = (prefix: string) => inspections.find((inspection) => inspection.title.startsWith(prefix))!.id;
  const finding = async (inspectionPrefix: string, reference: string) =>
    (await findFindingByReference(db, idOf(inspectionPrefix), reference))!;

  const oldAfi = await finding("Sample: PEEL 2021/22", "AFI 1");
  await changeFindingStatus(db, demoActor, "opcc", oldAfi.id, {
    to: "closed",
    reason: "Sample: the revisit found non-emergency answer times within target for six months.",
    closed_by: "hmicfrs",
    decided_by: "HMICFRS force liaison lead (sample)",
    superseded_by_id: null,
  });
  const drafted = await draftResponse(db, demoActor, idOf("Sample: PEEL 2021/22"));
  await publishResponse(db, demoActor, idOf("Sample: PEEL 2021/22"), drafted.version);

  const recommendation = await finding("Sample: PEEL 2023–25", "CoC 1 R1");
  await changeFindingStatus(db, demoActor, "force", recommendation.id, {
    to: "in_progress",
    reason: null,
    closed_by: null,
    decided_by: null,
    superseded_by_id: null,
  });
  const update = await addProgressUpdate(db, demoActor, recommendation.id, {
    update_date: addDays(today, -30),
    narrative: "Sample: 14 call handlers recruited; peak-time rota in place since last month.",
    rag: "amber",
    evidence: "Sample audit: 84% of 999 calls answered within 10 seconds last month (target 90%).",
    evidence_url: null,
  });
  await assessUpdate(db, demoActor, recommendation.id, update.id, {
    assessment: "partially_assured",
    assessment_reason: "Sample: improving, but below the 90% target; ask for three months of data.",
  });

  const localAfi = await finding("Sample: PEEL 2023–25", "AFI 2");
  const national = await finding("Sample: vetting", "NR 1");
  await changeFindingStatus(db, demoActor, "opcc", localAfi.id, {
    to: "superseded",
    reason: "Sample: replaced by the national recommendation on vetting rationale.",
    closed_by: null,
    decided_by: null,
    superseded_by_id: national.id,
  });
}
