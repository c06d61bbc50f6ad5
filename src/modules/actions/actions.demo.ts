import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import type { Actor } from "../audit/actor.js";
import { addDays, todayInUk } from "../inspections/deadline.js";
import { actionUpdateSchema, closeActionSchema, newActionSchema } from "./actions.schema.js";
import { closeAction, createAction, updateAction, type ActionEditor } from "./actions.service.js";

const demoEditor: ActionEditor = {
  actor: { userId: null, label: "demo data", ip: null } satisfies Actor,
  userId: null,
  role: "opcc",
};

/**
 * SAMPLE actions for the demonstration, reviewed at the latest meeting already held (in the demo, West Mercia's
 * real meeting of 11 December 2023). Its published notes say the SOC delivery plan and the finalised digital
 * strategy had been shared and a demonstration of the mobile power app arranged, but give no action numbers,
 * owners or dates, and record no new actions. So these actions are invented, each starting "Sample:", and are
 * raised outside any meeting in the database (the previous quarter's is not in it): two are closed at the real
 * meeting's review, as its notes report, and none is presented as raised at it. Loads once; does nothing until the
 * meetings demo has created a meeting that has been held.
 */
export async function loadActionsDemo(db: Kysely<Database>): Promise<void> {
  const already = await db
    .selectFrom("actions")
    .select("id")
    .where("description", "like", "Sample:%")
    .executeTakeFirst();
  if (already) return;
  const today = todayInUk();
  const review = await db
    .selectFrom("meetings")
    .select(["id", "date"])
    .where("status", "not in", ["cancelled", "postponed"])
    .where("date", "<=", today)
    .orderBy("date", "desc")
    .executeTakeFirst();
  if (!review) return;
  // The first force account, if the demo has one, owns two actions so "Actions I own" shows something.
  const forceUser = await db
    .selectFrom("users")
    .select("id")
    .where("role", "=", "force")
    .where("disabled_at", "is", null)
    .orderBy("id")
    .executeTakeFirst();
  const previousQuarter = addDays(review.date, -91);
  const beforeReview = addDays(review.date, -21);

  const raise = (
    raisedOn: string,
    description: string,
    ownerRoles: string,
    dueDate: string,
    forForceUser = false,
  ) =>
    createAction(
      db,
      demoEditor,
      newActionSchema.parse({
        raisedOn,
        description,
        ownerRoles,
        dueDate,
        ownerUsers: forForceUser && forceUser ? String(forceUser.id) : undefined,
      }),
    );
  const update = (
    id: number,
    fields: { status: string; note: string; evidenceText?: string },
    updatedOn = beforeReview,
  ) => updateAction(db, demoEditor, id, actionUpdateSchema.parse({ version: "1", updatedOn, ...fields }));
  const closeAtReview = (id: number, version: number, note: string) =>
    closeAction(
      db,
      demoEditor,
      id,
      closeActionSchema.parse({ version: String(version), reviewMeetingId: String(review.id), note }),
      today,
    );

  const plan = await raise(
    previousQuarter,
    "Sample: share the HMICFRS Serious Organised Crime (SOC) delivery plan with the PCC",
    "T/DCC",
    addDays(previousQuarter, 42),
  );
  const planShared = await update(plan.id, {
    status: "awaiting-review",
    note: "Sample: the delivery plan has been shared with the PCC.",
    evidenceText: "Sample: SOC delivery plan",
  });
  await closeAtReview(plan.id, planShared.version, "Sample: the CC confirmed the plan had been shared.");

  const strategy = await raise(
    previousQuarter,
    "Sample: share the finalised digital strategy with the PCC",
    "CC",
    addDays(previousQuarter, 56),
    true,
  );
  const strategyShared = await update(strategy.id, {
    status: "awaiting-review",
    note: "Sample: the finalised digital strategy has been shared with the PCC.",
  });
  await closeAtReview(
    strategy.id,
    strategyShared.version,
    "Sample: the CC confirmed the strategy had been shared.",
  );

  const powerApp = await raise(
    previousQuarter,
    "Sample: arrange a demonstration of the mobile power app that measures engagement",
    "ACC",
    addDays(review.date, 28),
    true,
  );
  await update(powerApp.id, {
    status: "in-progress",
    note: "Sample: a meeting has been arranged for the demonstration.",
  });

  await raise(
    addDays(today, -14),
    "Sample: set out how feedback from dissatisfied domestic abuse victims is learned from and reaches officers",
    "T/CC",
    addDays(today, 60),
  );
}
