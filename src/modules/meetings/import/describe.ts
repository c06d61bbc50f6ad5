import { findDate } from "./dates.js";
import type { DocumentKind, Period } from "./schema.js";
import { trimSeparators } from "./text.js";

/** What a title line (or a next-meeting line) says about the kind of meeting. */
export interface MeetingDescription {
  type: string | null;
  theme: string | null;
  period: Period | null;
  documentKind: DocumentKind | null;
}

/** Words that name the document rather than the meeting, stripped from types and themes. */
const DOCUMENT_WORDS = /\b(?:meeting\s+)?(?:agenda|minutes|notes)\b|\bmeeting\b/gi;

const cleanPhrase = (text: string): string =>
  trimSeparators(text.replace(DOCUMENT_WORDS, " ").replace(/\s+/g, " "));

function documentKind(text: string): DocumentKind | null {
  if (/\bagenda\b/i.test(text)) return "agenda";
  if (/\bminutes\b/i.test(text)) return "minutes";
  if (/\bnotes\b/i.test(text)) return "notes";
  return null;
}

const FINANCIAL_YEAR = /\b(20\d{2})\s*\/\s*(20)?(\d{2})\b/;
const QUARTER = /\b(?:quarter|Q)\s*([1-4])\b/i;

/** "Quarter 2 Performance -2023/24" and "Q2 2023/24" both give "Quarter 2 – 2023/24". */
export function findPeriod(text: string): Period | null {
  const year = FINANCIAL_YEAR.exec(text);
  if (!year?.[1] || !year[3]) return null;
  const yearLabel = `${year[1]}/${year[3]}`;
  const quarter = QUARTER.exec(text)?.[1];
  if (!quarter) return { label: yearLabel, quarter: null, year: yearLabel };
  return { label: `Quarter ${quarter} – ${yearLabel}`, quarter: Number(quarter), year: yearLabel };
}

/**
 * The theme is the first " – " part after "Thematic" that is not the document's own name or a date, so
 * "Thematic – Violence Against Women & Girls – Meeting Notes" gives "Violence Against Women & Girls".
 */
function thematicTheme(text: string): string | null {
  const after = /\bthematic\b(?:\s+meeting)?\s*[–:-]?\s*(.*)$/i.exec(text)?.[1] ?? "";
  const date = findDate(after);
  const beforeDate = date ? after.slice(0, date.index) : after;
  const parts = beforeDate.replace(FINANCIAL_YEAR, " ").replace(QUARTER, " ").split(" – ").map(cleanPhrase);
  return parts.find((part) => part !== "") ?? null;
}

/** "Assurance & Accountability – Performance", "Thematic", "Governance Board", or "Performance". */
function meetingType(text: string): string | null {
  const accountability = /\bassurance\s*(?:&|and)\s*accountability\b(?:\s*[–:-]\s*([A-Za-z ]+))?/i.exec(text);
  if (accountability) {
    const strand = cleanPhrase(accountability[1] ?? "");
    return strand ? `Assurance & Accountability – ${strand}` : "Assurance & Accountability";
  }
  if (/\bthematic\b/i.test(text)) return "Thematic";
  if (/\bgovernance\s+board\b/i.test(text)) return "Governance Board";
  if (/\bperformance\b/i.test(text)) return "Performance";
  return null;
}

export function describeMeeting(text: string): MeetingDescription {
  const type = meetingType(text);
  return {
    type,
    theme: type === "Thematic" ? thematicTheme(text) : null,
    period: findPeriod(text),
    documentKind: documentKind(text),
  };
}

const TITLE_WORDS =
  /\b(?:agenda|minutes|notes|meeting|board|committee|thematic|performance|assurance|accountability|quarter|Q[1-4])\b/i;

/** Whether a header line reads like the document's title. */
export function isTitleLine(text: string): boolean {
  return TITLE_WORDS.test(text) && text.length <= 150 && !/[.!?]$/.test(text);
}
