import type { Db } from "../../db/database.js";
import { parsePeriod } from "../../stats/periods.js";
import type { Actor } from "../audit/actor.js";
import { listCatalogue, updateMeasureSettings } from "../measures/measures.service.js";
import { saveNarratives } from "./reports.service.js";
import type { NarrativeForm, Quarter } from "./reports.schema.js";

const demoActor: Actor = { userId: null, label: "demo data", ip: null };

export const DEMO_QUARTER = parsePeriod("Q2 2025/26") as Quarter;

/**
 * The priorities of West Mercia's Safer West Mercia Plan, each linked to a measure that bears on it. The
 * priorities are the plan's own; which measure stands for which is the demonstration's choice.
 */
const PLAN_PRIORITY_MEASURES: Record<string, string> = {
  "victims.satisfaction-overall": "Putting victims and survivors first",
  "crimes.neighbourhood": "Building a more secure West Mercia",
  "roads.killed-or-seriously-injured": "Building a more secure West Mercia",
  "confidence.public-confidence": "Reassuring West Mercia's communities",
  "calls.999-answered-within-10-seconds": "Reforming West Mercia",
};

const SAMPLE = "SAMPLE commentary (demonstration data, not written by an OPCC):";

const SAMPLE_NARRATIVES: NarrativeForm = {
  plan: `${SAMPLE} the plan's measures are broadly stable this quarter; the commissioner will ask about neighbourhood crime, which the figures below show against the same quarter last year.`,
  outcomes: `${SAMPLE} the charge/summons share is compared with the other forces loaded; the chief constable is asked what is being done about crimes closed with no suspect identified.`,
  complaints: `${SAMPLE} complaint cases and allegations are in line with recent quarters; the time to finalise a complaint remains above the office's expectation.`,
  acquisitive: `${SAMPLE} shoplifting continues to rise in the towns; the local policing commanders are asked to set out the retail crime plan for the next quarter.`,
  "national-priorities": `${SAMPLE} no measure of cyber crime is held yet; the office will agree one with the force.`,
  "victim-satisfaction": `${SAMPLE} satisfaction among victims of serious violence rests on a small sample this quarter, so no conclusion is drawn from its change.`,
  hmicfrs: `${SAMPLE} findings past their target date will be reviewed at the next governance board.`,
  actions: `${SAMPLE} overdue actions are listed for the force to update before the meeting.`,
};

/** The demonstration's draft report for Q2 2025/26, and plan priorities for a few measures that have none. */
export const reportDraft = {
  name: "quarterly performance report for Q2 2025/26 (draft, SAMPLE commentary)",
  isNeeded: async (db: Db) =>
    !(await db.kysely.selectFrom("quarterly_reports").select("id").limit(1).executeTakeFirst()),
  async load(db: Db) {
    const measures = await listCatalogue(db.kysely, { publishedOnly: false });
    if (measures.every((measure) => measure.local_priority === null)) {
      for (const measure of measures) {
        const priority = PLAN_PRIORITY_MEASURES[measure.id];
        if (!priority) continue;
        await updateMeasureSettings(db.kysely, demoActor, measure.id, {
          published: measure.published === 1 ? "yes" : "no",
          target: measure.target === null ? "" : String(measure.target),
          localPriority: priority,
        });
      }
    }
    await saveNarratives(db.kysely, demoActor, DEMO_QUARTER, SAMPLE_NARRATIVES);
  },
};
