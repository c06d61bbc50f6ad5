/**
 * The three kinds of CSV that data.police.uk publishes, told apart by their header row, and the
 * `YYYY-MM-<force>-<kind>.csv` naming scheme that identifies which force-month a file covers.
 */
export const FILE_KINDS = ["street", "outcomes", "stop-and-search"] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export const EXPECTED_HEADERS: Readonly<Record<FileKind, readonly string[]>> = {
  street: [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
  ],
  outcomes: [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Outcome type",
  ],
  "stop-and-search": [
    "Type",
    "Date",
    "Part of a policing operation",
    "Policing operation",
    "Latitude",
    "Longitude",
    "Gender",
    "Age range",
    "Self-defined ethnicity",
    "Officer-defined ethnicity",
    "Legislation",
    "Object of search",
    "Outcome",
    "Outcome linked to object of search",
    "Removal of more than just outer clothing",
  ],
};

/** A file-level problem: the whole file is refused rather than reported row by row. */
export class PoliceFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "PoliceFileError";
  }
}

export function detectFileKind(file: string, header: readonly string[]): FileKind {
  const kind = FILE_KINDS.find((candidate) => sameColumns(header, EXPECTED_HEADERS[candidate]));
  if (kind !== undefined) return kind;
  const expected = FILE_KINDS.map((k) => `  ${k}: ${EXPECTED_HEADERS[k].join(",")}`).join("\n");
  throw new PoliceFileError(
    file,
    `unrecognised header row "${header.join(",")}"; expected one of the data.police.uk headers:\n${expected}`,
  );
}

function sameColumns(actual: readonly string[], expected: readonly string[]): boolean {
  return actual.length === expected.length && expected.every((column, i) => actual[i] === column);
}

/** Which force-month a file covers, read from its name. */
export interface PoliceFileIdentity {
  forceId: string;
  /** `YYYY-MM` */
  month: string;
  kind: FileKind;
}

// Force ids are lower-case slugs ("west-mercia", "btp"); the kind suffix is matched last so that
// "stop-and-search" is not mistaken for part of the force slug.
const FILE_NAME_PATTERN =
  /^(\d{4}-(?:0[1-9]|1[0-2]))-([a-z][a-z-]*[a-z])-(street|outcomes|stop-and-search)\.csv$/;

/**
 * Reads `2025-01-west-mercia-street.csv` (optionally inside folders, as in zip members such as
 * `2025-01/2025-01-west-mercia-street.csv`). Returns null when the name does not follow the scheme.
 */
export function identifyPoliceFile(path: string): PoliceFileIdentity | null {
  const baseName = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const match = FILE_NAME_PATTERN.exec(baseName);
  if (match === null) return null;
  const [, month, forceId, kind] = match;
  if (month === undefined || forceId === undefined || !isFileKind(kind)) return null;
  return { forceId, month, kind };
}

function isFileKind(value: string | undefined): value is FileKind {
  return FILE_KINDS.some((kind) => kind === value);
}
