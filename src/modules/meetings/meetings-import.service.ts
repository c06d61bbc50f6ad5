import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema.js";
import { ValidationError } from "../../lib/errors.js";
import { nowIso } from "../../lib/time.js";
import type { Actor } from "../audit/actor.js";
import { recordAudit } from "../audit/audit.repository.js";
import { formatActionNumber, parseActionNumber } from "../actions/action-rules.js";
import { findActionByNumber } from "../actions/actions.repository.js";
import { raiseAction } from "../actions/actions.service.js";
import type { ActionRow } from "../actions/actions.tables.js";
import { readDecisionOutcome } from "./import/outcome.js";
import { parsePublishedMeeting, type Item, type PublishedMeetingDraft } from "./import/parse-published.js";
import { findMeetingTypeByKey } from "./meetings.repository.js";
import { decisionRef, findOrAddPerson, meetingTitle, recordDecision } from "./meetings.service.js";
import type { DecisionRow, MeetingKind, MeetingRow, MeetingStatus } from "./meetings.tables.js";

/** Which of the meeting types a published text describes, by the words of its title. */
export function meetingKindOf(draft: PublishedMeetingDraft): MeetingKind {
  const words = `${draft.meeting.type ?? ""} ${draft.meeting.title ?? ""}`.toLowerCase();
  if (/governance|board/.test(words)) return "governance";
  if (draft.meeting.theme || /thematic/.test(words)) return "thematic";
  return "performance";
}

/** Agendas start a planned meeting; notes and minutes a meeting whose notes are drafted, for review. */
function statusFor(draft: PublishedMeetingDraft): MeetingStatus {
  return draft.meeting.documentKind === "agenda" ? "planned" : "notes-drafted";
}

/**
 * An item's notes as Markdown, verbatim: the note blocks, then the lines the parser recognised as papers,
 * actions and decisions (stored here too so nothing of the text is lost before the action tracker takes
 * them up), then any unrecognised lines the parser placed in this item.
 */
export function itemNotes(item: Item, leadingUnrecognised: readonly string[]): string {
  const blocks = [
    ...leadingUnrecognised,
    ...item.notes.map((block) => (block.kind === "heading" ? `### ${block.text}` : block.text)),
    ...[...item.papers, ...item.actions, ...item.decisions].map((part) => part.source.text),
  ];
  return blocks.join("\n\n");
}

/** An "Action:" or "Decision:" line kept only in the notes, and why it did not become a record. */
export interface NotRecorded {
  line: number;
  text: string;
  reason: string;
}

export interface ImportedRecords {
  /** Raised in the action tracker at the item they were written under. */
  actions: ActionRow[];
  decisions: DecisionRow[];
  notRecorded: NotRecorded[];
}

export interface ImportResult {
  meeting: MeetingRow;
  draft: PublishedMeetingDraft;
  records: ImportedRecords;
}

/**
 * Turns the parsed "Action:" and "Decision:" lines into records: actions raised in the tracker at their item
 * (under the number the text gives, else the next of the meeting's year), decisions with the outcome their
 * words state. A line that cannot honestly become one (its action number is already in the tracker, or the
 * decision states no outcome, as in "Noted.") stays in the notes and is reported, not guessed at.
 */
async function recordActionsAndDecisions(
  trx: Transaction<Database>,
  actor: Actor,
  meeting: MeetingRow,
  items: readonly { parsed: Item; id: number }[],
): Promise<ImportedRecords> {
  const records: ImportedRecords = { actions: [], decisions: [], notRecorded: [] };
  const keep = (source: { line: number; text: string }, reason: string) =>
    records.notRecorded.push({ line: source.line, text: source.text, reason });
  const editor = { actor, userId: actor.userId };
  for (const { parsed, id } of items) {
    for (const action of parsed.actions) {
      const number = action.number ? parseActionNumber(action.number) : null;
      if (action.number && !number) {
        keep(action.source, `the action number ${action.number} is not in the form 2023/15`);
        continue;
      }
      if (number && (await findActionByNumber(trx, number.year, number.number))) {
        keep(
          action.source,
          `action ${formatActionNumber(number.year, number.number)} is already in the tracker`,
        );
        continue;
      }
      const row = await raiseAction(trx, editor, {
        meetingItemId: id,
        raisedOn: undefined,
        number,
        description: action.description,
        dueDate: action.due ?? undefined,
        ownerPeople: [],
        ownerRoles: action.owners,
        ownerUsers: [],
      });
      records.actions.push(row);
    }
    let sequence = 0;
    for (const decision of parsed.decisions) {
      const read = readDecisionOutcome(decision.text);
      if (!read) {
        keep(
          decision.source,
          "it states no outcome (approved, approved subject to…, supported in principle, not supported, deferred)",
        );
        continue;
      }
      sequence += 1;
      const ref = decision.ref ?? decisionRef(parsed.number, meeting.date, sequence);
      const row = await recordDecision(trx, actor, id, ref, {
        purpose: decision.text,
        outcome: read.outcome,
        amount: null,
        conditions: read.conditions,
      });
      records.decisions.push(row);
    }
  }
  // Reported in the order of the text, as the reader will look for them.
  records.notRecorded.sort((a, b) => a.line - b.line);
  return records;
}

