import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { TestClient, testApp } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { nowIso } from "../../lib/time.js";
import { loadMeetingsDemo } from "../meetings/meetings.demo.js";
import { loadInspectionsDemo } from "./inspections.demo.js";
import { insertLink } from "./inspections.repository.js";

const database = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  const { db } = database.current();
  await loadMeetingsDemo(db.kysely);
  await loadInspectionsDemo(db.kysely);
  app = await testApp(db);
});
afterAll(async () => {
  await app.close();
});

describe("a finding's links", () => {
  it("lead to the measure and to the agenda item that discussed it", async () => {
    const { db } = database.current();
    const finding = await db.kysely.selectFrom("inspection_findings").select("id").executeTakeFirstOrThrow();
    const item = await db.kysely
      .selectFrom("meeting_items")
      .innerJoin("meetings", "meetings.id", "meeting_items.meeting_id")
      .select(["meeting_items.id", "meeting_items.meeting_id", "meeting_items.number", "meetings.title"])
      .where("meeting_items.title", "like", "%HMICFRS%")
      .executeTakeFirstOrThrow();
    await insertLink(db.kysely, {
      finding_id: finding.id,
      measure_id: "calls.999-answered-within-10-seconds",
      agenda_item_id: item.id,
      note: "discussed at the quarterly meeting",
      created_at: nowIso(),
    });
    const officer = await createTestUser(db, { role: "opcc" });
    const client = new TestClient(app);
    await client.signIn(officer.email);
    const page = await client.get(`/inspections/findings/${finding.id}`);
    expect(page.body).toContain('href="/measures/calls.999-answered-within-10-seconds"');
    expect(page.body).toContain(`href="/meetings/${item.meeting_id}#item-${item.number}"`);
  });
});
