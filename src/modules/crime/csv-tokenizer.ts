/**
 * A streaming RFC 4180 CSV tokenizer, written because csv-parse tops out well below the ingest
 * target (see bench/parse.ts). Each input chunk is decoded to text once (a UTF-8 character split
 * across chunks is carried over by the StringDecoder); records without a quote, nearly all of a
 * data.police.uk file, are then cut with `indexOf` and `slice`, which V8 runs natively, so a field
 * costs one substring and no per-character work. Records holding a quote take a
 * character-by-character path. Fields come out as strings; typing them is the caller's job.
 *
 * Accepted: a leading byte order mark (dropped), LF or CRLF line ends, quoted fields holding
 * commas, doubled quotes and line breaks (kept verbatim), and a last record without a line end.
 * Blank lines are skipped. Anything else about quotes is a `CsvSyntaxError` naming the line.
 */
import { StringDecoder } from "node:string_decoder";

/**
 * Called once per record with its fields and the physical line it starts on (the first line is
 * 1). The array is reused for the next record (one array per file, not one per row): copy it to
 * keep it.
 */
export type CsvRecordHandler = (fields: readonly string[], line: number) => void;

/** Quoting that makes the rest of the file unreadable; `line` is the physical line at fault. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "CsvSyntaxError";
  }
}

export interface CsvTokenizerOptions {
  /**
   * The longest record accepted, in characters. Bounds the memory held for one record and the
   * time spent rescanning it while it arrives chunk by chunk (an unclosed quote would otherwise
   * swallow the whole file before being reported).
   */
  maxRecordChars?: number;
}

const DEFAULT_MAX_RECORD_CHARS = 1_000_000;
const COMMA = 0x2c;
const QUOTE = 0x22;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BYTE_ORDER_MARK = 0xfeff;

/** Returned by the quoted-record reader when the record runs past the text seen so far. */
const INCOMPLETE = -1;

export class CsvTokenizer {
  private readonly decoder = new StringDecoder("utf8");
  private readonly maxRecordChars: number;
  /** The start of a record whose end has not arrived yet. */
  private carried = "";
  /** Physical line on which `carried` starts. */
  private line = 1;
  private atStartOfInput = true;
  private ended = false;
  /** The record being read, handed to onRecord. */
  private readonly fields: string[] = [];
  /** Set by readQuotedRecord for its caller: the line breaks inside the record's quotes. */
  private quotedLineBreaks = 0;

  constructor(
    private readonly onRecord: CsvRecordHandler,
    options: CsvTokenizerOptions = {},
  ) {
    this.maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  }

  /** Tokenizes a chunk, calling the handler for each record completed by it. */
  write(chunk: Buffer | string): void {
    if (this.ended) throw new Error("CsvTokenizer: write after end");
    this.consume(typeof chunk === "string" ? chunk : this.decoder.write(chunk), false);
  }

  /** Signals the end of input: the last record may lack a line end; an open quote is an error. */
  end(): void {
    if (this.ended) return;
    this.consume(this.decoder.end(), true);
    this.ended = true;
  }

  private consume(decoded: string, final: boolean): void {
    let text = decoded;
    if (this.atStartOfInput && text.length > 0) {
      this.atStartOfInput = false;
      if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
    }
    if (this.carried.length > 0) text = this.carried + text;
    const consumed = this.readRecords(text, final);
    this.carried = consumed === text.length ? "" : text.slice(consumed);
    if (this.carried.length > this.maxRecordChars) {
      throw new CsvSyntaxError(
        this.line,
        `record is longer than ${this.maxRecordChars} characters (is a quote left open?)`,
      );
    }
  }

