import type { BodyLine } from "./item-lines.js";
import {
  classifyBodyLine,
  extractRef,
  matchItemHeading,
  parseAction,
  parseItemTitle,
  parsePaper,
  parsePurpose,
} from "./item-lines.js";
import { emptyNextMeeting, readNextMeetingLine } from "./next-meeting.js";
import { isAbbreviation, splitPeople } from "./people.js";
import type { Item, Lead, NextMeeting, NoteBlock, SourceLine, UnrecognisedLine } from "./schema.js";
import type { InputLine } from "./text.js";
import { isBlank, sourceOf } from "./text.js";

interface ItemLines {
  heading: InputLine;
  number: number;
  title: string;
  body: InputLine[];
}

/**
 * Splits lines into the header and numbered items. Numbers must rise (gaps allowed: the example skips 5),
 * so a numbered list inside an item's notes does not start a new item.
 */
export function groupItems(lines: readonly InputLine[]): { header: InputLine[]; items: ItemLines[] } {
  const header: InputLine[] = [];
  const items: ItemLines[] = [];
  for (const line of lines) {
    const current = items.at(-1);
    const heading = matchItemHeading(line.text);
    if (heading && (current === undefined || heading.number > current.number)) {
      items.push({ heading: line, ...heading, body: [] });
    } else if (current) {
      current.body.push(line);
    } else {
      header.push(line);
    }
  }
  return { header, items };
}

interface ItemState {
  item: Item;
  paragraph: InputLine[];
  /** Indents of the open bullet levels, outermost first. */
  bulletIndents: number[];
  /** After a bare "Papers:" line, bullets list the papers rather than focus points. */
  papersOpen: boolean;
  nextMeeting: NextMeeting;
  unrecognised: UnrecognisedLine[];
}

/** Longest first line of a block still taken as a heading; wrapped paragraph lines are longer. */
const SHORT_HEADING = 60;
const SENTENCE_START = /^(?:The|This|These|Those|That|It|There|He|She|They|We|Our|His|Her|Their)\b/;

