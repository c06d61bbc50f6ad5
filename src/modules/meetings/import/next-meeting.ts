import { findDate, findTimes, removeFound } from "./dates.js";
import { describeMeeting } from "./describe.js";
import type { NextMeeting } from "./schema.js";
import type { InputLine } from "./text.js";
import { sourceOf, splitLabel, trimSeparators } from "./text.js";

export function emptyNextMeeting(): NextMeeting {
  return { type: null, theme: null, date: null, startTime: null, endTime: null, venue: null, sources: [] };
}

function setTimes(next: NextMeeting, text: string): void {
  const times = findTimes(text);
  if (!times) return;
  next.startTime = times.start;
  next.endTime = times.end;
}

/** "Type – Theme" (or a known type such as "Thematic – Violence Against Women & Girls"). */
function setTypeAndTheme(next: NextMeeting, phrase: string): void {
  const description = describeMeeting(phrase);
  const cleaned = trimSeparators(phrase.replace(/\s+/g, " "));
  next.type = description.type ?? (cleaned === "" ? next.type : cleaned);
  next.theme = description.theme ?? next.theme;
}

/** "Date: 19/12/2023", "Time: 10am-12pm", "Venue: ...", "Type: Thematic". */
function readLabelled(next: NextMeeting, label: string, value: string): boolean {
  if (label === "date") {
    const date = findDate(value);
    if (!date) return false;
    next.date = date.iso;
    setTimes(next, removeFound(value, date));
    return true;
  }
  if (label === "time") {
    setTimes(next, value);
    return next.startTime !== null;
  }
  if (label === "venue" || label === "location") {
    next.venue = value || null;
    return value !== "";
  }
  if (label === "type" || label === "meeting type") {
    setTypeAndTheme(next, value);
    return value !== "";
  }
  if (label === "theme") {
    next.theme = value || null;
    return value !== "";
  }
  return false;
}

/** Free text such as "Thematic – Violence Against Women & Girls 19.12.2023": needs a date or known type. */
function readFreeText(next: NextMeeting, text: string): boolean {
  const date = findDate(text);
  const before = date ? text.slice(0, date.index) : text;
  if (!date && describeMeeting(before).type === null) return false;
  setTypeAndTheme(next, before);
  if (date) {
    next.date = date.iso;
    setTimes(next, text.slice(date.index + date.length));
  }
  return true;
}

const NEXT_MEETING_LABEL = /^(?:date of )?next meeting\s*:\s*/i;

/** Folds one line into the next-meeting details; false when the line says nothing about it. */
export function readNextMeetingLine(next: NextMeeting, line: InputLine): boolean {
  const text = line.text.replace(NEXT_MEETING_LABEL, "");
  const labelled = splitLabel(text);
  const read =
    (labelled !== null && readLabelled(next, labelled.label, labelled.value)) || readFreeText(next, text);
  if (read) next.sources.push(sourceOf(line));
  return read;
}
