/** Data protection: every download of a restricted paper is in the audit log, with who read it. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { parseConfig } from "../../src/config.js";
import { systemActor } from "../../src/modules/audit/actor.js";
import {
  findMeetingTypeByKey,
  listItems,
  listPaperRequests,
} from "../../src/modules/meetings/meetings.repository.js";
import {
  changeStatus,
  createMeetingFromTemplate,
  requestPaper,
  uploadPaper,
} from "../../src/modules/meetings/meetings.service.js";
import { samplePdf } from "../../src/modules/meetings/test-papers.js";
import { createTestUser } from "../factories.js";
import { TestClient } from "../helpers/http.js";
import { useTestDatabase } from "../helpers/test-db.js";

const database = useTestDatabase();
let app: FastifyInstance;
let uploadDir: string;
beforeAll(async () => {
  uploadDir = await mkdtemp(join(tmpdir(), "scrutineer-paper-reads-"));
  app = await buildApp({
    config: parseConfig({ LOG_LEVEL: "silent", UPLOAD_DIR: uploadDir }),
    db: database.current().db,
  });
});
afterAll(async () => {
  await app.close();
  await rm(uploadDir, { recursive: true, force: true });
});

/** A meeting with its agenda published and two papers on one item: one restricted, one public. */
async function meetingWithPapers() {
  const { kysely } = database.current().db;
  const type = await findMeetingTypeByKey(kysely, "performance");
  const meeting = await createMeetingFromTemplate(kysely, systemActor, {
    meetingTypeId: type!.id,
    periodLabel: "Quarter 2 – 2031/32",
    theme: null,
    date: "2031-09-10",
    startTime: "10:00",
    endTime: "12:00",
    venue: null,
  });
  const [, item] = await listItems(kysely, meeting.id);
  for (const restricted of [1, 0] as const) {
    await requestPaper(kysely, systemActor, meeting.id, item!.id, {
      kind: "paper",
      description: restricted ? "Restricted briefing" : "Public briefing",
      provider: "DCC",
      deadlineDate: "2031-09-01",
      deadlineTime: "09:00",
      restricted,
    });
  }
  for (const request of await listPaperRequests(kysely, meeting.id)) {
    await uploadPaper(kysely, systemActor, uploadDir, request.id, {
      filename: `${request.description}.pdf`,
      data: await samplePdf(request.description),
      truncated: false,
    });
  }
  await changeStatus(kysely, systemActor, meeting.id, "agenda-published");
  const requests = await listPaperRequests(kysely, meeting.id);
  const paperOf = (restricted: number) => requests.find((r) => r.restricted === restricted)!.papers[0]!.id;
  return { restricted: paperOf(1), open: paperOf(0) };
}

function readsOf(paperId: number) {
  return database
    .current()
    .db.kysely.selectFrom("audit_log")
    .select(["user_id", "actor", "action", "entity_type", "entity_id"])
    .where("action", "=", "read")
    .where("entity_id", "=", String(paperId))
    .execute();
}

describe("reads of restricted papers", () => {
  it("records who downloaded a restricted paper, and not reads of public ones", async () => {
    const papers = await meetingWithPapers();
    const member = await createTestUser(database.current().db, { role: "panel" });
    const panel = new TestClient(app);
    await panel.signIn(member.email);

    expect((await panel.get(`/papers/${papers.restricted}`)).statusCode).toBe(200);
    expect((await panel.get(`/papers/${papers.restricted}`)).statusCode).toBe(200);
    const reads = await readsOf(papers.restricted);
    expect(reads).toHaveLength(2);
    expect(reads[0]?.actor).toContain(member.email);
    expect(reads[0]).toEqual({
      user_id: member.id,
      actor: reads[0]?.actor,
      action: "read",
      entity_type: "paper",
      entity_id: String(papers.restricted),
    });

    expect((await panel.get(`/papers/${papers.open}`)).statusCode).toBe(200);
    expect((await new TestClient(app).get(`/papers/${papers.open}`)).statusCode).toBe(200);
    expect(await readsOf(papers.open)).toEqual([]);

    // Refused requests read nothing, so they record nothing.
    expect((await new TestClient(app).get(`/papers/${papers.restricted}`)).statusCode).toBe(404);
    expect(await readsOf(papers.restricted)).toHaveLength(2);
  });
});
