import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fromRoot } from "../../lib/paths.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { systemActor } from "../audit/actor.js";
import { importPublishedMeeting } from "./meetings-import.service.js";
import {
  findMeetingTypeByKey,
  listAttendees,
  listItems,
  listLinesOfEnquiry,
  listOutstandingPaperRequests,
  listPaperRequests,
  previousMeetingDate,
} from "./meetings.repository.js";
import {
  addDecision,
  addLineOfEnquiry,
  addPersonRole,
  changeStatus,
  createMeetingFromTemplate,
  decisionRef,
  findOrAddPerson,
  requestPaper,
  uploadPaper,
} from "./meetings.service.js";
import { samplePdf } from "./test-papers.js";

const database = useTestDatabase();
const uploads: string[] = [];
afterAll(async () => {
  for (const directory of uploads) await rm(directory, { recursive: true, force: true });
});

async function quarterlyMeeting(date = "2024-06-20") {
  const { kysely } = database.current().db;
  const type = await findMeetingTypeByKey(kysely, "performance");
  return createMeetingFromTemplate(kysely, systemActor, {
    meetingTypeId: type!.id,
    periodLabel: "Quarter 1 – 2024/25",
    theme: null,
    date,
    startTime: "10:00",
    endTime: "12:30",
    venue: "Hindlip Park",
  });
}

const westMerciaNotes = readFileSync(
  fromRoot("test", "fixtures", "meetings", "west-mercia-q2-2023-24-performance-meeting-notes.txt"),
  "utf8",
);

describe("creating a meeting from its type's template", () => {
  it("copies the seven standing items and audits the creation", async () => {
    const { kysely } = database.current().db;
    const meeting = await quarterlyMeeting();
    expect(meeting.title).toBe("Assurance & Accountability – Performance – Quarter 1 – 2024/25");
    expect(meeting.status).toBe("planned");
    const items = await listItems(kysely, meeting.id);
    expect(items.map((item) => item.title)).toEqual([
      "Review of Action Tracker",
      "Quarterly HMICFRS Update",
      "Chief Constable Assessment on Quarterly Performance",
      "Quarterly Update on the National Priorities for Policing",
      "Summary of Actions Arising",
      "Any Other Business",
      "Confirmation of Next Meeting Type / Date / Time / Venue",
    ]);
    expect(JSON.parse(items[3]!.focus_json)).toContainEqual({ level: 0, text: "Drugs / county lines" });
    const audit = await kysely
      .selectFrom("audit_log")
      .selectAll()
      .where("entity_type", "=", "meeting")
      .where("entity_id", "=", String(meeting.id))
      .execute();
    expect(audit.map((row) => row.action)).toEqual(["create"]);
  });
});

