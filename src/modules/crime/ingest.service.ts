/**
 * Loads one data.police.uk CSV into the database as a unit. A file replaces whatever was loaded
 * before for its force, month and kind, in one transaction: the same file twice leaves the same
 * data, a refreshed file replaces the older one, and a failure (a bad row, a crash, a killed
 * process) leaves the previous state untouched. Rows are streamed from the parser into bulk
 * inserts, so memory stays flat however large the file.
 */
import { createHash, type Hash } from "node:crypto";
import { relative } from "node:path";
import type { Transaction } from "kysely";
import type { Db } from "../../db/database.js";
import {
  inBulkTransaction,
  lockUntilCommit,
  type BulkTransaction,
  type CellValue,
} from "../../db/dialect.js";
import type { Database } from "../../db/schema.js";
import { nowIso } from "../../lib/time.js";
import type { Actor } from "../audit/actor.js";
import { recordAudit } from "../audit/audit.repository.js";
import {
  deleteForceMonth,
  insertIngestLog,
  labelId,
  labelIds,
  saveForce,
  saveLsoas,
  type LsoaEntry,
} from "./crime.repository.js";
import { listPoliceCsvs, readPoliceCsvs } from "./archive.js";
import { PoliceFileError, type PoliceFileIdentity } from "./file-kinds.js";
import {
  parsePoliceCsv,
  type ParseError,
  type PoliceCsvParser,
  type RowBatch,
  type StopAndSearchRow,
  type StreetCrimeRow,
} from "./parse.js";
import { lsoaToLocalAuthority, type ReferenceData } from "./reference.js";

export interface IngestSource {
  /** The file's name or path (zip member path, upload name): it says which force-month and kind it is. */
  file: string;
  stream: AsyncIterable<Buffer | string>;
}

export interface IngestOptions {
  reference: ReferenceData;
  actor: Actor;
  /** Load the valid rows of a file that has some invalid ones, logging every rejected line. */
  skipInvalid?: boolean;
  /** Called as rows are loaded, with the totals so far. */
  onProgress?: (progress: { rows: number; bytes: number }) => void;
}

export type IngestResult = LoadedFile | RejectedFile;

export interface LoadedFile {
  status: "loaded";
  file: string;
  identity: PoliceFileIdentity;
  sha256: string;
  rowsAccepted: number;
  rowsRejected: number;
  duplicateRows: number;
  /** The rejected rows (all of them: only with skipInvalid can a loaded file have any). */
  errors: ParseError[];
  durationMs: number;
  ingestId: number;
}

export interface RejectedFile {
  status: "rejected";
  file: string;
  identity: PoliceFileIdentity | null;
  /** One line saying why nothing was loaded. */
  reason: string;
  /** The first errors found (up to 50) and how many there were in all. */
  errors: ParseError[];
  errorTotal: number;
}

const MAX_ERRORS_REPORTED = 50;

/** Thrown inside the transaction to roll it back when a file has invalid rows. */
class InvalidRowsError extends Error {}

