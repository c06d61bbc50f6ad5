import { findDate, findTime, removeFound } from "./dates.js";
import { isAbbreviation, isStandardRole, splitPeople } from "./people.js";
import type { PaperPurpose } from "./schema.js";
import { splitLabel, trimSeparators } from "./text.js";

/** What a line inside an item says it is, before it is folded into the item. */
export type BodyLine =
  | { kind: "item"; number: number; title: string }
  | { kind: "bullet"; glyphLevel: number; text: string }
  | { kind: "lead"; value: string }
  | { kind: "papers"; value: string }
  | { kind: "action"; number: string | null; owner: string | null; value: string }
  | { kind: "decision"; ref: string | null; value: string }
  | { kind: "ref"; value: string }
  | { kind: "purpose"; value: string }
  | { kind: "next-meeting" }
  | { kind: "text" };

const ITEM_HEADING = /^(?:item\s+)?(\d{1,2})(?:[.)]|\s*:)\s+(\S.*)$/i;
const BULLET = /^([•●·‣⁃*–-]|[o◦○]|[▪■§])\s+(\S.*)$/;
/** Word's default bullet glyphs by level, so nesting survives a paste that lost its indentation. */
const GLYPH_LEVEL: ReadonlyArray<RegExp> = [/^[•●·‣⁃*–-]$/, /^[o◦○]$/, /^[▪■§]$/];
/** "Action 2023/15 (RJ): ..." or "Decision – ..."; a dash needs a space after it so "Decision-making" is prose. */
const NUMBERED = String.raw`\s*(?:no\.?|number|#)?\s*([\w/.-]*\d[\w/.-]*)?\s*(?:\(([^()]*)\))?\s*(?::|[–-]\s)\s*(.*)$`;
const ACTION = new RegExp(String.raw`^actions?${NUMBERED}`, "i");
const DECISION = new RegExp(String.raw`^(?:decision|resolved)${NUMBERED}`, "i");
const LEAD_LABELS = new Set(["lead", "leads", "lead officer", "lead officers", "presenter", "presented by"]);
const PAPER_LABELS = new Set(["paper", "papers", "papers required", "paper required"]);
const NEXT_MEETING_LABELS = new Set(["next meeting", "date of next meeting"]);

export function matchItemHeading(text: string): { number: number; title: string } | null {
  const match = ITEM_HEADING.exec(text);
  return match?.[1] && match[2] ? { number: Number(match[1]), title: match[2] } : null;
}

export function matchBullet(text: string): { glyphLevel: number; text: string } | null {
  const match = BULLET.exec(text);
  if (!match?.[1] || !match[2]) return null;
  const glyph = match[1];
  return { glyphLevel: GLYPH_LEVEL.findIndex((pattern) => pattern.test(glyph)), text: match[2] };
}

function matchNumbered(
  pattern: RegExp,
  text: string,
): { number: string | null; bracket: string | null; value: string } | null {
  const match = pattern.exec(text);
  if (!match) return null;
  return { number: match[1] ?? null, bracket: match[2] ?? null, value: match[3] ?? "" };
}

export function classifyBodyLine(text: string): BodyLine {
  const item = matchItemHeading(text);
  if (item) return { kind: "item", ...item };
  const bullet = matchBullet(text);
  if (bullet) return { kind: "bullet", ...bullet };
  const action = matchNumbered(ACTION, text);
  // In "Action 2023/16 (KM): ..." the bracket names the owner.
  if (action) return { kind: "action", number: action.number, owner: action.bracket, value: action.value };
  const decision = matchNumbered(DECISION, text);
  if (decision) return { kind: "decision", ref: decision.number ?? decision.bracket, value: decision.value };
  if (parsePurpose(text)) return { kind: "purpose", value: text };
  if (extractRef(text)?.rest.trim() === "") return { kind: "ref", value: text };
  const labelled = splitLabel(text);
  if (!labelled) return { kind: "text" };
  const { label, value } = labelled;
  if (LEAD_LABELS.has(label)) return { kind: "lead", value };
  if (PAPER_LABELS.has(label)) return { kind: "papers", value };
  if (label === "ref" || label === "reference") return { kind: "ref", value };
  if (label === "purpose") return { kind: "purpose", value };
  if (NEXT_MEETING_LABELS.has(label)) return { kind: "next-meeting" };
  return { kind: "text" };
}

const PURPOSE =
  /^(?:purpose\s*:\s*)?(?:for\s+)?(decision|information|discussion|agreement|noting|assurance)$/i;

/** "For Decision", "Purpose: For Information", "Purpose: Discussion". */
export function parsePurpose(text: string): PaperPurpose | null {
  const word = PURPOSE.exec(text.trim())?.[1]?.toLowerCase();
  return word ? (word as PaperPurpose) : null;
}

const TITLE_PURPOSE =
  /\s*[–(-]?\s*for\s+(decision|information|discussion|agreement|noting|assurance)\s*\)?\s*/i;
