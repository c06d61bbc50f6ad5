import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvSyntaxError, CsvTokenizer, formatCsvField, type CsvTokenizerOptions } from "./csv-tokenizer.js";

interface TokenizedRecord {
  line: number;
  fields: string[];
}

/** Tokenizes `chunks` (strings are encoded to UTF-8 bytes first, as files arrive). */
function tokenize(chunks: readonly (Buffer | string)[], options?: CsvTokenizerOptions): TokenizedRecord[] {
  const records: TokenizedRecord[] = [];
  const tokenizer = new CsvTokenizer((fields, line) => records.push({ line, fields: [...fields] }), options);
  for (const chunk of chunks) tokenizer.write(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  tokenizer.end();
  return records;
}

/** Every possible chunking is too many; one byte at a time puts every boundary everywhere. */
function byteByByte(text: string): Buffer[] {
  return [...Buffer.from(text)].map((byte) => Buffer.from([byte]));
}

function fieldsOf(records: readonly TokenizedRecord[]): string[][] {
  return records.map((record) => record.fields);
}

function tokenizeError(text: string): CsvSyntaxError {
  try {
    tokenize([text]);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return error;
    throw error;
  }
  throw new Error("expected a CsvSyntaxError");
}

describe("CsvTokenizer", () => {
  it("splits LF records into fields, numbering physical lines from 1", () => {
    expect(tokenize(["a,b,c\n1,,3\n"])).toEqual([
      { line: 1, fields: ["a", "b", "c"] },
      { line: 2, fields: ["1", "", "3"] },
    ]);
  });

  it("treats CRLF as a line end and keeps a last record that has no line end", () => {
    expect(tokenize(["a,b\r\n1,2\r\n3,4"])).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["1", "2"] },
      { line: 3, fields: ["3", "4"] },
    ]);
  });

  it("drops a leading byte order mark, even split across chunks, but keeps one elsewhere", () => {
    const text = "\uFEFFa,b\n\uFEFF1,2\n";
    expect(fieldsOf(tokenize([text]))).toEqual([
      ["a", "b"],
      ["\uFEFF1", "2"],
    ]);
    expect(fieldsOf(tokenize(byteByByte(text)))).toEqual(fieldsOf(tokenize([text])));
  });

  it("reads quoted fields holding commas, doubled quotes and line breaks", () => {
    const text = 'id,text\n1,"Bournemouth, Christchurch and Poole 004A"\n2,"say ""hi"""\n3,"two\nlines"\n';
    expect(fieldsOf(tokenize([text]))).toEqual([
      ["id", "text"],
      ["1", "Bournemouth, Christchurch and Poole 004A"],
      ["2", 'say "hi"'],
      ["3", "two\nlines"],
    ]);
  });

  it("keeps counting physical lines after quoted line breaks, LF or CRLF", () => {
    const text = 'a,"x\r\ny\r\nz"\r\nb,"1\n2"\nc,3\n';
    expect(tokenize([text]).map(({ line, fields }) => [line, fields[0]])).toEqual([
      [1, "a"],
      [4, "b"],
      [6, "c"],
    ]);
    expect(tokenize([text])[0]?.fields[1]).toBe("x\r\ny\r\nz");
  });

  it("reads quoted empty fields and a quoted last field before CRLF", () => {
    expect(fieldsOf(tokenize(['"",a,""\r\n"b"\r\n']))).toEqual([["", "a", ""], ["b"]]);
  });

  it("skips blank lines but still counts them", () => {
    expect(tokenize(["a\n\n\r\nb\n\n"])).toEqual([
      { line: 1, fields: ["a"] },
      { line: 4, fields: ["b"] },
    ]);
  });

  it("reads a field split across chunk boundaries, including a split multi-byte character", () => {
    const text = 'name,place\n"Ysgol Gymraeg, Ynys Môn","Caffi ""Crêpe"""\nLlandudno,Conwy\n';
    const expected = [
      ["name", "place"],
      ["Ysgol Gymraeg, Ynys Môn", 'Caffi "Crêpe"'],
      ["Llandudno", "Conwy"],
    ];
    expect(fieldsOf(tokenize(byteByByte(text)))).toEqual(expected);
    expect(fieldsOf(tokenize([text.slice(0, 30), text.slice(30)]))).toEqual(expected);
  });

  it("waits for the next chunk when a chunk ends just after a quote or a carriage return", () => {
    expect(fieldsOf(tokenize(['"a"', '"b"\r', "\nc"]))).toEqual([['a"b'], ["c"]]);
  });

  it("accepts string chunks as well as buffers", () => {
    const records: string[][] = [];
    const tokenizer = new CsvTokenizer((fields) => records.push([...fields]));
    tokenizer.write("a,b\n");
    tokenizer.write(Buffer.from("c,d"));
    tokenizer.end();
    expect(records).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
  });

  it("refuses a quote left open at the end of the file, naming the line it opened on", () => {
    const error = tokenizeError('a,b\n1,"2\n3,4\n');
    expect(error.line).toBe(2);
    expect(error.message).toBe("line 2: quoted field is not closed before the end of the file");
  });

  it("refuses a quote inside an unquoted field and text after a closing quote", () => {
    expect(tokenizeError('a\nb,c"d\n').message).toBe("line 2: a quote inside an unquoted field");
    expect(tokenizeError('a\n"b\nc"x,d\n').message).toBe(
      "line 3: a closing quote must be followed by a comma or a line end",
    );
  });

  it("refuses a record longer than maxRecordChars instead of holding the rest of the file", () => {
    const chunks = ['a\n"', ...Array.from({ length: 10 }, () => "x".repeat(100))];
    expect(() => tokenize(chunks, { maxRecordChars: 500 })).toThrow(
      /^line 2: record is longer than 500 characters/,
    );
  });

  it("reads back whatever a CSV writer wrote, however the bytes are chunked", () => {
    const field = fc.string({
      unit: fc.oneof(
        fc.constantFrom(",", '"', "\n", "\r", "\r\n", " "),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
      ),
      maxLength: 8,
    });
    const rows = fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { maxLength: 8 });
    fc.assert(
      fc.property(
        rows,
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        fc.array(fc.nat()),
        (rowList, lineEnd, finalLineEnd, cuts) => {
          const text = serialize(rowList, lineEnd, finalLineEnd);
          const bytes = Buffer.from(text);
          const records = tokenize(chunk(bytes, cuts));
          expect(fieldsOf(records)).toEqual(rowList);
          expect(records.map((record) => record.line)).toEqual(startLines(rowList));
        },
      ),
      { numRuns: 500 },
    );
  });
});

function serialize(rows: readonly string[][], lineEnd: string, finalLineEnd: boolean): string {
  const lines = rows.map((fields) =>
    // A record of one empty field is written `""`: bare, it would be a blank line.
    fields.length === 1 && fields[0] === "" ? '""' : fields.map(formatCsvField).join(","),
  );
  return lines.join(lineEnd) + (finalLineEnd && rows.length > 0 ? lineEnd : "");
}

/** The physical line each record starts on: one line per record plus its quoted line breaks. */
function startLines(rows: readonly string[][]): number[] {
  const lines: number[] = [];
  let line = 1;
  for (const fields of rows) {
    lines.push(line);
    line += 1 + fields.reduce((count, field) => count + field.split("\n").length - 1, 0);
  }
  return lines;
}

function chunk(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}
