import type { AttendanceKind, Person } from "./schema.js";
import { splitLabel } from "./text.js";

/** "PCC", "NL", "T/DCC", "A/ACC", "DCSupt": at least two capitals, an optional temporary/acting prefix. */
export function isAbbreviation(token: string): boolean {
  return /^(?:[A-Z]{1,2}\/)?[A-Z][A-Za-z&]{0,9}$/.test(token) && (token.match(/[A-Z]/g)?.length ?? 0) >= 2;
}

/** Policing roles that may lead an item even when the attendance list does not spell them out. */
const STANDARD_ROLE = /^(?:[TA]\/)?(?:PCC|DPCC|CC|DCC|ACC|CFO|CEO|CX|OPCC)$/;

export function isStandardRole(token: string): boolean {
  return STANDARD_ROLE.test(token);
}

/**
 * Splits "PCC/T/CC", "RJ & KM", "RJ, KM and TL" into people. A slash after a lone capital is a
 * temporary/acting prefix ("T/CC"), not a separator.
 */
export function splitPeople(text: string): string[] {
  return text
    .split(/\s*(?:,|&|\band\b|(?<!(?:^|[^A-Za-z])[A-Z])\/)\s*/)
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

const NAME_PARTICLES = new Set(["de", "da", "del", "der", "van", "von", "le", "la", "du", "bin", "al"]);
const NAME_WORD = /^[A-Z][\p{L}'.-]*$/u;

/** Two to four capitalised words (particles such as "de" aside), e.g. "Nicola Lowery", "Jo O'Neill". */
export function isPersonName(text: string): boolean {
  const words = text.split(" ");
  const counted = words.filter((word) => !NAME_PARTICLES.has(word));
  return (
    counted.length >= 2 &&
    counted.length <= 4 &&
    counted.every((word) => NAME_WORD.test(word)) &&
    !words.every(isAbbreviation)
  );
}

/** Reads "(T/DCC Cooper)": the abbreviation is the leading token, the rest is kept in the raw text. */
function bracketAbbreviation(content: string): { abbreviation: string; abbreviationRaw: string } | null {
  const first = content.trim().split(" ")[0] ?? "";
  return isAbbreviation(first) ? { abbreviation: first, abbreviationRaw: content.trim() } : null;
}

const person = (
  name: string,
  role: string | null,
  abbreviation: string | null,
  raw: string | null,
): Person => ({
  name,
  role: role === "" ? null : role,
  abbreviation,
  abbreviationRaw: raw,
});

/** "Name (ABBR)", "Name (ABBR) Role", "Name (ABBR) – Role". */
function nameThenBracket(text: string): Person | null {
  const match = /^(.+?)\s*\(([^()]+)\)\s*(?:[,–:-]\s*)?(.*)$/.exec(text);
  const bracket = match && bracketAbbreviation(match[2] ?? "");
  if (!match?.[1] || !bracket || !isPersonName(match[1])) return null;
  return person(match[1], match[3] ?? null, bracket.abbreviation, bracket.abbreviationRaw);
}

/** "Name, Role (ABBR)", "Name – Role (ABBR)", "Name, Role". */
function nameThenRole(text: string): Person | null {
  const match = /^(.+?)(?:,| –)\s*(.+)$/.exec(text);
  if (!match?.[1] || !match[2] || !isPersonName(match[1])) return null;
  const trailing = /^(.*?)\s*\(([^()]+)\)$/.exec(match[2]);
  const bracket = trailing && bracketAbbreviation(trailing[2] ?? "");
  if (trailing && bracket) {
    return person(match[1], trailing[1] ?? null, bracket.abbreviation, bracket.abbreviationRaw);
  }
  return person(match[1], match[2], null, null);
}

/** "PCC John Campion", as chairs are often written. */
function abbreviationThenName(text: string): Person | null {
  const match = /^(\S+) (.+)$/.exec(text);
  if (!match?.[1] || !match[2] || !isAbbreviation(match[1]) || !isPersonName(match[2])) return null;
  return person(match[2], null, match[1], match[1]);
}

/** Reads one person from attendance-style text, or null when it does not look like one. */
export function parsePerson(text: string): Person | null {
  return (
    nameThenBracket(text) ??
    nameThenRole(text) ??
    abbreviationThenName(text) ??
    (isPersonName(text) ? person(text, null, null, null) : null)
  );
}

const SECTION_HEADINGS: ReadonlyArray<[RegExp, AttendanceKind]> = [
  [/^apologies(?: for absence| received)?$/, "apologies"],
  [/^(?:present|attendees|attendance|in attendance|members present|members)$/, "present"],
  [/^(?:guests?|guest presenters?|presenters?|presenting|also presenting)$/, "guest"],
  [/^(?:observers?|observing|also observing)$/, "observer"],
  [/^(?:minute[- ]?takers?|minutes taken by|note[- ]?takers?|notes taken by|secretariat)$/, "minute-taker"],
];

/** "Apologies:" (optionally followed by names on the same line) or a bare "Present". */
export function parseAttendanceHeading(text: string): { kind: AttendanceKind; rest: string } | null {
  const labelled = splitLabel(text);
  const label = labelled?.label ?? text.toLowerCase();
  const found = SECTION_HEADINGS.find(([pattern]) => pattern.test(label));
  return found ? { kind: found[1], rest: labelled?.value ?? "" } : null;
}

/** Within a "present" list, roles such as "(minutes)" or "Observer" say how the person attended. */
export function kindFromRole(role: string | null, sectionKind: AttendanceKind): AttendanceKind {
  if (sectionKind !== "present" || role === null) return sectionKind;
  if (/minute|note[- ]?tak|secretariat/i.test(role)) return "minute-taker";
  if (/observ/i.test(role)) return "observer";
  if (/\bguest|\bpresent(?:er|ing)\b/i.test(role)) return "guest";
  return sectionKind;
}
