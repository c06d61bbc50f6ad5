import { findDate, findTimes, removeFound } from "./dates.js";
import { describeMeeting, findPeriod, isTitleLine } from "./describe.js";
import { matchBullet } from "./item-lines.js";
import { kindFromRole, parseAttendanceHeading, parsePerson } from "./people.js";
import type { AttendanceKind, Attendee, Meeting, UnrecognisedLine } from "./schema.js";
import type { InputLine } from "./text.js";
import { isBlank, sourceOf, splitLabel } from "./text.js";

export interface HeaderResult {
  meeting: Meeting;
  attendees: Attendee[];
  unrecognised: UnrecognisedLine[];
}

interface HeaderState extends HeaderResult {
  /** The attendance list being read; bullets before any heading count as present. */
  section: AttendanceKind | null;
}

/** Reads a "Label: value" field into the meeting; false when the value is not understood. */
type FieldReader = (state: HeaderState, value: string, line: InputLine) => boolean;

function readDate(state: HeaderState, value: string): boolean {
  const date = findDate(value);
  if (!date) return false;
  state.meeting.date = date.iso;
  // "Date and time: 11/12/2023 10:00 – 12:00"
  readTime(state, removeFound(value, date));
  return true;
}

function readTime(state: HeaderState, value: string): boolean {
  const times = findTimes(value);
  if (!times) return false;
  state.meeting.startTime = times.start;
  state.meeting.endTime = times.end;
  return true;
}

function readTitle(state: HeaderState, value: string): boolean {
  state.meeting.title ??= value;
  const description = describeMeeting(value);
  state.meeting.type ??= description.type;
  state.meeting.theme ??= description.theme;
  state.meeting.period ??= description.period;
  state.meeting.documentKind ??= description.documentKind;
  return true;
}

/** An explicit "Type:" beats one inferred from the title. */
function readType(state: HeaderState, value: string): boolean {
  const description = describeMeeting(value);
  state.meeting.type = description.type ?? value;
  state.meeting.theme ??= description.theme;
  return value !== "";
}

function readChair(state: HeaderState, value: string, line: InputLine): boolean {
  if (value === "") return false;
  const person = parsePerson(value) ?? { name: value, role: null, abbreviation: null, abbreviationRaw: null };
  state.meeting.chair = { ...person, source: sourceOf(line) };
  return true;
}

function readVenue(state: HeaderState, value: string): boolean {
  state.meeting.venue = value || null;
  return value !== "";
}

function readTheme(state: HeaderState, value: string): boolean {
  state.meeting.theme = value || null;
  return value !== "";
}

function readPeriod(state: HeaderState, value: string): boolean {
  state.meeting.period = findPeriod(value);
  return state.meeting.period !== null;
}

const FIELD_READERS: Readonly<Partial<Record<string, FieldReader>>> = {
  date: readDate,
  "meeting date": readDate,
  "date of meeting": readDate,
  "date and time": readDate,
  time: readTime,
  times: readTime,
  venue: readVenue,
  location: readVenue,
  title: readTitle,
  meeting: readTitle,
  type: readType,
  "meeting type": readType,
  theme: readTheme,
  period: readPeriod,
  chair: readChair,
  "chaired by": readChair,
  chairperson: readChair,
};

function addAttendee(state: HeaderState, text: string, kind: AttendanceKind, line: InputLine): boolean {
  const person = parsePerson(text);
  if (!person) return false;
  state.attendees.push({ ...person, kind: kindFromRole(person.role, kind), source: sourceOf(line) });
  return true;
}

/** "Apologies: Jane Doe (JD) Head of Finance; Tom Lee (TL)" lists people on the heading's own line. */
function readAttendanceHeading(
  state: HeaderState,
  line: InputLine,
  kind: AttendanceKind,
  rest: string,
): void {
  state.section = kind;
  state.meeting.sources.push(sourceOf(line));
  const unread = rest
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part !== "" && !addAttendee(state, part, kind, line));
  if (unread.length > 0) unrecognise(state, line, `attendee not understood: ${unread.join("; ")}`);
}

function unrecognise(state: HeaderState, line: InputLine, reason: string): void {
  state.unrecognised.push({ ...sourceOf(line), reason, keptInItem: null });
}

function readLabelledField(state: HeaderState, line: InputLine): "read" | "failed" | "not-a-field" {
  const labelled = splitLabel(line.text);
  const reader = labelled && FIELD_READERS[labelled.label];
  if (!labelled || !reader) return "not-a-field";
  if (!reader(state, labelled.value, line)) return "failed";
  state.meeting.sources.push(sourceOf(line));
  return "read";
}

function readHeaderLine(state: HeaderState, line: InputLine): void {
  const heading = parseAttendanceHeading(line.text);
  if (heading) return readAttendanceHeading(state, line, heading.kind, heading.rest);
  const bullet = matchBullet(line.text);
  if (bullet) {
    if (!addAttendee(state, bullet.text, state.section ?? "present", line)) {
      unrecognise(state, line, "bullet before the first item not understood as an attendee");
    }
    return;
  }
  const field = readLabelledField(state, line);
  if (field === "read") return;
  if (field === "failed") return unrecognise(state, line, "header field value not understood");
  if (state.section && addAttendee(state, line.text, state.section, line)) return;
  if (isTitleLine(line.text)) {
    readTitle(state, line.text);
    state.meeting.sources.push(sourceOf(line));
    return;
  }
  unrecognise(state, line, "not recognised in the meeting header");
}

function emptyMeeting(): Meeting {
  return {
    title: null,
    type: null,
    theme: null,
    documentKind: null,
    period: null,
    date: null,
    startTime: null,
    endTime: null,
    venue: null,
    chair: null,
    sources: [],
  };
}

/** Reads everything before the first numbered item: title, date, time, venue, chair and attendance. */
export function parseHeader(lines: readonly InputLine[]): HeaderResult {
  const state: HeaderState = { meeting: emptyMeeting(), attendees: [], unrecognised: [], section: null };
  for (const line of lines) {
    if (!isBlank(line)) readHeaderLine(state, line);
  }
  return { meeting: state.meeting, attendees: state.attendees, unrecognised: state.unrecognised };
}
