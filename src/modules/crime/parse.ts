/**
 * Streaming parser for data.police.uk CSV files. Rows come out typed and validated, in batches;
 * a bad row is recorded as an error `{file, line, field, message}` and skipped instead of
 * stopping the file, so one odd row cannot block a month's import. Only problems with the file as
 * a whole (unrecognised name, unknown force, unrecognised header, broken CSV quoting) throw a
 * `PoliceFileError`.
 */
import { CsvSyntaxError, CsvTokenizer } from "./csv-tokenizer.js";
import {
  EXPECTED_HEADERS,
  PoliceFileError,
  detectFileKind,
  identifyPoliceFile,
  type FileKind,
  type PoliceFileIdentity,
} from "./file-kinds.js";
import { normaliseForceName, type Force } from "./reference.js";

interface CrimeLocationColumns {
  /** Physical line in the file; the header is line 1. */
  line: number;
  /** `YYYY-MM` */
  month: string;
  reportedBy: string;
  fallsWithin: string;
  /** Null for "No Location" rows. */
  longitude: number | null;
  latitude: number | null;
  location: string;
  lsoaCode: string | null;
  lsoaName: string | null;
}

export interface StreetCrimeRow extends CrimeLocationColumns {
  /** Null for anti-social behaviour, which data.police.uk publishes without an id. */
  crimeId: string | null;
  crimeType: string;
  /** Null for anti-social behaviour. Categories are kept verbatim: new ones appear over time. */
  lastOutcomeCategory: string | null;
  context: string | null;
}

export interface OutcomeRow extends CrimeLocationColumns {
  crimeId: string;
  outcomeType: string;
}

export interface StopAndSearchRow {
  line: number;
  type: string;
  /** ISO 8601 timestamp as published, e.g. `2022-01-01T02:15:00+00:00`. */
  date: string;
  partOfPolicingOperation: boolean | null;
  policingOperation: string | null;
  latitude: number | null;
  longitude: number | null;
  gender: string | null;
  ageRange: string | null;
  selfDefinedEthnicity: string | null;
  officerDefinedEthnicity: string | null;
  legislation: string | null;
  objectOfSearch: string | null;
  outcome: string | null;
  outcomeLinkedToObjectOfSearch: boolean | null;
  removalOfMoreThanJustOuterClothing: boolean | null;
}

export type RowBatch =
  | { kind: "street"; rows: StreetCrimeRow[] }
  | { kind: "outcomes"; rows: OutcomeRow[] }
  | { kind: "stop-and-search"; rows: StopAndSearchRow[] };

export interface ParseError {
  file: string;
  line: number;
  /** The column at fault, or null when the row as a whole is wrong (e.g. its field count). */
  field: string | null;
  message: string;
}

/** Keeps the first few errors in full (enough to diagnose) and counts the rest. */
export class ParseErrorLog {
  readonly kept: ParseError[] = [];
  total = 0;

  constructor(readonly keepLimit = 50) {}

  add(error: ParseError): void {
    this.total++;
    if (this.kept.length < this.keepLimit) this.kept.push(error);
  }
}

export interface ParseOptions {
  /** The file's name or path (zip member path, upload name); used for its identity and in errors. */
  file: string;
  /** Reference forces by id; the force in the file name must be one of them. */
  forces: ReadonlyMap<string, Force>;
  /** Rows per batch, roughly (see below). */
  batchSize?: number;
  maxErrorsKept?: number;
}

// Large enough for a multi-row INSERT, small enough that a batch's rows are still young when the
// caller drops them: larger batches measured slower, their rows being copied through V8's young
// generation into the old one before dying.
const DEFAULT_BATCH_SIZE = 2_000;
const ANTI_SOCIAL_BEHAVIOUR = "Anti-social behaviour";
const MONTH_PATTERN = /^\d{4}-(?:0[1-9]|1[0-2])$/;
const ISO_TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** What the row readers need to know about the file, plus where they report problems. */
interface RowContext {
  readonly file: string;
  readonly identity: PoliceFileIdentity;
  readonly force: Force;
  readonly errors: ParseErrorLog;
  /** The spelling of the force name last accepted in "Falls within", so repeats cost one comparison. */
  acceptedFallsWithin: string;
  /** The coordinates of the row being read, once checked (see hasValidPosition). */
  longitude: number | null;
  latitude: number | null;
}