describe("requesting and receiving papers", () => {
  it("refuses a deadline after the meeting starts and saves nothing", async () => {
    const { kysely } = database.current().db;
    const meeting = await quarterlyMeeting("2024-07-01");
    const [, hmicfrs] = await listItems(kysely, meeting.id);
    const request = {
      kind: "paper" as const,
      description: "HMICFRS update paper",
      provider: "T/DCC",
      deadlineDate: "2024-07-01",
      deadlineTime: "10:00",
      restricted: 0 as const,
    };
    await expect(requestPaper(kysely, systemActor, meeting.id, hmicfrs!.id, request)).rejects.toThrow(
      "The deadline must be before the meeting starts (1 July 2024 at 10:00)",
    );
    expect(await listPaperRequests(kysely, meeting.id)).toEqual([]);
    const saved = await requestPaper(kysely, systemActor, meeting.id, hmicfrs!.id, {
      ...request,
      deadlineDate: "2024-06-24",
      deadlineTime: "09:00",
    });
    expect(saved.deadline).toBe("2024-06-24T09:00");
    expect((await listOutstandingPaperRequests(kysely)).map((row) => row.id)).toContain(saved.id);
  });

  it("stores an upload under a random name and leaves nothing behind for a wrong type", async () => {
    const { kysely } = database.current().db;
    const directory = await mkdtemp(join(tmpdir(), "scrutineer-uploads-"));
    uploads.push(directory);
    const meeting = await quarterlyMeeting("2024-07-02");
    const [item] = await listItems(kysely, meeting.id);
    const request = await requestPaper(kysely, systemActor, meeting.id, item!.id, {
      kind: "action-tracker-update",
      description: "Action tracker update",
      provider: "DCC",
      deadlineDate: "2024-06-25",
      deadlineTime: "12:00",
      restricted: 1,
    });
    await expect(
      uploadPaper(kysely, systemActor, directory, request.id, {
        filename: "../../update.pdf",
        data: Buffer.from("not really a pdf"),
        truncated: false,
      }),
    ).rejects.toThrow("is not a PDF");
    expect(await readdir(directory)).toEqual([]);

    const { paper } = await uploadPaper(kysely, systemActor, directory, request.id, {
      filename: "../../update.pdf",
      data: await samplePdf(),
      truncated: false,
    });
    expect(paper.original_name).toBe("../../update.pdf");
    expect(await readdir(directory)).toEqual([paper.stored_name]);
    expect((await listOutstandingPaperRequests(kysely)).map((row) => row.id)).not.toContain(request.id);
  });
});

describe("notes, lines of enquiry and decisions", () => {
  it("records a line of enquiry with its assurance level", async () => {
    const { kysely } = database.current().db;
    const meeting = await quarterlyMeeting("2024-07-03");
    const items = await listItems(kysely, meeting.id);
    await addLineOfEnquiry(kysely, systemActor, meeting.id, items[2]!.id, {
      askedBy: "PCC",
      question: "Why has the rate of positive outcomes for rape fallen this quarter?",
      response: "A backlog of digital forensics is being addressed.",
      assurance: "partially-assured",
    });
    const lines = await listLinesOfEnquiry(kysely, meeting.id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ asked_by: "PCC", assurance: "partially-assured" });
    await expect(
      addLineOfEnquiry(kysely, systemActor, meeting.id + 999, items[2]!.id, lines[0]! as never),
    ).rejects.toThrow("No item");
  });

  it("generates a governance decision reference from the item number and date", async () => {
    expect(decisionRef(3, "2024-08-22")).toBe("Ref/03/22/08/2024");
    expect(decisionRef(12, "2024-08-22", 2)).toBe("Ref/12/22/08/2024-2");
    const { kysely } = database.current().db;
    const meeting = await quarterlyMeeting("2024-08-22");
    const items = await listItems(kysely, meeting.id);
    const decision = await addDecision(kysely, systemActor, meeting.id, items[2]!.id, {
      purpose: "Approve the fleet replacement business case",
      outcome: "approved-subject-to",
      amount: 125_000_00,
      conditions: "Subject to the PCC's review of the lease terms",
    });
    expect(decision.ref).toBe("Ref/03/22/08/2024");
    expect(decision.amount_pence).toBe(12_500_000);
  });
});

describe("the status of a meeting", () => {
  it("moves only along the cycle and audits each move", async () => {
    const { kysely } = database.current().db;
    const meeting = await quarterlyMeeting("2024-09-01");
    await expect(changeStatus(kysely, systemActor, meeting.id, "published")).rejects.toThrow("cannot become");
    for (const status of [
      "agenda-published",
      "held",
      "notes-drafted",
      "notes-approved",
      "published",
    ] as const) {
      await changeStatus(kysely, systemActor, meeting.id, status);
    }
    const actions = await kysely
      .selectFrom("audit_log")
      .select("action")
      .where("entity_type", "=", "meeting")
      .where("entity_id", "=", String(meeting.id))
      .orderBy("id")
      .execute();
    expect(actions.map((row) => row.action)).toEqual([
      "create",
      "update",
      "update",
      "update",
      "update",
      "publish",
    ]);
  });

  it("finds the previous meeting of the same type", async () => {
    const { kysely } = database.current().db;
    const earlier = await quarterlyMeeting("2020-03-01");
    const later = await quarterlyMeeting("2020-06-01");
    expect(await previousMeetingDate(kysely, later.id)).toBe("2020-03-01");
    expect(await previousMeetingDate(kysely, earlier.id)).toBeNull();
  });
});

