import type { Db } from "../../src/db/database.js";
import { systemActor } from "../../src/modules/audit/actor.js";
import { paperRequestSchema } from "../../src/modules/meetings/meetings.schema.js";
import { findMeetingTypeByKey, listItems } from "../../src/modules/meetings/meetings.repository.js";
import { createMeetingFromTemplate, requestPaper } from "../../src/modules/meetings/meetings.service.js";

/** A paper request through the service, from form-shaped input, so it obeys the app's rules (deadline before the meeting). */
export async function createTestPaperRequest(
  db: Db,
  meetingId: number,
  itemId: number,
  form: Partial<Record<"kind" | "description" | "provider" | "deadlineDate" | "deadlineTime", string>>,
) {
  const input = paperRequestSchema.parse({
    kind: "paper",
    description: "Quarterly performance paper (sample)",
    provider: "T/DCC",
    deadlineTime: "12:00",
    ...form,
  });
  return requestPaper(db.kysely, systemActor, meetingId, itemId, input);
}

/** A quarterly performance meeting created through the service from its template, with its standing items. */
export async function createTemplateMeeting(db: Db, date: string, periodLabel = "Quarter 3 – 2024/25") {
  const type = await findMeetingTypeByKey(db.kysely, "performance");
  const meeting = await createMeetingFromTemplate(db.kysely, systemActor, {
    meetingTypeId: type!.id,
    periodLabel,
    theme: null,
    date,
    startTime: "10:00",
    endTime: "12:00",
    venue: null,
  });
  return { meeting, items: await listItems(db.kysely, meeting.id) };
}