export async function ingestPoliceCsv(
  db: Db,
  source: IngestSource,
  options: IngestOptions,
): Promise<IngestResult> {
  const started = performance.now();
  const hash = createHash("sha256");
  const read = { bytes: 0 };
  let parser: PoliceCsvParser;
  try {
    parser = parsePoliceCsv(hashing(source.stream, hash, read), {
      file: source.file,
      forces: options.reference.forces,
      // Every rejected line is logged when the rest is loaded; otherwise the first few explain the refusal.
      maxErrorsKept: options.skipInvalid ? Number.POSITIVE_INFINITY : MAX_ERRORS_REPORTED,
    });
  } catch (error) {
    if (error instanceof PoliceFileError) return rejectedWhole(source.file, null, error);
    throw error;
  }
  const { identity, force, errors } = parser;
  try {
    return await inBulkTransaction(db, async (bulk) => {
      const { trx } = bulk;
      // Two loads of the same force-month at once would each delete only the rows they can see.
      await lockUntilCommit(bulk, `crime-ingest:${identity.forceId}:${identity.month}:${identity.kind}`);
      await saveForce(trx, force);
      await deleteForceMonth(trx, identity);
      const loader = await createLoader(bulk, identity, options.reference);
      let rowsRead = 0;
      for await (const batch of parser) {
        await loader.add(batch);
        rowsRead += batch.rows.length;
        options.onProgress?.({ rows: rowsRead, bytes: read.bytes });
      }
      if (errors.total > 0 && !options.skipInvalid) throw new InvalidRowsError();
      const { duplicateRows } = await loader.finish();
      const rowsAccepted = rowsRead - duplicateRows;
      const durationMs = Math.round(performance.now() - started);
      const sha256 = hash.digest("hex");
      const logEntry = {
        file_name: source.file,
        sha256,
        kind: identity.kind,
        force_id: identity.forceId,
        month: identity.month,
        rows_accepted: rowsAccepted,
        rows_rejected: errors.total,
        duplicate_rows: duplicateRows,
        rejected_lines_json:
          errors.total > 0
            ? JSON.stringify(errors.kept.map(({ line, field, message }) => ({ line, field, message })))
            : null,
        duration_ms: durationMs,
        user_id: options.actor.userId,
        actor: options.actor.label,
        ingested_at: nowIso(),
      };
      const ingestId = await insertIngestLog(trx, logEntry);
      const { rejected_lines_json: _lines, ...summary } = logEntry;
      await recordAudit(trx, options.actor, {
        action: "create",
        entityType: "ingest",
        entityId: ingestId,
        after: summary,
      });
      return {
        status: "loaded" as const,
        file: source.file,
        identity,
        sha256,
        rowsAccepted,
        rowsRejected: errors.total,
        duplicateRows,
        errors: errors.kept,
        durationMs,
        ingestId,
      };
    });
  } catch (error) {
    if (error instanceof InvalidRowsError) {
      return {
        status: "rejected",
        file: source.file,
        identity,
        reason: `${source.file}: ${errors.total} invalid ${errors.total === 1 ? "row" : "rows"}; nothing was loaded`,
        errors: errors.kept,
        errorTotal: errors.total,
      };
    }
    if (error instanceof PoliceFileError) return rejectedWhole(source.file, identity, error);
    throw error;
  }
}

export interface PathIngestOptions extends Omit<IngestOptions, "onProgress"> {
  /** Only these forces (data.police.uk ids); all when omitted. */
  forceIds?: readonly string[];
  /** Name files relative to this folder (e.g. an upload's temporary folder) in results and the log. */
  relativeTo?: string;
  /** Called with the file about to be read, before any of its rows. */
  onFileStart?: (file: string) => void;
  onProgress?: (progress: { file: string; rows: number; bytes: number }) => void;
}

/** The bytes of the data.police.uk CSVs under `path` (a CSV, a zip or a folder), for progress bars. */
export async function measurePath(path: string, forceIds?: readonly string[]): Promise<number> {
  const listing = await listPoliceCsvs(path, forceIds ? { forceIds } : {});
  return listing.csvs.reduce((sum, csv) => sum + csv.bytes, 0);
}

/**
 * Ingests every data.police.uk CSV under `path`, streaming each out of its zip or folder, one
 * file (one transaction) at a time. An unreadable archive is reported as a rejected file.
 */
export async function* ingestPath(
  db: Db,
  path: string,
  options: PathIngestOptions,
): AsyncGenerator<IngestResult> {
  const { forceIds, relativeTo, onFileStart, onProgress, ...ingestOptions } = options;
  const nameOf = (file: string) => (relativeTo === undefined ? file : relative(relativeTo, file));
  try {
    for await (const member of readPoliceCsvs(path, forceIds ? { forceIds } : {})) {
      const file = nameOf(member.file);
      onFileStart?.(file);
      yield await ingestPoliceCsv(
        db,
        { file, stream: member.stream },
        { ...ingestOptions, onProgress: (progress) => onProgress?.({ file, ...progress }) },
      );
    }
  } catch (error) {
    if (error instanceof PoliceFileError) yield rejectedWhole(nameOf(path), null, error);
    else throw error;
  }
}

