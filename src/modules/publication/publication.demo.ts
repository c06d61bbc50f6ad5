import type { Db } from "../../db/database.js";
import type { Actor } from "../audit/actor.js";
import { todayInUk } from "../inspections/deadline.js";
import { listMeasures } from "../measures/measures.repository.js";
import { updateMeasureSettings } from "../measures/measures.service.js";
import { PLACEHOLDER_START, STATEMENT_TITLE } from "./publication.schema.js";
import { createStatementDraft, generateStatementDraft, publishStatement } from "./publication.service.js";

const demoActor: Actor = { userId: null, label: "demo data", ip: null };

const SAMPLE_WORDS =
  "SAMPLE text written for the demonstration, not the words of any commissioner: the chief constable reports " +
  "on this priority at the commissioner's quarterly performance meeting, where the commissioner questions the " +
  "figures above and the action behind them.";

/** Measures the demonstration publishes: the national priorities' and the complaints measures. */
const publishedInDemo = (measure: { id: string; national_priority: string | null }) =>
  measure.national_priority !== null ||
  measure.id.startsWith("complaints.") ||
  measure.id.startsWith("conduct.");

/**
 * The public site of the demonstration: publishes the headline and complaints measures (their values are the
 * SAMPLE force returns) and a 7A statement generated from them, its own words marked SAMPLE.
 */
export async function loadPublicationDemo(db: Db): Promise<void> {
  for (const measure of (await listMeasures(db.kysely, { publishedOnly: false })).filter(publishedInDemo)) {
    if (measure.published === 1) continue;
    await updateMeasureSettings(db.kysely, demoActor, measure.id, {
      published: "yes",
      target: measure.target === null ? "" : String(measure.target),
      localPriority: measure.local_priority ?? "",
    });
  }
  const generated = await generateStatementDraft(db.kysely);
  const body = generated.body.replace(new RegExp(`\\${PLACEHOLDER_START}[^\\]]*\\]`, "g"), SAMPLE_WORDS);
  const draft = await createStatementDraft(db.kysely, demoActor, {
    title: `SAMPLE: ${STATEMENT_TITLE}`,
    body: `SAMPLE: a statement generated for the demonstration; it is not a statement of any Police and Crime Commissioner.\n\n${body}`,
    figuresTo: generated.figuresTo,
  });
  await publishStatement(db.kysely, demoActor, draft.id, {
    publishedOn: todayInUk(),
    version: draft.version,
  });
}

/** The demonstration step (see src/modules/demo/demo.service.ts). */
export const publicationDemoStep = {
  name: "public site: published headline measures and a 7A statement (SAMPLE)",
  isNeeded: async (db: Db) =>
    !(await db.kysely.selectFrom("priority_statements").select("id").limit(1).executeTakeFirst()),
  load: (db: Db) => loadPublicationDemo(db),
};