describe("people and their roles over time", () => {
  it("shows each attendee the title they held on the meeting's date", async () => {
    const { kysely } = database.current().db;
    const person = await kysely
      .transaction()
      .execute((trx) => findOrAddPerson(trx, systemActor, "Pat Example"));
    await addPersonRole(kysely, systemActor, person.id, {
      abbreviation: "T/DCC",
      organisation: "force",
      startsOn: "2023-01-01",
      endsOn: "2023-12-31",
    });
    await addPersonRole(kysely, systemActor, person.id, {
      abbreviation: "DCC",
      organisation: "force",
      startsOn: "2024-01-01",
      endsOn: null,
    });
    const meeting = await quarterlyMeeting("2024-10-01");
    await kysely
      .insertInto("meeting_attendees")
      .values({
        meeting_id: meeting.id,
        person_id: person.id,
        kind: "present",
        role_text: null,
        abbreviation: null,
        position: 1,
      })
      .execute();
    const [attendee] = await listAttendees(kysely, meeting);
    expect(attendee).toMatchObject({
      name: "Pat Example",
      abbreviation: "DCC",
      title: "Deputy Chief Constable",
    });
    const [earlier] = await listAttendees(kysely, { id: meeting.id, date: "2023-06-01" });
    expect(earlier).toMatchObject({ abbreviation: "T/DCC", title: "Temporary Deputy Chief Constable" });
  });
});

describe("importing published notes", () => {
  it("saves the West Mercia Q2 2023/24 notes with all six attendees, every item and the next meeting", async () => {
    const { kysely } = database.current().db;
    const { meeting, draft } = await importPublishedMeeting(kysely, systemActor, westMerciaNotes);
    expect(meeting).toMatchObject({
      date: "2023-12-11",
      period_label: "Quarter 2 – 2023/24",
      status: "notes-drafted",
      title: "Assurance & Accountability – Performance – Quarter 2 – 2023/24",
    });
    const attendees = await listAttendees(kysely, meeting);
    expect(attendees.map((attendee) => attendee.name)).toEqual([
      "John Campion",
      "Marc Bayliss",
      "Charity Pearce",
      "Nicola Lowery",
      "Alex Murray",
      "Richard Cooper",
    ]);
    const items = await listItems(kysely, meeting.id);
    expect(items.map((item) => item.number)).toEqual(draft.summary.itemNumbers);
    expect(items.map((item) => item.number)).toEqual([1, 2, 3, 4, 6, 7, 8]);
    expect(JSON.parse(meeting.next_meeting_json!)).toMatchObject({
      type: "Thematic",
      theme: "Violence Against Women & Girls",
      date: "2023-12-19",
    });
    // The page's accessibility menu was not recognised: kept verbatim in the nearest (first) item's notes.
    expect(items[0]!.notes_markdown).toContain("Accessibility Settings Skip to main content");
    // Every note block of the text is kept.
    const allNotes = items.map((item) => item.notes_markdown).join("\n");
    for (const item of draft.items) for (const block of item.notes) expect(allNotes).toContain(block.text);
  });

  it("refuses text without a date and saves nothing", async () => {
    const { kysely } = database.current().db;
    const before = await kysely.selectFrom("meetings").select("id").execute();
    await expect(
      importPublishedMeeting(kysely, systemActor, "1. Review of Action Tracker\n\nNothing else."),
    ).rejects.toThrow("The text gives no meeting date");
    expect(await kysely.selectFrom("meetings").select("id").execute()).toHaveLength(before.length);
  });
});
