import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../app.js";
import { parseConfig } from "../../config.js";
import { fromRoot } from "../../lib/paths.js";
import { createTestUser } from "../../../test/factories.js";
import { csrfTokenIn, TestClient } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { listItems, listPaperRequests } from "./meetings.repository.js";
import { maxPaperBytes } from "./paper-files.js";
import { sampleDocx, samplePdf } from "./test-papers.js";

const database = useTestDatabase();
let app: FastifyInstance;
let uploadDir: string;

beforeAll(async () => {
  uploadDir = await mkdtemp(join(tmpdir(), "scrutineer-route-uploads-"));
  app = await buildApp({
    config: parseConfig({ LOG_LEVEL: "silent", UPLOAD_DIR: uploadDir }),
    db: database.current().db,
  });
});
afterAll(async () => {
  await app.close();
  await rm(uploadDir, { recursive: true, force: true });
});

async function signedIn(role: "opcc" | "force" | "panel" | "admin") {
  const user = await createTestUser(database.current().db, { role });
  const client = new TestClient(app);
  await client.signIn(user.email);
  return client;
}

/** Posts a file as a browser's multipart form would, with the CSRF token of the form's page. */
async function postFile(client: TestClient, url: string, formPage: string, filename: string, data: Buffer) {
  const token = csrfTokenIn((await client.get(formPage)).body);
  const boundary = "----scrutineer-test-boundary";
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return app.inject({
    method: "POST",
    url,
    headers: {
      cookie: `scrutineer.sid=${client.cookie("scrutineer.sid")}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
    },
    payload: body,
  });
}

function uploadAs(client: TestClient, requestId: number, filename: string, data: Buffer) {
  const url = `/papers/requests/${requestId}/upload`;
  return postFile(client, url, url, filename, data);
}

const meetingForm = {
  periodLabel: "Quarter 1 – 2030/31",
  date: "2030-06-20",
  startTime: "10:00",
  endTime: "12:30",
  venue: "Hindlip Park",
};

async function planMeeting(officer: TestClient, overrides: Record<string, string> = {}) {
  const { kysely } = database.current().db;
  const performance = await kysely
    .selectFrom("meeting_types")
    .select("id")
    .where("key", "=", "performance")
    .executeTakeFirstOrThrow();
  const response = await officer.post(
    "/meetings",
    { meetingTypeId: String(performance.id), ...meetingForm, ...overrides },
    "/meetings/new",
  );
  expect(response.statusCode).toBe(302);
  const id = Number(/\/meetings\/(\d+)$/.exec(response.headers.location as string)?.[1]);
  return { id, items: await listItems(kysely, id) };
}

describe("planning a meeting", () => {
  it("refuses an end time before the start on the form, saving nothing", async () => {
    const officer = await signedIn("opcc");
    const before = await database.current().db.kysely.selectFrom("meetings").select("id").execute();
    const response = await officer.post(
      "/meetings",
      { meetingTypeId: "1", ...meetingForm, startTime: "14:00", endTime: "13:00" },
      "/meetings/new",
    );
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain("The end time must be after the start time (14:00)");
    expect(response.body).toContain('href="#endTime"');
    expect(await database.current().db.kysely.selectFrom("meetings").select("id").execute()).toHaveLength(
      before.length,
    );
  });

  it("is for OPCC staff: a force user may not plan one", async () => {
    const force = await signedIn("force");
    expect((await force.get("/meetings/new")).statusCode).toBe(403);
  });
});

describe("papers", () => {
  it("refuses a deadline after the meeting on the item's form", async () => {
    const officer = await signedIn("opcc");
    const { id, items } = await planMeeting(officer);
    const itemUrl = `/meetings/${id}/items/${items[1]!.id}`;
    const response = await officer.post(
      `${itemUrl}/papers`,
      {
        kind: "paper",
        description: "HMICFRS update",
        provider: "T/DCC",
        deadlineDate: "2030-06-21",
        deadlineTime: "09:00",
      },
      itemUrl,
    );
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain("The deadline must be before the meeting starts (20 June 2030 at 10:00)");
    expect(await listPaperRequests(database.current().db.kysely, id)).toEqual([]);
  });

  it("takes a force upload, refusing the wrong type and a file too large with errors on the form", async () => {
    const officer = await signedIn("opcc");
    const force = await signedIn("force");
    const { id, items } = await planMeeting(officer, { date: "2030-07-01" });
    const itemUrl = `/meetings/${id}/items/${items[2]!.id}`;
    await officer.post(
      `${itemUrl}/papers`,
      {
        kind: "paper",
        description: "Performance paper",
        provider: "T/CC",
        deadlineDate: "2030-06-24",
        deadlineTime: "09:00",
      },
      itemUrl,
    );
    const [paperRequest] = await listPaperRequests(database.current().db.kysely, id);

    const wrong = await uploadAs(force, paperRequest!.id, "paper.pdf", Buffer.from("plain text pretending"));
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain(
      "paper.pdf is not a PDF, Word (DOCX), Excel (XLSX) or PowerPoint (PPTX) file",
    );
    expect(wrong.body).toContain('href="#file"');

    const pdf = await samplePdf();
    const huge = Buffer.concat([pdf, Buffer.alloc(maxPaperBytes + 1 - pdf.length)]);
    const tooLarge = await uploadAs(force, paperRequest!.id, "huge.pdf", huge);
    expect(tooLarge.statusCode).toBe(422);
    expect(tooLarge.body).toContain("The file must be smaller than 20 MB");
    expect((await listPaperRequests(database.current().db.kysely, id))[0]!.papers).toEqual([]);

    const good = await uploadAs(force, paperRequest!.id, "performance.docx", await sampleDocx());
    expect(good.statusCode).toBe(302);
    const [stored] = (await listPaperRequests(database.current().db.kysely, id))[0]!.papers;
    expect(stored).toMatchObject({
      original_name: "performance.docx",
      media_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    });
    const page = await officer.get(`/meetings/${id}`);
    expect(page.body).toContain("performance.docx");
    expect(page.body).toContain("On time");
  });

  it("refuses an upload without the form's CSRF token", async () => {
    const officer = await signedIn("opcc");
    const { id, items } = await planMeeting(officer, { date: "2030-07-05" });
    const itemUrl = `/meetings/${id}/items/${items[0]!.id}`;
    await officer.post(
      `${itemUrl}/papers`,
      {
        kind: "action-tracker-update",
        description: "Tracker",
        provider: "DCC",
        deadlineDate: "2030-07-01",
        deadlineTime: "12:00",
      },
      itemUrl,
    );
    const [paperRequest] = await listPaperRequests(database.current().db.kysely, id);
    const response = await app.inject({
      method: "POST",
      url: `/papers/requests/${paperRequest!.id}/upload`,
      headers: {
        cookie: `scrutineer.sid=${officer.cookie("scrutineer.sid")}`,
        "content-type": "multipart/form-data; boundary=x",
      },
      payload: `--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\r\n--x--\r\n`,
    });
    expect(response.statusCode).toBe(403);
  });
});

describe("publication", () => {
  it("shows the public nothing before publication, then the notes without restricted content", async () => {
    const officer = await signedIn("opcc");
    const { id, items } = await planMeeting(officer, { date: "2030-08-01" });
    const [tracker, hmicfrs] = items;
    const hmicfrsUrl = `/meetings/${id}/items/${hmicfrs!.id}`;
    await officer.post(
      `${hmicfrsUrl}/notes`,
      {
        version: "1",
        notes:
          "The force set out progress on the PEEL recommendations.\n\n<script>alert(1)</script> [x](javascript:alert(1))",
      },
      hmicfrsUrl,
    );
    await officer.post(
      `${hmicfrsUrl}/papers`,
      {
        kind: "paper",
        description: "Confidential vetting paper",
        provider: "DCC",
        deadlineDate: "2030-07-20",
        deadlineTime: "09:00",
        restricted: "1",
      },
      hmicfrsUrl,
    );
    const trackerUrl = `/meetings/${id}/items/${tracker!.id}`;
    await officer.post(
      `${trackerUrl}/notes`,
      { version: "1", notes: "Operational security discussion" },
      trackerUrl,
    );
    await officer.post(
      `${trackerUrl}/settings`,
      { version: "2", title: tracker!.title, lead: "PCC", restricted: "1" },
      trackerUrl,
    );
    await officer.post(
      `${hmicfrsUrl}/enquiries`,
      {
        askedBy: "PCC",
        question: "When will the vetting backlog clear?",
        response: "By March.",
        assurance: "partially-assured",
      },
      hmicfrsUrl,
    );

    const publicClient = new TestClient(app);
    expect((await publicClient.get(`/meetings/${id}`)).statusCode).toBe(404);

    for (const status of ["agenda-published", "held", "notes-drafted", "notes-approved"]) {
      expect((await officer.post(`/meetings/${id}/status`, { status }, `/meetings/${id}`)).statusCode).toBe(
        302,
      );
    }
    const agendaOnly = await publicClient.get(`/meetings/${id}`);
    expect(agendaOnly.statusCode).toBe(200);
    expect(agendaOnly.body).toContain("Quarterly HMICFRS Update");
    expect(agendaOnly.body).not.toContain("PEEL recommendations");

    await officer.post(`/meetings/${id}/status`, { status: "published" }, `/meetings/${id}`);
    const published = await publicClient.get(`/meetings/${id}`);
    expect(published.body).toContain("PEEL recommendations");
    expect(published.body).toContain("When will the vetting backlog clear?");
    expect(published.body).toContain("Partially assured");
    expect(published.body).not.toContain("Review of Action Tracker");
    expect(published.body).not.toContain("Operational security discussion");
    expect(published.body).not.toContain("Confidential vetting paper");
    expect(published.body).not.toContain("<script>alert(1)");
    expect(published.body).not.toMatch(/href="javascript:/);

    const home = await publicClient.get("/");
    expect(home.body).toContain(`href="/meetings/${id}"`);
    expect((await publicClient.get("/meetings")).body).toContain(`href="/meetings/${id}"`);

    const pdf = await publicClient.get(`/meetings/${id}/notes.pdf`);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    const docx = await publicClient.get(`/meetings/${id}/agenda.docx`);
    expect(docx.rawPayload.subarray(0, 2).toString()).toBe("PK");
  });

  it("serves a restricted paper only to signed-in users", async () => {
    const officer = await signedIn("opcc");
    const { id, items } = await planMeeting(officer, { date: "2030-09-01" });
    const itemUrl = `/meetings/${id}/items/${items[1]!.id}`;
    await officer.post(
      `${itemUrl}/papers`,
      {
        kind: "paper",
        description: "Restricted",
        provider: "DCC",
        deadlineDate: "2030-08-20",
        deadlineTime: "09:00",
        restricted: "1",
      },
      itemUrl,
    );
    const [paperRequest] = await listPaperRequests(database.current().db.kysely, id);
    expect((await uploadAs(officer, paperRequest!.id, "r.pdf", await samplePdf())).statusCode).toBe(302);
    await officer.post(`/meetings/${id}/status`, { status: "agenda-published" }, `/meetings/${id}`);
    const [paper] = (await listPaperRequests(database.current().db.kysely, id))[0]!.papers;
    expect((await new TestClient(app).get(`/papers/${paper!.id}`)).statusCode).toBe(404);
    const panel = await signedIn("panel");
    const download = await panel.get(`/papers/${paper!.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
  });
});

describe("importing through the web", () => {
  it("saves a draft and reports what it recognised", async () => {
    const officer = await signedIn("opcc");
    const text =
      "Date: 4th February 2031\n\n  • Jane Doe, Police and Crime Commissioner (PCC)\n\nQuarter 3 Performance 2030/31 Meeting Notes\n\n1. Review of Action Tracker\nAll actions were complete.\n";
    const response = await officer.post("/meetings/import", { text }, "/meetings/import");
    expect(response.statusCode).toBe(302);
    const page = await officer.get(response.headers.location as string);
    expect(page.body).toContain("Imported as a draft: 1 attendees, items 1");
    expect(page.body).toContain("All actions were complete.");
  });

  it("refuses text without a date on the form", async () => {
    const officer = await signedIn("opcc");
    const response = await officer.post("/meetings/import", { text: "1. Item\nnotes" }, "/meetings/import");
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain("The text gives no meeting date");
  });

  it("imports an uploaded text file, and refuses a PDF in its place", async () => {
    const officer = await signedIn("opcc");
    const notes = readFileSync(
      fromRoot("test", "fixtures", "meetings", "west-mercia-q2-2023-24-performance-meeting-notes.txt"),
    );
    const response = await postFile(officer, "/meetings/import", "/meetings/import", "notes.txt", notes);
    expect(response.statusCode).toBe(302);
    const page = await officer.get(response.headers.location as string);
    expect(page.body).toContain(
      "Imported as a draft: 6 attendees, items 1, 2, 3, 4, 6, 7, 8, the next meeting; 0 action(s) raised in the tracker, 0 decision(s) recorded.",
    );

    const pdf = await postFile(
      officer,
      "/meetings/import",
      "/meetings/import",
      "notes.pdf",
      await samplePdf(),
    );
    expect(pdf.statusCode).toBe(422);
    expect(pdf.body).toContain("notes.pdf is not a text file");
  });

  it("changes a meeting's details: chair and the next meeting it confirms, refusing an earlier one", async () => {
    const officer = await signedIn("opcc");
    const { id: earlier } = await planMeeting(officer, { date: "2031-01-10" });
    const { id } = await planMeeting(officer, { date: "2031-02-10" });
    const { id: later } = await planMeeting(officer, { date: "2031-05-10" });
    const details = { ...meetingForm, date: "2031-02-10", chair: "John Campion" };
    const refused = await officer.post(
      `/meetings/${id}/details`,
      { ...details, nextMeetingId: String(earlier) },
      `/meetings/${id}/edit`,
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain("The next meeting must be a meeting after this one");
    const saved = await officer.post(
      `/meetings/${id}/details`,
      { ...details, nextMeetingId: String(later) },
      `/meetings/${id}/edit`,
    );
    expect(saved.statusCode).toBe(302);
    const page = await officer.get(`/meetings/${id}`);
    expect(page.body).toContain("John Campion");
    expect(page.body).toContain(`href="/meetings/${later}"`);
  });
});
