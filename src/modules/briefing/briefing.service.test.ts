import { beforeAll, describe, expect, it } from "vitest";
import { createTestAction } from "../../../test/factories/actions.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { ValidationError } from "../../lib/errors.js";
import { parsePeriod } from "../../stats/periods.js";
import { systemActor } from "../audit/actor.js";
import { makeFinding, makeInspection } from "../inspections/test-support.js";
import { loadMeasuresDemo } from "../measures/measures.demo.js";
import { updateMeasureSettings } from "../measures/measures.service.js";
import { findMeetingTypeByKey, listItems, listLinesOfEnquiry } from "../meetings/meetings.repository.js";
import { addItemLink, createMeetingFromTemplate, requestPaper } from "../meetings/meetings.service.js";
import type { MeetingItemRow, MeetingRow } from "../meetings/meetings.tables.js";
import { listSuggestions } from "./briefing.repository.js";
import {
  acceptSuggestion,
  defaultBriefingPeriod,
  dropSuggestion,
  editSuggestion,
  generateBriefing,
  loadBriefing,
} from "./briefing.service.js";

const database = useTestDatabase();
const period = parsePeriod("Q2 2025/26");
// Papers are judged against a clock: a fixed one, after every deadline below.
const now = new Date("2025-11-25T12:00:00Z");

let meeting: MeetingRow;
let items: MeetingItemRow[];
const item = (words: string) => items.find((i) => i.title.toLowerCase().includes(words))!;

beforeAll(async () => {
  const { db } = database.current();
  const { kysely } = db;
  await loadMeasuresDemo(db);
  const type = await findMeetingTypeByKey(kysely, "performance");
  meeting = await createMeetingFromTemplate(kysely, systemActor, {
    meetingTypeId: type!.id,
    periodLabel: "Quarter 2 – 2025/26 (sample)",
    theme: null,
    date: "2025-11-20",
    startTime: "10:00",
    endTime: "12:30",
    venue: "Sample venue",
  });
  items = await listItems(kysely, meeting.id);
  await createTestAction(db, { raisedOn: "2025-05-01", dueDate: "2025-09-30", ownerRoles: "ACC" });
  await createTestAction(db, { raisedOn: "2025-05-01", dueDate: "2026-01-31", ownerRoles: "ACC" });
  const inspection = await makeInspection(kysely);
  await makeFinding(kysely, inspection.id, { reference: "AFI 9", target_date: "2025-10-01" });
  await makeFinding(kysely, inspection.id, { reference: "AFI 10", target_date: "2026-03-31" });
  await requestPaper(kysely, systemActor, meeting.id, item("quarterly performance").id, {
    kind: "paper",
    description: "Quarterly performance paper (sample)",
    provider: "T/CC",
    deadlineDate: "2025-11-13",
    deadlineTime: "09:00",
    restricted: 0,
  });
  // A target the sample sharps-injury admissions never meet (the process's lower limit is above it).
  await updateMeasureSettings(kysely, systemActor, "serious-violence.nhs-sharps-injury-admissions", {
    published: "no",
    target: "0",
    localPriority: "",
  });
  // Victim satisfaction serves a national priority, but the officer linked it to AOB.
  await addItemLink(kysely, systemActor, meeting.id, item("any other business").id, {
    targetType: "measure",
    targetRef: "victims.satisfaction-overall",
  });
});

const suggestionsOn = async (words: string) =>
  (await listSuggestions(database.current().db.kysely, meeting.id)).filter(
    (s) => s.meeting_item_id === item(words).id,
  );

describe("generating a meeting's briefing pack", () => {
  it("reviews the last quarter ended before the meeting by default", () => {
    expect(defaultBriefingPeriod("2025-11-20")).toEqual(period);
    expect(defaultBriefingPeriod("2025-10-01")).toEqual(period);
  });

  it("places each exception on the agenda item its evidence belongs to", async () => {
    const { kysely } = database.current().db;
    const { added, removed } = await generateBriefing(kysely, systemActor, meeting.id, period, now);
    expect(added.length).toBeGreaterThan(4);
    expect(removed).toEqual([]);

    const review = await suggestionsOn("review of action tracker");
    expect(review.map((s) => s.kind)).toEqual(["action-overdue"]);
    expect(review[0]!.text).toMatch(
      /^Action \d{4}\/\d+ \(owner ACC\) was due on 30 September 2025 and is still open/,
    );

    const hmicfrs = await suggestionsOn("hmicfrs");
    expect(hmicfrs.map((s) => s.text)).toEqual([
      expect.stringMatching(
        /^HMICFRS AFI 9 \(PEEL 2023–25 test inspection\) passed its target date of 1 October 2025/,
      ),
    ]);

    const performance = await suggestionsOn("quarterly performance");
    expect(performance.map((s) => s.source_ref)).toContain(
      "measure:calls.101-abandonment:spc-improvement:2025-09",
    );
    expect(performance.find((s) => s.kind === "paper-missing")?.text).toBe(
      'The paper "Quarterly performance paper (sample)" from T/CC was due by 13 November 2025 at 09:00 and has not ' +
        "been received: why not, and when will it be provided?",
    );

    // A serious violence measure failing its target falls to the national priorities item. (Homicides, a
    // rolling 12-month count, has no SPC chart and so no SPC signal to raise.)
    const national = await suggestionsOn("national priorities");
    expect(national.map((s) => s.source_ref)).toContain(
      "measure:serious-violence.nhs-sharps-injury-admissions:target-failing:2025-09",
    );
    expect(national.some((s) => s.source_ref.startsWith("measure:homicide.rolling-12-months:spc-"))).toBe(
      false,
    );

    const linked = await suggestionsOn("any other business");
    expect(linked.map((s) => s.source_ref)).toEqual([
      "measure:victims.satisfaction-overall:change-vs-last-year:Q2 2025/26",
    ]);
    expect(national.map((s) => s.source_ref)).not.toContain(linked[0]!.source_ref);
  });

  it("audits the generation", async () => {
    const entries = await database
      .current()
      .db.kysely.selectFrom("audit_log")
      .selectAll()
      .where("entity_type", "=", "briefing")
      .execute();
    expect(entries.map((e) => (JSON.parse(e.after_json!) as { period: string }).period)).toContain(
      "Q2 2025/26",
    );
  });

  it("shows each item with its evidence and its suggestions", async () => {
    const briefing = await loadBriefing(database.current().db.kysely, meeting.id, now);
    expect(briefing.defaultPeriod).toBe("Q2 2025/26");
    const aob = briefing.items.find((entry) => entry.item.title.startsWith("Any Other Business"))!;
    expect(aob.item.links.map((link) => link.label)).toEqual([
      "Measure: Victim satisfaction: whole experience",
    ]);
    expect(aob.suggestions).toHaveLength(1);
  });
});