/**
 * Saves the text of a published agenda or notes page as a draft meeting. Lines the parser did not recognise
 * before the first item are kept verbatim at the top of the first item's notes; the draft's summary says what
 * was and was not recognised. Everything is written in one transaction.
 */
export async function importPublishedMeeting(
  db: Kysely<Database>,
  actor: Actor,
  text: string,
  options: { attribution?: string | null; status?: MeetingStatus } = {},
): Promise<ImportResult> {
  const draft = parsePublishedMeeting(text);
  const { meeting: header } = draft;
  if (!header.date) {
    throw new ValidationError([
      { field: "text", text: "The text gives no meeting date (e.g. “Date: 11th December 2023”)" },
    ]);
  }
  if (draft.items.length === 0) {
    throw new ValidationError([
      { field: "text", text: "The text has no numbered items (e.g. “1. Review of Action Tracker”)" },
    ]);
  }
  const date = header.date;
  return db.transaction().execute(async (trx) => {
    const type = await findMeetingTypeByKey(trx, meetingKindOf(draft));
    if (!type) throw new Error(`Meeting type ${meetingKindOf(draft)} is missing; the migration seeds it`);
    const chair = header.chair ? await findOrAddPerson(trx, actor, header.chair.name) : null;
    const now = nowIso();
    const meeting = await trx
      .insertInto("meetings")
      .values({
        meeting_type_id: type.id,
        title: meetingTitle(type.name, header.period?.label ?? header.theme, date),
        period_label: header.period?.label ?? null,
        theme: header.theme,
        terms_of_reference: null,
        date,
        start_time: header.startTime,
        end_time: header.endTime,
        venue: header.venue,
        chair_person_id: chair?.id ?? null,
        status: options.status ?? statusFor(draft),
        next_meeting_id: null,
        next_meeting_json: draft.nextMeeting ? JSON.stringify(draft.nextMeeting) : null,
        attribution: options.attribution ?? null,
        published_at: options.status === "published" ? now : null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();

    for (const [position, attendee] of draft.attendees.entries()) {
      const person = await findOrAddPerson(trx, actor, attendee.name);
      await trx
        .insertInto("meeting_attendees")
        .values({
          meeting_id: meeting.id,
          person_id: person.id,
          kind: attendee.kind,
          role_text: attendee.role,
          abbreviation: attendee.abbreviationRaw ?? attendee.abbreviation,
          position: position + 1,
        })
        .execute();
    }

    const beforeFirstItem = draft.unrecognised
      .filter((line) => line.keptInItem === null)
      .map((line) => line.text);
    const savedItems = await trx
      .insertInto("meeting_items")
      .values(
        draft.items.map((item, index) => ({
          meeting_id: meeting.id,
          number: item.number,
          title: item.title,
          lead: item.lead?.text ?? null,
          focus_json: JSON.stringify(item.focus.map(({ level, text: point }) => ({ level, text: point }))),
          ref: item.ref,
          purpose: item.purpose,
          notes_markdown: itemNotes(item, index === 0 ? beforeFirstItem : []),
          created_at: now,
          updated_at: now,
        })),
      )
      .returning(["id", "number"])
      .execute();
    const records = await recordActionsAndDecisions(
      trx,
      actor,
      meeting,
      draft.items.map((parsed) => ({
        parsed,
        id: savedItems.find((saved) => saved.number === parsed.number)!.id,
      })),
    );

    await recordAudit(trx, actor, {
      action: "import",
      entityType: "meeting",
      entityId: meeting.id,
      after: {
        ...meeting,
        summary: draft.summary,
        actions: records.actions.map((action) => formatActionNumber(action.year, action.number)),
        decisions: records.decisions.map((decision) => decision.ref),
        notRecorded: records.notRecorded,
      },
    });
    return { meeting, draft, records };
  });
}
