import type { Db } from "../../src/db/database.js";
import { systemActor } from "../../src/modules/audit/actor.js";
import { paperRequestSchema } from "../../src/modules/meetings/meetings.schema.js";
import { requestPaper } from "../../src/modules/meetings/meetings.service.js";

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
