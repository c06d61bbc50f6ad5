/** Dates and times as UK publications write them, read day-first. */

export interface FoundDate {
  iso: string;
  index: number;
  length: number;
}

export interface TimeRange {
  start: string;
  end: string | null;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const ORDINAL = String.raw`(\d{1,2})(?:st|nd|rd|th)?`;

type DateReader = (match: RegExpExecArray) => [year: string, month: number, day: string] | null;

const monthNumber = (name: string | undefined): number =>
  MONTHS.indexOf((name ?? "").slice(0, 3).toLowerCase()) + 1;

const DATE_PATTERNS: ReadonlyArray<[RegExp, DateReader]> = [
  // 11th December 2023, 11 Dec 2023, 11th of December 2023
  [
    new RegExp(String.raw`\b${ORDINAL}(?:\s+of)?\s+${MONTH},?\s+(\d{4})\b`, "gi"),
    (m) => [m[3] ?? "", monthNumber(m[2]), m[1] ?? ""],
  ],
  // December 11th, 2023
  [
    new RegExp(String.raw`\b${MONTH}\s+${ORDINAL},?\s+(\d{4})\b`, "gi"),
    (m) => [m[3] ?? "", monthNumber(m[1]), m[2] ?? ""],
  ],
  // 11/12/2023, 19.12.2023, 11-12-23: the separators must agree so "2023/24" and times are not dates
  [/\b(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})\b/g, (m) => [m[4] ?? "", Number(m[3]), m[1] ?? ""]],
  // 2023-12-11
  [/\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g, (m) => [m[1] ?? "", Number(m[2]), m[3] ?? ""]],
];

const pad = (value: number): string => String(value).padStart(2, "0");

/** Builds YYYY-MM-DD, or null when the parts are not a real calendar date (e.g. 31/02). */
function isoDate(yearText: string, month: number, dayText: string): string | null {
  const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  const day = Number(dayText);
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? `${year}-${pad(month)}-${pad(day)}` : null;
}

/** The earliest real date written anywhere in the text. */
export function findDate(text: string): FoundDate | null {
  let best: FoundDate | null = null;
  for (const [pattern, read] of DATE_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const parts = read(match);
      const iso = parts && isoDate(...parts);
      if (iso && (best === null || match.index < best.index)) {
        best = { iso, index: match.index, length: match[0].length };
      }
    }
  }
  return best;
}

export function removeFound(text: string, found: { index: number; length: number }): string {
  return `${text.slice(0, found.index)} ${text.slice(found.index + found.length)}`;
}

interface Clock {
  hour: number;
  minute: number;
  meridiem: "am" | "pm" | null;
}

const CLOCK = String.raw`(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?`;
const RANGE = new RegExp(String.raw`(?<![\d/.])${CLOCK}\s*(?:–|-|to|until)\s*${CLOCK}(?![\w/]|[.:]\d)`, "i");
const SINGLE = new RegExp(String.raw`(?<![\d/.])${CLOCK}(?![\w/]|[.:]\d)`, "gi");

/** "12 noon" and "midday" read as 12pm. */
const withNoon = (text: string): string => text.replace(/\b(?:12\s*)?(?:noon|midday)\b/gi, "12pm");

function readClock(hour?: string, minute?: string, meridiem?: string): Clock | null {
  const clock: Clock = {
    hour: Number(hour),
    minute: minute === undefined ? 0 : Number(minute),
    meridiem: meridiem ? (meridiem.toLowerCase().startsWith("p") ? "pm" : "am") : null,
  };
  const maxHour = clock.meridiem ? 12 : 23;
  return clock.hour <= maxHour && clock.minute <= 59 ? clock : null;
}

function toIsoTime({ hour, minute, meridiem }: Clock): string {
  const hour24 = meridiem === "pm" && hour < 12 ? hour + 12 : meridiem === "am" && hour === 12 ? 0 : hour;
  return `${pad(hour24)}:${pad(minute)}`;
}

/** "10:00 – 12:00", "10am-12pm", "2-4pm" (the start takes the end's pm), "10-12pm" (10am to noon). */
export function findTimeRange(text: string): TimeRange | null {
  const match = RANGE.exec(withNoon(text));
  if (!match) return null;
  const start = readClock(match[1], match[2], match[3]);
  const end = readClock(match[4], match[5], match[6]);
  if (!start || !end) return null;
  // A bare "10 – 12" could be anything; need minutes on both ends or a meridiem on one.
  const explicit = (match[2] !== undefined && match[5] !== undefined) || start.meridiem || end.meridiem;
  if (!explicit) return null;
  if (start.meridiem === null && end.meridiem !== null && start.hour % 12 < end.hour % 12) {
    start.meridiem = end.meridiem;
  }
  return { start: toIsoTime(start), end: toIsoTime(end) };
}

/** The first clock time written with minutes or am/pm ("9am", "09:30", "12 noon"). */
export function findTime(text: string): string | null {
  for (const match of withNoon(text).matchAll(SINGLE)) {
    if (match[2] === undefined && match[3] === undefined) continue;
    const clock = readClock(match[1], match[2], match[3]);
    if (clock) return toIsoTime(clock);
  }
  return null;
}

/** A range if one is written, otherwise a single start time. */
export function findTimes(text: string): TimeRange | null {
  const range = findTimeRange(text);
  if (range) return range;
  const start = findTime(text);
  return start ? { start, end: null } : null;
}