function rejectedWhole(
  file: string,
  identity: PoliceFileIdentity | null,
  error: PoliceFileError,
): RejectedFile {
  return { status: "rejected", file, identity, reason: error.message, errors: [], errorTotal: 0 };
}

/** `2025-01-west-mercia-street.csv line 7, Month: "2025-13" is not a YYYY-MM month` */
export function describeParseError(error: ParseError): string {
  return `${error.file} line ${error.line}, ${error.field ?? "row"}: ${error.message}`;
}

async function* hashing(
  stream: AsyncIterable<Buffer | string>,
  hash: Hash,
  read: { bytes: number },
): AsyncGenerator<Buffer | string> {
  for await (const chunk of stream) {
    hash.update(chunk);
    read.bytes += chunk.length;
    yield chunk;
  }
}

/** Writes the batches of one kind of file; the parser guarantees every batch is of that kind. */
interface Loader {
  add(batch: RowBatch): Promise<void>;
  /** Writes what can only be written once every row is in; says how many rows were repeats. */
  finish(): Promise<{ duplicateRows: number }>;
}

function createLoader(
  bulk: BulkTransaction,
  identity: PoliceFileIdentity,
  reference: ReferenceData,
): Promise<Loader> {
  switch (identity.kind) {
    case "street":
      return streetLoader(bulk, identity, reference);
    case "outcomes":
      return outcomeLoader(bulk, identity);
    case "stop-and-search":
      return Promise.resolve(stopSearchLoader(bulk, identity));
  }
}

function unexpectedBatch(batch: RowBatch, identity: PoliceFileIdentity): never {
  throw new Error(`a ${batch.kind} batch in a ${identity.kind} file`);
}

/**
 * Label -> id for crime types or outcome categories. `known` answers synchronously (the per-row
 * path); `add` stores a label the database has not seen (new ones appear over the years).
 */
async function labelDictionary(
  trx: Transaction<Database>,
  table: "crime_types" | "crime_outcome_categories",
) {
  const ids = await labelIds(trx, table);
  return {
    known: (label: string): number | undefined => ids.get(label),
    async add(label: string): Promise<number> {
      const id = await labelId(trx, table, label);
      ids.set(label, id);
      return id;
    },
  };
}

/** A street crime's cells, in STREET_COLUMNS order, its crime type and last outcome given as their ids. */
export function streetCells(
  identity: PoliceFileIdentity,
  row: StreetCrimeRow,
  crimeTypeId: number,
  lastOutcomeId: number | null,
): CellValue[] {
  return [
    identity.forceId,
    identity.month,
    row.crimeId,
    row.lsoaCode,
    row.longitude,
    row.latitude,
    row.location,
    crimeTypeId,
    lastOutcomeId,
    row.context,
  ];
}

/** The street crime columns the ingest writes. */
export const STREET_COLUMNS = [
  "force_id",
  "month",
  "crime_id",
  "lsoa_code",
  "longitude",
  "latitude",
  "location",
  "crime_type_id",
  "last_outcome_id",
  "context",
] as const;

/** One (LSOA, crime type, last outcome) of a street file and its crimes: the finest grain every rollup is summed from. */
interface StreetGroup {
  lsoaCode: string | null;
  localAuthority: string | null;
  type: number;
  outcome: number | null;
  count: number;
}