describe("deciding on suggestions", () => {
  it("accepting records the edited wording as a line of enquiry on the item, with the decision, audited", async () => {
    const { kysely } = database.current().db;
    const [suggestion] = await suggestionsOn("any other business");
    const wording =
      "Victim satisfaction fell from 76.8% to 66.7% on last year: what is the force doing about it?";
    const accepted = await acceptSuggestion(kysely, systemActor, meeting.id, suggestion!.id, wording);
    expect(accepted).toMatchObject({ status: "accepted", text: wording });

    const lines = await listLinesOfEnquiry(kysely, meeting.id);
    expect(lines).toEqual([
      expect.objectContaining({
        id: accepted.line_of_enquiry_id,
        meeting_item_id: item("any other business").id,
        asked_by: "PCC",
        question: wording,
        assurance: "further-information-requested",
      }),
    ]);
    const audited = await kysely
      .selectFrom("audit_log")
      .select(["entity_type", "entity_id"])
      .where("entity_type", "in", ["line_of_enquiry", "briefing_suggestion"])
      .execute();
    expect(audited).toEqual(
      expect.arrayContaining([
        { entity_type: "line_of_enquiry", entity_id: String(accepted.line_of_enquiry_id) },
        { entity_type: "briefing_suggestion", entity_id: String(suggestion!.id) },
      ]),
    );
  });

  it("refuses to accept a suggestion twice, and leaves no line of enquiry half-saved", async () => {
    const { kysely } = database.current().db;
    const [suggestion] = await suggestionsOn("any other business");
    await expect(acceptSuggestion(kysely, systemActor, meeting.id, suggestion!.id, "Again?")).rejects.toThrow(
      ValidationError,
    );
    expect(await listLinesOfEnquiry(kysely, meeting.id)).toHaveLength(1);
  });

  it("edits the wording of a suggestion, and drops one, without creating lines", async () => {
    const { kysely } = database.current().db;
    const onPerformance = await suggestionsOn("quarterly performance");
    const paper = onPerformance.find((s) => s.kind === "paper-missing");
    const measure = onPerformance.find((s) => s.source_ref.startsWith("measure:"));
    expect(
      (await editSuggestion(kysely, systemActor, meeting.id, paper!.id, "Where is the paper?")).text,
    ).toBe("Where is the paper?");
    expect((await dropSuggestion(kysely, systemActor, meeting.id, measure!.id)).status).toBe("dropped");
    await expect(editSuggestion(kysely, systemActor, meeting.id, measure!.id, "Revived")).rejects.toThrow(
      "already been dropped",
    );
    expect(await listLinesOfEnquiry(kysely, meeting.id)).toHaveLength(1);
  });

  it("regenerating adds nothing already suggested, accepted or dropped, and keeps the decisions", async () => {
    const { kysely } = database.current().db;
    const before = await listSuggestions(kysely, meeting.id);
    expect(await generateBriefing(kysely, systemActor, meeting.id, period, now)).toEqual({
      added: [],
      removed: [],
    });
    expect(await listSuggestions(kysely, meeting.id)).toEqual(before);
  });

  it("reviewing another period removes the suggestions awaiting a decision, unless reworded", async () => {
    const { kysely } = database.current().db;
    const before = await listSuggestions(kysely, meeting.id);
    const { removed } = await generateBriefing(
      kysely,
      systemActor,
      meeting.id,
      parsePeriod("Q2 2030/31"),
      now,
    );
    const kept = await listSuggestions(kysely, meeting.id);
    expect(removed.map((s) => s.source_ref).sort()).toEqual(
      before
        .filter((s) => s.source_ref.startsWith("measure:") && s.status === "suggested")
        .map((s) => s.source_ref)
        .sort(),
    );
    expect(kept.map((s) => s.status).sort()).toEqual([
      "accepted",
      "dropped",
      "suggested",
      "suggested",
      "suggested",
    ]);
    expect(kept.find((s) => s.text === "Where is the paper?")).toBeDefined();
  });

  it("will not touch another meeting's suggestion", async () => {
    const { kysely } = database.current().db;
    const [suggestion] = await suggestionsOn("review of action tracker");
    await expect(dropSuggestion(kysely, systemActor, meeting.id + 1000, suggestion!.id)).rejects.toThrow(
      "No suggestion",
    );
  });
});
