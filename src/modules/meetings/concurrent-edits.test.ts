import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { testApp, TestClient } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { createTemplateMeeting } from "../../../test/factories/meeting-papers.js";
import { systemActor } from "../audit/actor.js";
import { findMeetingItem } from "./meetings.repository.js";
import { updateItem } from "./meetings.service.js";
import { StaleEditError, staleMessages } from "../../lib/stale-edit.js";

const database = useTestDatabase();
let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp(database.current().db);
});
afterAll(async () => {
  await app.close();
});

const meetingWithItems = (date: string) =>
  createTemplateMeeting(database.current().db, date, "Quarter 3 – 2024/25");

async function signedIn(role: "opcc" | "admin") {
  const user = await createTestUser(database.current().db, { role });
  const client = new TestClient(app);
  await client.signIn(user.email);
  return client;
}

describe("two people editing the same item's notes", () => {
  it("refuses the second save, keeping the first, and never overwrites silently", async () => {
    const { kysely } = database.current().db;
    const { meeting, items } = await meetingWithItems("2024-10-01");
    const item = items[2]!;
    await updateItem(
      kysely,
      systemActor,
      meeting.id,
      item.id,
      { notes_markdown: "First officer's notes" },
      1,
    );
    const stale = updateItem(
      kysely,
      systemActor,
      meeting.id,
      item.id,
      { notes_markdown: "Second officer's" },
      1,
    );
    await expect(stale).rejects.toBeInstanceOf(StaleEditError);
    await expect(stale).rejects.toThrow(staleMessages.item);
    const saved = await findMeetingItem(kysely, item.id);
    expect(saved).toMatchObject({ notes_markdown: "First officer's notes", version: 2 });
  });

  it("shows the refusal on the form with the person's text kept and a link to the current version", async () => {
    const { meeting, items } = await meetingWithItems("2024-10-02");
    const url = `/meetings/${meeting.id}/items/${items[1]!.id}`;
    const first = await signedIn("opcc");
    const second = await signedIn("opcc");
    const openedBySecond = await second.get(url);
    expect(openedBySecond.body).toContain('name="version" value="1"');

    const saved = await first.post(
      `${url}/notes`,
      { version: "1", notes: "Saved by the first officer" },
      url,
    );
    expect(saved.statusCode).toBe(302);
    const refused = await second.post(
      `${url}/notes`,
      { version: "1", notes: "Typed by the second officer" },
      url,
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(staleMessages.item);
    expect(refused.body).toContain("Typed by the second officer");
    expect(refused.body).toContain(`href="${url}" target="_blank"`);
    // The current text is offered for comparison, and saving again is now deliberate, at the current version.
    expect(refused.body).toContain("Saved by the first officer");
    expect(refused.body).toContain('name="version" value="2"');
    expect((await findMeetingItem(database.current().db.kysely, items[1]!.id))?.notes_markdown).toBe(
      "Saved by the first officer",
    );

    const detailsRefused = await second.post(`${url}/settings`, { version: "1", title: "Renamed" }, url);
    expect(detailsRefused.statusCode).toBe(422);
    expect(detailsRefused.body).toContain(staleMessages.item);
  });
});

describe("50 concurrent editors of one item", () => {
  it("lose no update when each appends and retries after a refusal", async () => {
    const { kysely } = database.current().db;
    const { meeting, items } = await meetingWithItems("2024-10-03");
    const itemId = items[0]!.id;
    let refusals = 0;
    const appendUntilSaved = async (line: string) => {
      for (;;) {
        const current = await findMeetingItem(kysely, itemId);
        const notes = current!.notes_markdown ? `${current!.notes_markdown}\n${line}` : line;
        try {
          return await updateItem(
            kysely,
            systemActor,
            meeting.id,
            itemId,
            { notes_markdown: notes },
            current!.version,
          );
        } catch (error) {
          if (!(error instanceof StaleEditError)) throw error;
          refusals += 1;
        }
      }
    };
    const lines = Array.from({ length: 50 }, (_, index) => `- Point ${index + 1}`);
    await Promise.all(lines.map(appendUntilSaved));
    const saved = await findMeetingItem(kysely, itemId);
    expect(saved!.notes_markdown.split("\n").sort()).toEqual([...lines].sort());
    expect(saved!.version).toBe(51);
    expect(refusals).toBeGreaterThan(0);
    const audited = await kysely
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("entity_type", "=", "meeting_item")
      .where("entity_id", "=", String(itemId))
      .executeTakeFirstOrThrow();
    expect(Number(audited.n)).toBe(50);
  });
});