/**
 * The aggregate tables a street file's rows are summed into, each by the dimensions after force and
 * month in its columns. Written in the street file's transaction and deleted with its force-month.
 * Each is summed from the smallest finer one before it (`from`; "groups" is the file's finest grain).
 * The columns follow each table's index, and rows are written in that order: inserted at random
 * places in the index, the LSOA counts took three times as long a row as the street crimes.
 */
const STREET_ROLLUPS = [
  {
    table: "crime_lsoa_counts",
    from: "groups",
    columns: ["crime_type_id", "lsoa_code"],
    key: (group: StreetGroup) => [group.type, group.lsoaCode],
  },
  {
    table: "crime_monthly_counts",
    from: "groups",
    columns: ["crime_type_id", "local_authority_code", "last_outcome_id"],
    key: (group: StreetGroup) => [group.type, group.localAuthority, group.outcome],
  },
  {
    table: "crime_outcome_counts",
    from: "crime_monthly_counts",
    columns: ["crime_type_id", "last_outcome_id"],
    key: (group: StreetGroup) => [group.type, group.outcome],
  },
  {
    table: "crime_type_counts",
    from: "crime_outcome_counts",
    columns: ["crime_type_id"],
    key: (group: StreetGroup) => [group.type],
  },
] as const;

/**
 * Sums the groups by `key`, in key order: one group per distinct key, carrying the fields of the
 * first group summed into it (those in the key are the same for all of them) and its `cells`.
 */
function rollUp(
  groups: readonly StreetGroup[],
  key: (group: StreetGroup) => readonly CellValue[],
): { group: StreetGroup; cells: CellValue[] }[] {
  const totals = new Map<string, { group: StreetGroup; values: readonly CellValue[] }>();
  for (const group of groups) {
    const values = key(group);
    const id = values.join("|");
    const total = totals.get(id);
    if (total === undefined) totals.set(id, { group: { ...group }, values });
    else total.group.count += group.count;
  }
  return [...totals.values()]
    .sort((a, b) => compareCells(a.values, b.values))
    .map(({ group, values }) => ({ group, cells: [...values, group.count] }));
}

