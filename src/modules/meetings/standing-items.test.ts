import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { TestClient, testApp } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { loadActionsDemo } from "../actions/actions.demo.js";
import { loadInspectionsDemo } from "../inspections/inspections.demo.js";
import { loadMeetingsDemo } from "./meetings.demo.js";

const database = useTestDatabase();
let app: FastifyInstance;
let upcomingMeetingId: number;

beforeAll(async () => {
  const { db } = database.current();
  await loadMeetingsDemo(db.kysely);
  await loadInspectionsDemo(db.kysely);
  await loadActionsDemo(db.kysely);
  const upcoming = await db.kysely
    .selectFrom("meetings")
    .select("id")
    .where("period_label", "like", "SAMPLE%")
    .executeTakeFirstOrThrow();
  upcomingMeetingId = upcoming.id;
  app = await testApp(db);
});
afterAll(async () => {
  await app.close();
});

describe("a quarterly meeting's standing items", () => {
  it("bring the open actions and the open HMICFRS findings to the OPCC", async () => {
    const officer = await createTestUser(database.current().db, { role: "opcc" });
    const client = new TestClient(app);
    await client.signIn(officer.email);
    const page = await client.get(`/meetings/${upcomingMeetingId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Open actions to review");
    expect(page.body).toContain("Actions raised at this meeting");
    expect(page.body).toContain("Open HMICFRS findings");
    // The sample register's open cause of concern and the sample open action are listed.
    const openAction = await database
      .current()
      .db.kysely.selectFrom("actions")
      .select(["id"])
      .where("status", "!=", "closed")
      .executeTakeFirstOrThrow();
    expect(page.body).toContain(`href="/actions/${openAction.id}"`);
    expect(page.body).toMatch(/href="\/inspections\/findings\/\d+"/);
  });
});
