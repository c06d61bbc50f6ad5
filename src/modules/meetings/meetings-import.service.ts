import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { ValidationError } from "../../lib/errors.js";
import { nowIso } from "../../lib/time.js";
import type { Actor } from "../audit/actor.js";
import { recordAudit } from "../audit/audit.repository.js";
import { parsePublishedMeeting, type Item, type PublishedMeetingDraft } from "./import/parse-published.js";
import { findMeetingTypeByKey } from "./meetings.repository.js";
import { findOrAddPerson, meetingTitle } from "./meetings.service.js";
import type { MeetingKind, MeetingRow, MeetingStatus } from "./meetings.tables.js";

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

export interface ImportResult {
  meeting: MeetingRow;
  draft: PublishedMeetingDraft;
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
    await trx
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
      .execute();

    await recordAudit(trx, actor, {
      action: "import",
      entityType: "meeting",
      entityId: meeting.id,
      after: { ...meeting, summary: draft.summary },
    });
    return { meeting, draft };
  });
}