/** A lone short line that is not a sentence, e.g. "Serious Violence" or "Complaints and conducts". */
function isSubHeading(text: string): boolean {
  return (
    text.length <= 120 &&
    /^[A-Z0-9"']/.test(text) &&
    !/[.!?;,]$/.test(text) &&
    !/[.!?]\s/.test(text) &&
    !SENTENCE_START.test(text)
  );
}

function noteBlock(kind: NoteBlock["kind"], lines: readonly [InputLine, ...InputLine[]]): NoteBlock {
  return {
    kind,
    text: lines.map((line) => line.raw).join("\n"),
    line: lines[0].line,
    endLine: (lines.at(-1) ?? lines[0]).line,
  };
}

/**
 * Ends the paragraph being collected. A lone sub-heading line becomes a heading; so does a short
 * heading-like first line of a block, because pastes from PDFs often lose the blank line after a heading.
 */
function flushParagraph(state: ItemState): void {
  const [first, ...rest] = state.paragraph;
  state.paragraph = [];
  if (!first) return;
  const [second, ...others] = rest;
  if (!second) {
    state.item.notes.push(noteBlock(isSubHeading(first.text) ? "heading" : "paragraph", [first]));
  } else if (first.text.length <= SHORT_HEADING && isSubHeading(first.text)) {
    state.item.notes.push(noteBlock("heading", [first]), noteBlock("paragraph", [second, ...others]));
  } else {
    state.item.notes.push(noteBlock("paragraph", [first, second, ...others]));
  }
}

/** Keeps the line verbatim in the notes and reports why it was not read as what it looked like. */
function keepUnrecognised(state: ItemState, line: InputLine, reason: string): void {
  flushParagraph(state);
  state.item.notes.push(noteBlock("paragraph", [line]));
  state.unrecognised.push({ ...sourceOf(line), reason, keptInItem: state.item.number });
}

/** Nesting follows indentation; where a paste lost it, Word's glyphs ("o", "▪") still give the level. */
function bulletLevel(state: ItemState, indent: number, glyphLevel: number): number {
  const stack = state.bulletIndents;
  while (stack.length > 0 && (stack.at(-1) ?? 0) > indent) stack.pop();
  if (stack.length === 0 || (stack.at(-1) ?? 0) < indent) stack.push(indent);
  return Math.max(stack.length - 1, glyphLevel);
}

function readBullet(state: ItemState, line: InputLine, text: string, glyphLevel: number): void {
  flushParagraph(state);
  const source = sourceOf(line);
  if (state.papersOpen) {
    state.item.papers.push({ text, ...parsePaper(text), source });
  } else {
    state.item.focus.push({ level: bulletLevel(state, line.indent, glyphLevel), text, source });
  }
}

function readPapers(state: ItemState, line: InputLine, value: string): void {
  if (value === "") {
    state.papersOpen = true;
    state.item.sources.push(sourceOf(line));
  } else {
    state.item.papers.push({ text: value, ...parsePaper(value), source: sourceOf(line) });
  }
}

/** Folds one classified line into the item; lines it cannot use go to the notes. */
function readLine(state: ItemState, line: InputLine, body: BodyLine): void {
  const { item } = state;
  const source = sourceOf(line);
  switch (body.kind) {
    case "item":
      return keepUnrecognised(state, line, "numbered line out of sequence, kept as notes");
    case "bullet":
      return readBullet(state, line, body.text, body.glyphLevel);
    case "text":
      state.paragraph.push(line);
      return;
    case "lead":
      if (body.value === "" || item.lead) return keepUnrecognised(state, line, "lead not understood");
      item.lead = leadOf(body.value, source);
      return;
    case "papers":
      return readPapers(state, line, body.value);
    case "action":
      if (body.value === "") return keepUnrecognised(state, line, "action has no description");
      item.actions.push({ number: body.number, ...parseAction(body.value, body.owner), source });
      return;
    case "decision":
      if (body.value === "") return keepUnrecognised(state, line, "decision has no text");
      item.decisions.push({ ref: body.ref ?? extractRef(body.value)?.ref ?? null, text: body.value, source });
      return;
    case "ref":
      if (body.value === "") return keepUnrecognised(state, line, "reference is empty");
      item.ref = extractRef(body.value)?.ref ?? body.value;
      item.sources.push(source);
      return;
    case "purpose":
      item.purpose = parsePurpose(body.value);
      if (!item.purpose) return keepUnrecognised(state, line, "purpose not understood");
      item.sources.push(source);
      return;
    case "next-meeting":
      if (!readNextMeetingLine(state.nextMeeting, line)) {
        keepUnrecognised(state, line, "next meeting details not understood");
      }
      return;
  }
}

function readBodyLine(state: ItemState, line: InputLine, isNextMeetingItem: boolean): void {
  if (isBlank(line)) return flushParagraph(state);
  if (isNextMeetingItem && readNextMeetingLine(state.nextMeeting, line)) return flushParagraph(state);
  const body = classifyBodyLine(line.text);
  if (body.kind !== "text") flushParagraph(state);
  if (body.kind !== "bullet") {
    state.bulletIndents = [];
    state.papersOpen &&= body.kind === "papers";
  }
  readLine(state, line, body);
}

/** "PCC/T/CC" → ["PCC", "T/CC"]; "Chief Finance Officer (CFO)" → ["CFO"], the abbreviation the notes use. */
function leadOf(text: string, source: SourceLine): Lead {
  const people = splitPeople(text).map((part) => {
    const bracket = /\(([^()]+)\)$/.exec(part)?.[1];
    return bracket && isAbbreviation(bracket) ? bracket : part;
  });
  return { text, people, source };
}

export interface ParsedItem {
  item: Item;
  nextMeeting: NextMeeting;
  unrecognised: UnrecognisedLine[];
}

/** Reads one numbered item; `knownAbbreviations` lets "(PCC/T/CC)" after a title be read as its lead. */
export function parseItem(lines: ItemLines, knownAbbreviations: ReadonlySet<string>): ParsedItem {
  const title = parseItemTitle(lines.title, knownAbbreviations);
  const source = sourceOf(lines.heading);
  const state: ItemState = {
    item: {
      number: lines.number,
      title: title.title,
      ref: title.ref,
      purpose: title.purpose,
      lead: title.leadText ? leadOf(title.leadText, source) : null,
      focus: [],
      papers: [],
      actions: [],
      decisions: [],
      notes: [],
      sources: [source],
    },
    paragraph: [],
    bulletIndents: [],
    papersOpen: false,
    nextMeeting: emptyNextMeeting(),
    unrecognised: [],
  };
  const isNextMeetingItem = /\bnext meeting\b/i.test(lines.title);
  for (const line of lines.body) readBodyLine(state, line, isNextMeetingItem);
  flushParagraph(state);
  return { item: state.item, nextMeeting: state.nextMeeting, unrecognised: state.unrecognised };
}
