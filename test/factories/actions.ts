import type { Db } from "../../src/db/database.js";
import { systemActor } from "../../src/modules/audit/actor.js";
import type { MeetingStatus } from "../../src/modules/meetings/meetings.tables.js";
import { newActionSchema } from "../../src/modules/actions/actions.schema.js";
import { createAction } from "../../src/modules/actions/actions.service.js";
import type { ActionRow } from "../../src/modules/actions/actions.tables.js";

const now = () => new Date().toISOString();

/** A meeting (of the seeded performance type) with the standing items the action tracker refers to. */
export async function createTestMeeting(
  db: Db,
  overrides: Partial<{ title: string; date: string; status: MeetingStatus; theme: string | null }> = {},
) {
  const type = await db.kysely
    .selectFrom("meeting_types")
    .select("id")
    .where("key", "=", "performance")
    .executeTakeFirstOrThrow();
  const meeting = await db.kysely
    .insertInto("meetings")
    .values({
      meeting_type_id: type.id,
      title: overrides.title ?? "Assurance & Accountability – Performance (sample)",
      date: overrides.date ?? "2024-03-12",
      theme: overrides.theme ?? null,
      status: overrides.status ?? "held",
      published_at: overrides.status === "published" ? now() : null,
      created_at: now(),
      updated_at: now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const items = await db.kysely
    .insertInto("meeting_items")
    .values(
      ["Review of Action Tracker", "Quarterly Performance", "Summary of Actions Arising"].map(
        (title, index) => ({
          meeting_id: meeting.id,
          number: index + 1,
          title,
          focus_json: "[]",
          created_at: now(),
          updated_at: now(),
        }),
      ),
    )
    .returningAll()
    .execute();
  return { meeting, items };
}

export async function createTestPerson(db: Db, name: string, userId: number | null = null) {
  return db.kysely
    .insertInto("people")
    .values({ name, user_id: userId, created_at: now(), updated_at: now() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An action through the service, from form-shaped input, so factories obey the same rules as the app. */
export async function createTestAction(db: Db, form: Record<string, string | string[]>): Promise<ActionRow> {
  const input = newActionSchema.parse({ description: "Share the delivery plan (sample)", ...form });
  return createAction(db.kysely, { actor: systemActor, userId: null, role: "admin" }, input);
}