const REF = /\bRef\s*\/\s*\d+(?:\s*\/\s*\d+)+/i;

/** Pulls a governance reference ("Ref/03/22/08/2024") out of text, spaces removed. */
export function extractRef(text: string): { ref: string; rest: string } | null {
  const match = REF.exec(text);
  if (!match) return null;
  return {
    ref: match[0].replace(/\s+/g, ""),
    rest: removeFound(text, { index: match.index, length: match[0].length }),
  };
}

interface TitleParts {
  title: string;
  ref: string | null;
  purpose: PaperPurpose | null;
  leadText: string | null;
}

/**
 * Splits a heading such as "Estates Strategy – Ref/03/22/08/2024 – For Decision (CFO)". A trailing bracket
 * is the lead only if every part is an abbreviation and one is a known role, so "(VSA)" stays in the title.
 */
export function parseItemTitle(heading: string, knownAbbreviations: ReadonlySet<string>): TitleParts {
  const found = extractRef(heading);
  let rest = found ? found.rest : heading;
  const purposeMatch = TITLE_PURPOSE.exec(rest);
  const purpose = purposeMatch?.[1] ? (purposeMatch[1].toLowerCase() as PaperPurpose) : null;
  if (purposeMatch) rest = removeFound(rest, { index: purposeMatch.index, length: purposeMatch[0].length });
  let leadText: string | null = null;
  const bracket = /^(.*?)\s*\(([^()]+)\)\s*$/.exec(rest.trim());
  if (bracket?.[2] && isLeadText(bracket[2], knownAbbreviations)) {
    leadText = bracket[2].trim();
    rest = bracket[1] ?? "";
  }
  return { title: trimSeparators(rest.replace(/\s+/g, " ")), ref: found?.ref ?? null, purpose, leadText };
}

function isLeadText(text: string, knownAbbreviations: ReadonlySet<string>): boolean {
  const people = splitPeople(text);
  return (
    people.length > 0 &&
    people.every(isAbbreviation) &&
    people.some((part) => knownAbbreviations.has(part) || isStandardRole(part))
  );
}

export interface ParsedAction {
  owners: string[];
  description: string;
  due: string | null;
}

const DUE = /\b(?:by|due|before|deadline|no later than)\b:?\s*/i;

/** The date after "by"/"due"/"deadline", so other dates in an action's wording are not taken as due. */
function dueDate(text: string): string | null {
  const keyword = DUE.exec(text);
  if (!keyword) return null;
  const found = findDate(text.slice(keyword.index + keyword[0].length));
  return found && found.index === 0 ? found.iso : null;
}

const OWNER = String.raw`(?:[A-Z][\w'/.-]*|and|&)`;
const OWNERS_THEN_TO = new RegExp(String.raw`^(${OWNER}(?:[\s,]+${OWNER}){0,5})\s+to\s+(.+)$`);
const OWNER_LABEL = /\s*[–(]?\s*\bowners?\s*:\s*([^)–]+?)\s*\)?\s*(?=–|$)/i;

/**
 * Reads who owns an action: a bracket after its number ("Action 2023/16 (KM): ..."), an "Owner:" part
 * ("Review the plan – Owner: RJ") or the people before "to" ("RJ to share the delivery plan").
 */
export function parseAction(value: string, bracketOwner: string | null): ParsedAction {
  const due = dueDate(value);
  if (bracketOwner) return { owners: splitPeople(bracketOwner), description: value, due };
  const labelled = OWNER_LABEL.exec(value);
  if (labelled?.[1]) {
    const description = trimSeparators(
      removeFound(value, { index: labelled.index, length: labelled[0].length }).replace(/\s+/g, " "),
    );
    return { owners: splitPeople(labelled[1]), description, due };
  }
  const beforeTo = OWNERS_THEN_TO.exec(value);
  const owners = beforeTo?.[1] ? splitPeople(beforeTo[1]) : [];
  if (beforeTo?.[2] && owners.every(isOwner)) return { owners, description: beforeTo[2], due };
  return { owners: [], description: value, due };
}

/** An owner is an abbreviation/initials or a capitalised name of up to four words. */
function isOwner(text: string): boolean {
  return isAbbreviation(text) || /^[A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,3}$/.test(text);
}

export interface ParsedPaper {
  submitTo: string | null;
  deadline: string | null;
}

/** "Paper to be submitted to OPCC on 13/05/2024 by 9am" → OPCC, 2024-05-13T09:00. */
export function parsePaper(value: string): ParsedPaper {
  const submitTo =
    /\bsubmit(?:ted)?\s+to\s+(?:the\s+)?([A-Z][\w&]*(?:\s+[A-Z][\w&]*)*)/.exec(value)?.[1] ?? null;
  const date = findDate(value);
  if (!date) return { submitTo, deadline: null };
  const time = findTime(removeFound(value, date));
  return { submitTo, deadline: time ? `${date.iso}T${time}` : date.iso };
}
