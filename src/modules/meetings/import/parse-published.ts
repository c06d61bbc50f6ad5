import { parseHeader } from "./header.js";
import { groupItems, parseItem } from "./items.js";
import { isAbbreviation } from "./people.js";
import type {
  AttendanceKind,
  Attendee,
  ImportSummary,
  Item,
  Meeting,
  MeetingField,
  NextMeeting,
  PublishedMeetingDraft,
  UnrecognisedLine,
} from "./schema.js";
import { PublishedMeetingDraftSchema } from "./schema.js";
import { splitLines } from "./text.js";

// The draft's schemas and types, so the service and CLI need import only this module.
export * from "./schema.js";

/** Abbreviations the attendance list defines, so item headings can name leads by them. */
function knownAbbreviations(attendees: readonly Attendee[]): Set<string> {
  return new Set(attendees.flatMap((attendee) => attendee.abbreviation ?? []).filter(isAbbreviation));
}

/** Several lines may describe the next meeting (e.g. "Date:" and "Venue:" lines): first value wins. */
function mergeNextMeetings(parts: readonly NextMeeting[]): NextMeeting | null {
  const found = parts.filter((part) => part.sources.length > 0);
  const [first, ...rest] = found;
  if (!first) return null;
  return rest.reduce<NextMeeting>(
    (merged, part) => ({
      type: merged.type ?? part.type,
      theme: merged.theme ?? part.theme,
      date: merged.date ?? part.date,
      startTime: merged.startTime ?? part.startTime,
      endTime: merged.endTime ?? part.endTime,
      venue: merged.venue ?? part.venue,
      sources: [...merged.sources, ...part.sources],
    }),
    first,
  );
}

const MEETING_FIELDS: readonly MeetingField[] = [
  "title",
  "type",
  "period",
  "date",
  "time",
  "venue",
  "chair",
  "attendees",
  "nextMeeting",
];

function missingFields(
  meeting: Meeting,
  attendees: readonly Attendee[],
  next: NextMeeting | null,
): MeetingField[] {
  const present: Record<MeetingField, boolean> = {
    title: meeting.title !== null,
    type: meeting.type !== null,
    period: meeting.period !== null || meeting.theme !== null,
    date: meeting.date !== null,
    time: meeting.startTime !== null,
    venue: meeting.venue !== null,
    chair: meeting.chair !== null,
    attendees: attendees.some((attendee) => attendee.kind === "present"),
    nextMeeting: next !== null,
  };
  return MEETING_FIELDS.filter((field) => !present[field]);
}

function summarise(
  meeting: Meeting,
  attendees: readonly Attendee[],
  items: readonly Item[],
  nextMeeting: NextMeeting | null,
  unrecognised: readonly UnrecognisedLine[],
): ImportSummary {
  const countKind = (kind: AttendanceKind): number => attendees.filter((a) => a.kind === kind).length;
  const total = (pick: (item: Item) => readonly unknown[]): number =>
    items.reduce((sum, item) => sum + pick(item).length, 0);
  return {
    attendees: {
      present: countKind("present"),
      apologies: countKind("apologies"),
      guest: countKind("guest"),
      observer: countKind("observer"),
      "minute-taker": countKind("minute-taker"),
    },
    itemNumbers: items.map((item) => item.number),
    focusPoints: total((item) => item.focus),
    papers: total((item) => item.papers),
    actions: total((item) => item.actions),
    decisions: total((item) => item.decisions),
    noteBlocks: total((item) => item.notes),
    unrecognised: unrecognised.length,
    missing: missingFields(meeting, attendees, nextMeeting),
  };
}

/**
 * Reads the pasted or uploaded text of a published agenda, notes or minutes page into a draft meeting for
 * review. Nothing is dropped: every non-blank line ends up as the source of a recognised field, in an
 * item's notes, or in `unrecognised` (lines before the first item that were not understood).
 */
export function parsePublishedMeeting(input: string): PublishedMeetingDraft {
  const grouped = groupItems(splitLines(input));
  const header = parseHeader(grouped.header);
  const known = knownAbbreviations(header.attendees);
  const parsed = grouped.items.map((lines) => parseItem(lines, known));
  const items = parsed.map((part) => part.item);
  const nextMeeting = mergeNextMeetings(parsed.map((part) => part.nextMeeting));
  const unrecognised = [...header.unrecognised, ...parsed.flatMap((part) => part.unrecognised)];
  return PublishedMeetingDraftSchema.parse({
    meeting: header.meeting,
    attendees: header.attendees,
    items,
    nextMeeting,
    unrecognised,
    summary: summarise(header.meeting, header.attendees, items, nextMeeting, unrecognised),
  });
}