  /** Emits every complete record in `text`; returns how many characters they took. */
  private readRecords(text: string, final: boolean): number {
    const length = text.length;
    let position = 0;
    let line = this.line;
    let nextQuote = indexOrEnd(text, '"', 0);
    while (position < length) {
      const lineFeed = text.indexOf("\n", position);
      const lineEnd = lineFeed === -1 ? length : lineFeed;
      if (nextQuote >= lineEnd) {
        if (lineFeed === -1 && !final) break;
        const fieldsEnd =
          lineEnd > position && text.charCodeAt(lineEnd - 1) === CARRIAGE_RETURN ? lineEnd - 1 : lineEnd;
        if (fieldsEnd > position) {
          splitUnquoted(text, position, fieldsEnd, this.fields);
          this.onRecord(this.fields, line);
        }
        position = lineEnd + 1;
        line++;
      } else {
        const next = this.readQuotedRecord(text, position, line, final);
        if (next === INCOMPLETE) break;
        this.onRecord(this.fields, line);
        line += 1 + this.quotedLineBreaks;
        position = next;
        nextQuote = indexOrEnd(text, '"', position);
      }
    }
    this.line = line;
    return Math.min(position, length);
  }

  /**
   * Reads the record at `start`, which holds a quote, into `fields`; returns where the next
   * record starts, or INCOMPLETE if the text ends first and more may follow.
   */
  private readQuotedRecord(text: string, start: number, line: number, final: boolean): number {
    const length = text.length;
    const fields = this.fields;
    fields.length = 0;
    let lineBreaks = 0;
    let position = start;
    for (;;) {
      let value: string;
      if (position < length && text.charCodeAt(position) === QUOTE) {
        const openedOnLine = line + lineBreaks;
        value = "";
        let segmentStart = position + 1;
        for (;;) {
          const quote = text.indexOf('"', segmentStart);
          if (quote === -1 || (quote + 1 === length && !final)) {
            if (final && quote === -1) {
              throw new CsvSyntaxError(openedOnLine, "quoted field is not closed before the end of the file");
            }
            return INCOMPLETE;
          }
          lineBreaks += countLineFeeds(text, segmentStart, quote);
          if (text.charCodeAt(quote + 1) === QUOTE) {
            value += text.slice(segmentStart, quote + 1);
            segmentStart = quote + 2;
          } else {
            value += text.slice(segmentStart, quote);
            position = quote + 1;
            break;
          }
        }
      } else {
        const fieldStart = position;
        let code = position < length ? text.charCodeAt(position) : -1;
        while (code !== COMMA && code !== LINE_FEED && code !== -1) {
          if (code === QUOTE) {
            throw new CsvSyntaxError(line + lineBreaks, "a quote inside an unquoted field");
          }
          code = ++position < length ? text.charCodeAt(position) : -1;
        }
        const valueEnd =
          code !== COMMA && position > fieldStart && text.charCodeAt(position - 1) === CARRIAGE_RETURN
            ? position - 1
            : position;
        value = text.slice(fieldStart, valueEnd);
      }
      fields.push(value);
      const code = position < length ? text.charCodeAt(position) : -1;
      if (code === COMMA) {
        position++;
      } else if (code === LINE_FEED) {
        this.quotedLineBreaks = lineBreaks;
        return position + 1;
      } else if (
        code === CARRIAGE_RETURN &&
        position + 1 < length &&
        text.charCodeAt(position + 1) === LINE_FEED
      ) {
        this.quotedLineBreaks = lineBreaks;
        return position + 2;
      } else if (code === -1 || (code === CARRIAGE_RETURN && position + 1 === length)) {
        if (!final) return INCOMPLETE;
        this.quotedLineBreaks = lineBreaks;
        return length;
      } else {
        throw new CsvSyntaxError(
          line + lineBreaks,
          "a closing quote must be followed by a comma or a line end",
        );
      }
    }
  }
}

function indexOrEnd(text: string, search: string, from: number): number {
  const index = text.indexOf(search, from);
  return index === -1 ? text.length : index;
}

function splitUnquoted(text: string, start: number, end: number, fields: string[]): void {
  fields.length = 0;
  let fieldStart = start;
  for (;;) {
    const comma = text.indexOf(",", fieldStart);
    if (comma === -1 || comma >= end) {
      fields.push(text.slice(fieldStart, end));
      return;
    }
    fields.push(text.slice(fieldStart, comma));
    fieldStart = comma + 1;
  }
}

function countLineFeeds(text: string, start: number, end: number): number {
  let count = 0;
  for (let at = text.indexOf("\n", start); at !== -1 && at < end; at = text.indexOf("\n", at + 1)) count++;
  return count;
}

/** Writes a field as the tokenizer reads it back: quoted only when it holds a comma, quote or line break. */
export function formatCsvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