/**
 * Parses one data.police.uk CSV. Throws `PoliceFileError` at once if the name or force is wrong;
 * iterate it for batches of rows; `errors` is complete once iteration has finished.
 */
export function parsePoliceCsv(
  input: AsyncIterable<Buffer | string>,
  options: ParseOptions,
): PoliceCsvParser {
  return new PoliceCsvParser(input, options);
}

export class PoliceCsvParser implements AsyncIterable<RowBatch> {
  readonly identity: PoliceFileIdentity;
  readonly force: Force;
  readonly errors: ParseErrorLog;
  private readonly batchSize: number;
  private started = false;

  constructor(
    private readonly input: AsyncIterable<Buffer | string>,
    private readonly options: ParseOptions,
  ) {
    const identity = identifyPoliceFile(options.file);
    if (identity === null) {
      throw new PoliceFileError(
        options.file,
        "file name does not follow data.police.uk's YYYY-MM-<force>-<street|outcomes|stop-and-search>.csv",
      );
    }
    const force = options.forces.get(identity.forceId);
    if (force === undefined) {
      throw new PoliceFileError(
        options.file,
        `force "${identity.forceId}" is not in the reference forces list`,
      );
    }
    this.identity = identity;
    this.force = force;
    this.errors = new ParseErrorLog(options.maxErrorsKept);
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RowBatch> {
    if (this.started)
      throw new Error(`${this.options.file} is already being read; a stream can be read only once`);
    this.started = true;
    const context: RowContext = {
      file: this.options.file,
      identity: this.identity,
      force: this.force,
      errors: this.errors,
      acceptedFallsWithin: this.force.name,
      longitude: null,
      latitude: null,
    };
    let batcher: Batcher | undefined;
    // Records are consumed as the tokenizer finds them; full batches are yielded between chunks.
    const tokenizer = new CsvTokenizer((fields, line) => {
      if (batcher === undefined) {
        batcher = startBatcher(headerKind(fields, context), context);
      } else {
        batcher.read(fields, line);
      }
    });
    for await (const chunk of this.input) {
      tokenize(() => tokenizer.write(chunk), context.file);
      // Batches are cut between input chunks, so one can exceed batchSize by a chunk's rows.
      if (batcher !== undefined && batcher.pending >= this.batchSize) yield batcher.take();
    }
    tokenize(() => tokenizer.end(), context.file);
    if (batcher === undefined) throw new PoliceFileError(context.file, "file is empty (no header row)");
    if (batcher.pending > 0) yield batcher.take();
  }
}

/** Broken quoting makes the rest of the file unreadable, so it refuses the file. */
function tokenize(step: () => void, file: string): void {
  try {
    step();
  } catch (error) {
    throw error instanceof CsvSyntaxError ? new PoliceFileError(file, error.message) : error;
  }
}

function headerKind(header: readonly string[], context: RowContext): FileKind {
  const kind = detectFileKind(context.file, header);
  if (kind !== context.identity.kind) {
    throw new PoliceFileError(
      context.file,
      `the name says ${context.identity.kind} but the header is ${kind}`,
    );
  }
  return kind;
}

interface Batcher {
  readonly pending: number;
  read(fields: readonly string[], line: number): void;
  /** Hands over every row read so far. */
  take(): RowBatch;
}

function startBatcher(kind: FileKind, context: RowContext): Batcher {
  switch (kind) {
    case "street":
      return createBatcher(kind, readStreetRow, context, (rows) => ({ kind, rows }));
    case "outcomes":
      return createBatcher(kind, readOutcomeRow, context, (rows) => ({ kind, rows }));
    case "stop-and-search":
      return createBatcher(kind, readStopAndSearchRow, context, (rows) => ({ kind, rows }));
  }
}

type RowReader<Row> = (fields: readonly string[], line: number, context: RowContext) => Row | null;

function createBatcher<Row>(
  kind: FileKind,
  readRow: RowReader<Row>,
  context: RowContext,
  toBatch: (rows: Row[]) => RowBatch,
): Batcher {
  const fieldCount = EXPECTED_HEADERS[kind].length;
  let rows: Row[] = [];
  return {
    get pending() {
      return rows.length;
    },
    read(fields, line) {
      if (fields.length !== fieldCount) {
        reject(context, line, null, `has ${fields.length} fields, expected ${fieldCount}`);
        return;
      }
      const row = readRow(fields, line, context);
      if (row !== null) rows.push(row);
    },
    take() {
      const taken = rows;
      rows = [];
      return toBatch(taken);
    },
  };
}

function reject(context: RowContext, line: number, field: string | null, message: string): null {
  context.errors.add({ file: context.file, line, field, message });
  return null;
}

function blankToNull(value: string): string | null {
  return value === "" ? null : value;
}

// Returned by the column readers below when the value is invalid (the error is already logged).
const INVALID = Symbol("invalid");

/**
 * Blank means "No Location". Unary plus is the cheapest number parse; checking the first and last
 * characters keeps it from accepting what it would otherwise turn into 0 or a number ("", " ",
 * "Infinity", "1e", "-").
 */
function readCoordinate(
  text: string,
  field: string,
  limit: number,
  line: number,
  context: RowContext,
): number | null | typeof INVALID {
  if (text === "") return null;
  const first = text.charCodeAt(0);
  const value = +text;
  if (
    !(isDigit(first) || first === MINUS || first === FULL_STOP) ||
    !isDigit(text.charCodeAt(text.length - 1)) ||
    Number.isNaN(value) ||
    value < -limit ||
    value > limit
  ) {
    reject(context, line, field, `"${text}" is not a coordinate between -${limit} and ${limit}`);
    return INVALID;
  }
  return value;
}

const MINUS = 0x2d;
const FULL_STOP = 0x2e;

function isDigit(charCode: number): boolean {
  return charCode >= 48 && charCode <= 57;
}

/**
 * Longitude and latitude are both present or both blank ("No Location"). The values are left in
 * `context.longitude` and `context.latitude`, sparing an object per row.
 */
function hasValidPosition(
  longitudeText: string,
  latitudeText: string,
  line: number,
  context: RowContext,
): boolean {
  const longitude = readCoordinate(longitudeText, "Longitude", 180, line, context);
  const latitude = readCoordinate(latitudeText, "Latitude", 90, line, context);
  if (longitude === INVALID || latitude === INVALID) return false;
  if ((longitude === null) !== (latitude === null)) {
    reject(
      context,
      line,
      longitude === null ? "Longitude" : "Latitude",
      "is blank but the other coordinate is not",
    );
    return false;
  }
  context.longitude = longitude;
  context.latitude = latitude;
  return true;
}

function hasExpectedMonth(month: string, line: number, context: RowContext): boolean {
  if (month === context.identity.month) return true;
  reject(
    context,
    line,
    "Month",
    MONTH_PATTERN.test(month)
      ? `${month} does not match the file's month ${context.identity.month}`
      : `"${month}" is not a YYYY-MM month`,
  );
  return false;
}

function fallsWithinForce(fallsWithin: string, line: number, context: RowContext): boolean {
  if (fallsWithin === context.acceptedFallsWithin) return true;
  if (normaliseForceName(fallsWithin) === normaliseForceName(context.force.name)) {
    context.acceptedFallsWithin = fallsWithin;
    return true;
  }
  reject(
    context,
    line,
    "Falls within",
    `"${fallsWithin}" is not ${context.force.name}, the force named in the file name`,
  );
  return false;
}

/** Checks columns 1-5 (Month to Latitude), shared by the street and outcomes files. */
function hasValidCrimeLocation(fields: readonly string[], line: number, context: RowContext): boolean {
  return (
    hasExpectedMonth(fields[1] ?? "", line, context) &&
    fallsWithinForce(fields[3] ?? "", line, context) &&
    hasValidPosition(fields[4] ?? "", fields[5] ?? "", line, context)
  );
}

// The row readers build each row as one object literal: spreading shared columns into it, or
// building it in steps, costs more than all the validation of a row.
function readStreetRow(fields: readonly string[], line: number, context: RowContext): StreetCrimeRow | null {
  const crimeId = fields[0] ?? "";
  const crimeType = fields[9] ?? "";
  if (crimeType === "") return reject(context, line, "Crime type", "is blank");
  if (crimeId === "" && crimeType !== ANTI_SOCIAL_BEHAVIOUR) {
    return reject(
      context,
      line,
      "Crime ID",
      `is blank, but only ${ANTI_SOCIAL_BEHAVIOUR} rows have no Crime ID`,
    );
  }
  if (!hasValidCrimeLocation(fields, line, context)) return null;
  return {
    line,
    month: context.identity.month,
    reportedBy: fields[2] ?? "",
    fallsWithin: context.acceptedFallsWithin,
    longitude: context.longitude,
    latitude: context.latitude,
    location: fields[6] ?? "",
    lsoaCode: blankToNull(fields[7] ?? ""),
    lsoaName: blankToNull(fields[8] ?? ""),
    crimeId: blankToNull(crimeId),
    crimeType,
    lastOutcomeCategory: blankToNull(fields[10] ?? ""),
    context: blankToNull(fields[11] ?? ""),
  };
}

function readOutcomeRow(fields: readonly string[], line: number, context: RowContext): OutcomeRow | null {
  const crimeId = fields[0] ?? "";
  const outcomeType = fields[9] ?? "";
  if (crimeId === "") return reject(context, line, "Crime ID", "is blank");
  if (outcomeType === "") return reject(context, line, "Outcome type", "is blank");
  if (!hasValidCrimeLocation(fields, line, context)) return null;
  return {
    line,
    month: context.identity.month,
    reportedBy: fields[2] ?? "",
    fallsWithin: context.acceptedFallsWithin,
    longitude: context.longitude,
    latitude: context.latitude,
    location: fields[6] ?? "",
    lsoaCode: blankToNull(fields[7] ?? ""),
    lsoaName: blankToNull(fields[8] ?? ""),
    crimeId,
    outcomeType,
  };
}

function readFlag(
  text: string,
  field: string,
  line: number,
  context: RowContext,
): boolean | null | typeof INVALID {
  if (text === "") return null;
  if (text === "True") return true;
  if (text === "False") return false;
  reject(context, line, field, `"${text}" is not True or False`);
  return INVALID;
}

function readStopAndSearchRow(
  fields: readonly string[],
  line: number,
  context: RowContext,
): StopAndSearchRow | null {
  const type = fields[0] ?? "";
  const date = fields[1] ?? "";
  if (type === "") return reject(context, line, "Type", "is blank");
  if (!ISO_TIMESTAMP_PATTERN.test(date) || Number.isNaN(Date.parse(date))) {
    return reject(
      context,
      line,
      "Date",
      `"${date}" is not an ISO 8601 timestamp such as 2022-01-01T02:15:00+00:00`,
    );
  }
  // Stop-and-search files put Latitude before Longitude, unlike the crime files.
  const validPosition = hasValidPosition(fields[5] ?? "", fields[4] ?? "", line, context);
  const partOfPolicingOperation = readFlag(fields[2] ?? "", "Part of a policing operation", line, context);
  const outcomeLinked = readFlag(fields[13] ?? "", "Outcome linked to object of search", line, context);
  const removal = readFlag(fields[14] ?? "", "Removal of more than just outer clothing", line, context);
  if (
    !validPosition ||
    partOfPolicingOperation === INVALID ||
    outcomeLinked === INVALID ||
    removal === INVALID
  ) {
    return null;
  }
  return {
    line,
    type,
    date,
    partOfPolicingOperation,
    policingOperation: blankToNull(fields[3] ?? ""),
    latitude: context.latitude,
    longitude: context.longitude,
    gender: blankToNull(fields[6] ?? ""),
    ageRange: blankToNull(fields[7] ?? ""),
    selfDefinedEthnicity: blankToNull(fields[8] ?? ""),
    officerDefinedEthnicity: blankToNull(fields[9] ?? ""),
    legislation: blankToNull(fields[10] ?? ""),
    objectOfSearch: blankToNull(fields[11] ?? ""),
    outcome: blankToNull(fields[12] ?? ""),
    outcomeLinkedToObjectOfSearch: outcomeLinked,
    removalOfMoreThanJustOuterClothing: removal,
  };
}