/** Orders rows of cells as an index does: cell by cell, nulls first. */
function compareCells(a: readonly CellValue[], b: readonly CellValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Street crimes, the LSOAs they name, and their rollups by area, crime type and outcome. */
async function streetLoader(
  { trx, insert }: BulkTransaction,
  identity: PoliceFileIdentity,
  reference: ReferenceData,
): Promise<Loader> {
  const crimeTypes = await labelDictionary(trx, "crime_types");
  const outcomes = await labelDictionary(trx, "crime_outcome_categories");
  const lsoas = new Map<string, LsoaEntry>();
  const groups = new Map<string, StreetGroup>();
  const { forceId, month } = identity;

  const localAuthorityOf = (code: string, name: string | null): string | null => {
    let lsoa = lsoas.get(code);
    if (lsoa === undefined) {
      const resolved = name === null ? null : lsoaToLocalAuthority(name, reference.localAuthorities);
      lsoa = { code, name, localAuthorityCode: resolved?.localAuthority?.code ?? null };
      lsoas.set(code, lsoa);
    }
    return lsoa.localAuthorityCode;
  };

  return {
    async add(batch) {
      if (batch.kind !== "street") return unexpectedBatch(batch, identity);
      const cells: CellValue[][] = [];
      for (const row of batch.rows) {
        const type = crimeTypes.known(row.crimeType) ?? (await crimeTypes.add(row.crimeType));
        const outcome =
          row.lastOutcomeCategory === null
            ? null
            : (outcomes.known(row.lastOutcomeCategory) ?? (await outcomes.add(row.lastOutcomeCategory)));
        const key = `${row.lsoaCode}|${type}|${outcome}`;
        const group = groups.get(key);
        if (group === undefined) {
          const { lsoaCode } = row;
          const localAuthority = lsoaCode === null ? null : localAuthorityOf(lsoaCode, row.lsoaName);
          groups.set(key, { lsoaCode, localAuthority, type, outcome, count: 1 });
        } else group.count++;
        cells.push(streetCells(identity, row, type, outcome));
      }
      await insert("crime_street_crimes", STREET_COLUMNS, cells);
    },
    async finish() {
      await saveLsoas(trx, [...lsoas.values()]);
      const summed = new Map<string, StreetGroup[]>([["groups", [...groups.values()]]]);
      for (const rollup of STREET_ROLLUPS) {
        const source = summed.get(rollup.from);
        if (source === undefined)
          throw new Error(`${rollup.table} is summed from ${rollup.from}, not yet summed`);
        const rows = rollUp(source, rollup.key);
        summed.set(
          rollup.table,
          rows.map((row) => row.group),
        );
        const cells = rows.map((row) => [forceId, month, ...row.cells]);
        await insert(rollup.table, ["force_id", "month", ...rollup.columns, "count"], cells);
      }
      return { duplicateRows: 0 };
    },
  };
}

const OUTCOME_COLUMNS = ["force_id", "month", "crime_id", "outcome_id"] as const;

/**
 * Outcome events, one per (crime, outcome) and month. Some published files repeat a row verbatim
 * (Thames Valley, January 2022): the repeat is counted as a duplicate and loaded once.
 */
async function outcomeLoader(
  { trx, insert }: BulkTransaction,
  identity: PoliceFileIdentity,
): Promise<Loader> {
  const outcomes = await labelDictionary(trx, "crime_outcome_categories");
  const seen = new Set<string>();
  let duplicateRows = 0;
  return {
    async add(batch) {
      if (batch.kind !== "outcomes") return unexpectedBatch(batch, identity);
      const cells: CellValue[][] = [];
      for (const row of batch.rows) {
        const outcome = outcomes.known(row.outcomeType) ?? (await outcomes.add(row.outcomeType));
        const key = `${row.crimeId}|${outcome}`;
        if (seen.has(key)) {
          duplicateRows++;
          continue;
        }
        seen.add(key);
        cells.push([identity.forceId, identity.month, row.crimeId, outcome]);
      }
      await insert("crime_outcome_events", OUTCOME_COLUMNS, cells);
    },
    finish: async () => ({ duplicateRows }),
  };
}

const STOP_SEARCH_COLUMNS = [
  "force_id",
  "month",
  "searched_at",
  "type",
  "part_of_policing_operation",
  "policing_operation",
  "latitude",
  "longitude",
  "gender",
  "age_range",
  "self_defined_ethnicity",
  "officer_defined_ethnicity",
  "legislation",
  "object_of_search",
  "outcome",
  "outcome_linked_to_object_of_search",
  "removal_of_more_than_outer_clothing",
] as const;

function stopSearchLoader({ insert }: BulkTransaction, identity: PoliceFileIdentity): Loader {
  return {
    async add(batch) {
      if (batch.kind !== "stop-and-search") return unexpectedBatch(batch, identity);
      await insert(
        "crime_stop_searches",
        STOP_SEARCH_COLUMNS,
        batch.rows.map((row) => stopSearchCells(identity, row)),
      );
    },
    finish: async () => ({ duplicateRows: 0 }),
  };
}

function stopSearchCells(identity: PoliceFileIdentity, row: StopAndSearchRow): CellValue[] {
  return [
    identity.forceId,
    identity.month,
    row.date,
    row.type,
    flag(row.partOfPolicingOperation),
    row.policingOperation,
    row.latitude,
    row.longitude,
    row.gender,
    row.ageRange,
    row.selfDefinedEthnicity,
    row.officerDefinedEthnicity,
    row.legislation,
    row.objectOfSearch,
    row.outcome,
    flag(row.outcomeLinkedToObjectOfSearch),
    flag(row.removalOfMoreThanJustOuterClothing),
  ];
}

function flag(value: boolean | null): number | null {
  return value === null ? null : value ? 1 : 0;
}
