import { readFile } from "node:fs/promises";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { fromRoot } from "../../lib/paths.js";
import type { Actor } from "../audit/actor.js";
import { londonLocal } from "./deadlines.js";
import { importPublishedMeeting } from "./meetings-import.service.js";
import { findMeetingTypeByKey, listItems } from "./meetings.repository.js";
import { createMeetingFromTemplate, requestPaper } from "./meetings.service.js";

const demoActor: Actor = { userId: null, label: "demo data", ip: null };

export const westMerciaAttribution =
  "Published by the Office of the West Mercia PCC: the notes of the Assurance & Accountability – Performance " +
  "meeting of 11 December 2023, imported from the text of the PCC's published page.";

const westMerciaNotes = fromRoot(
  "test",
  "fixtures",
  "meetings",
  "west-mercia-q2-2023-24-performance-meeting-notes.txt",
);

function addDays(date: string, days: number): string {
  const next = new Date(`${date}T12:00:00Z`);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}

/**
 * The meetings of the demonstration: the real, published West Mercia notes of 11 December 2023 (attributed),
 * and a SAMPLE quarterly meeting four weeks from today, planned from the template, with one paper requested.
 * Loads once: does nothing when the West Mercia meeting is already there.
 */
export async function loadMeetingsDemo(db: Kysely<Database>): Promise<void> {
  const already = await db
    .selectFrom("meetings")
    .select("id")
    .where("attribution", "=", westMerciaAttribution)
    .executeTakeFirst();
  if (already) return;
  await importPublishedMeeting(db, demoActor, await readFile(westMerciaNotes, "utf8"), {
    attribution: westMerciaAttribution,
    status: "published",
  });

  const today = londonLocal(new Date()).slice(0, 10);
  const date = addDays(today, 28);
  const performance = await findMeetingTypeByKey(db, "performance");
  const sample = await createMeetingFromTemplate(db, demoActor, {
    meetingTypeId: performance!.id,
    periodLabel: "SAMPLE upcoming quarter (invented for the demonstration)",
    theme: null,
    date,
    startTime: "10:00",
    endTime: "12:30",
    venue: "Sample venue",
  });
  const items = await listItems(db, sample.id);
  const assessment = items.find((item) => item.title.startsWith("Chief Constable Assessment"));
  await requestPaper(db, demoActor, sample.id, assessment!.id, {
    kind: "paper",
    description: "Sample: quarterly performance paper against the Police and Crime Plan",
    provider: "T/CC",
    deadlineDate: addDays(date, -7),
    deadlineTime: "09:00",
    restricted: 0,
  });
}
