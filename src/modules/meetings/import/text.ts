/**
 * One input line. `raw` is the line as written (trimmed) and is what notes keep verbatim;
 * `text` is normalised so that patterns need not cope with every dash, quote and space variant.
 */
export interface InputLine {
  line: number;
  raw: string;
  text: string;
  /** Leading whitespace width, tabs counting 4, used for bullet nesting. */
  indent: number;
}

const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032]/g;
const DOUBLE_QUOTES = /[\u201C-\u201F\u2033]/g;
const HYPHENS = /[\u2010\u2011]/g;
const DASHES = /[\u2012-\u2015\u2212]/g;
const TAB_WIDTH = 4;

/** Straight quotes, single spaces (JS `\s` covers no-break spaces) and "–" for any spaced dash. */
function normaliseText(value: string): string {
  return value
    .replace(INVISIBLE, "")
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(HYPHENS, "-")
    .replace(DASHES, "–")
    .replace(/\s+/g, " ")
    .replace(/ - /g, " – ")
    .trim();
}

function indentWidth(line: string): number {
  const leading = /^\s*/.exec(line.replace(INVISIBLE, ""))?.[0] ?? "";
  return [...leading].reduce((width, char) => width + (char === "\t" ? TAB_WIDTH : 1), 0);
}

/** Splits on any line ending (Windows, old Mac or Unix) and numbers lines from 1. */
export function splitLines(input: string): InputLine[] {
  return input.split(/\r\n|\r|\n/).map((line, index) => ({
    line: index + 1,
    raw: line.trim(),
    text: normaliseText(line),
    indent: indentWidth(line),
  }));
}

export function isBlank(line: InputLine): boolean {
  return line.text === "";
}

/** Splits "Label: value" where the label is a short phrase; returns the lower-cased label. */
export function splitLabel(text: string): { label: string; value: string } | null {
  const match = /^([A-Za-z][A-Za-z &/'-]{0,30}?)\s*:\s*(.*)$/.exec(text);
  if (!match?.[1]) return null;
  return { label: match[1].toLowerCase(), value: match[2] ?? "" };
}

/** Trims separators left over at either end after a value has been cut out of a phrase. */
export function trimSeparators(value: string): string {
  return value.replace(/^[\s,;:–-]+|[\s,;:–-]+$/g, "");
}

export function sourceOf(line: InputLine): { line: number; text: string } {
  return { line: line.line, text: line.raw };
}
