/**
 * Finds the data.police.uk CSVs in what a user hands over: a single CSV, a monthly archive
 * (`2025-01.zip` holding `2025-01/2025-01-<force>-street.csv` ...), a custom download holding
 * several months, or a folder of any of these. Zip members are streamed straight out of the
 * archive (nothing is unpacked to disk). Archives are untrusted input: member names that try to
 * escape (`../`, absolute paths) make yauzl refuse the archive, and oversized members, or members that
 * would inflate far more than any real CSV does, are refused before they are read.
 */
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Readable } from "node:stream";
import yauzl from "yauzl";
import type { Entry, ZipFile } from "yauzl";
import { PoliceFileError, identifyPoliceFile, type PoliceFileIdentity } from "./file-kinds.js";

/** A monthly street file for the Met is about 30 MB; a member a hundred times that is not a real one. */
export const DEFAULT_MAX_MEMBER_BYTES = 4 * 1024 ** 3;
/**
 * data.police.uk CSVs deflate about 4 to 12 times (12 at most across the demo archives); a member that
 * would inflate a hundred times its stored size is made to (a zip bomb). Members under 1 MiB are let be.
 */
export const DEFAULT_MAX_COMPRESSION_RATIO = 100;
const RATIO_CHECKED_FROM_BYTES = 1024 ** 2;

export interface ArchiveOptions {
  /** Only these forces (data.police.uk ids); all when omitted. */
  forceIds?: readonly string[];
  /** Refuse zip members declaring a larger uncompressed size. */
  maxMemberBytes?: number;
  /** Refuse zip members that would inflate more than this many times their stored size. */
  maxCompressionRatio?: number;
}

export interface PoliceCsvEntry {
  /** Where the CSV is, for messages: a path, or `archive.zip:member/path.csv`. */
  file: string;
  identity: PoliceFileIdentity;
  bytes: number;
}

export interface PoliceCsvListing {
  csvs: PoliceCsvEntry[];
  /** Zip members and files that are not data.police.uk CSVs (READMEs, other CSVs), for reporting. */
  ignored: string[];
}

export interface PoliceCsvMember extends PoliceCsvEntry {
  /** Read it (or leave it) before asking for the next member; unread streams are discarded. */
  stream: Readable;
}

/** Lists the data.police.uk CSVs under `path` without reading their contents. */
export async function listPoliceCsvs(path: string, options: ArchiveOptions = {}): Promise<PoliceCsvListing> {
  const listing: PoliceCsvListing = { csvs: [], ignored: [] };
  for await (const source of findSources(path)) {
    if (source.kind === "csv") {
      addEntry(listing, source.path, source.path, { bytes: source.bytes, storedBytes: null }, options);
    } else {
      const zip = await openZip(source.path);
      try {
        for (const entry of await readEntries(zip, source.path)) {
          addEntry(listing, `${source.path}:${entry.fileName}`, entry.fileName, sizesOf(entry), options);
        }
      } finally {
        zip.close();
      }
    }
  }
  return listing;
}

/** Streams the data.police.uk CSVs under `path` one at a time, in name order. */
export async function* readPoliceCsvs(
  path: string,
  options: ArchiveOptions = {},
): AsyncGenerator<PoliceCsvMember> {
  for await (const source of findSources(path)) {
    if (source.kind === "csv") {
      const entry = toEntry(source.path, source.path, { bytes: source.bytes, storedBytes: null }, options);
      if (entry !== null) yield* yieldThenDiscard({ ...entry, stream: createReadStream(source.path) });
      continue;
    }
    const zip = await openZip(source.path);
    try {
      for (const zipEntry of await readEntries(zip, source.path)) {
        const entry = toEntry(
          `${source.path}:${zipEntry.fileName}`,
          zipEntry.fileName,
          sizesOf(zipEntry),
          options,
        );
        if (entry !== null)
          yield* yieldThenDiscard({ ...entry, stream: await openEntry(zip, zipEntry, entry.file) });
      }
    } finally {
      zip.close();
    }
  }
}

async function* yieldThenDiscard(member: PoliceCsvMember): AsyncGenerator<PoliceCsvMember> {
  try {
    yield member;
  } finally {
    member.stream.destroy();
  }
}

/** A file's size, and for a zip member the bytes it is stored in (null for a plain file). */
interface Sizes {
  bytes: number;
  storedBytes: number | null;
}

const sizesOf = (entry: Entry): Sizes => ({
  bytes: entry.uncompressedSize,
  storedBytes: entry.compressedSize,
});

function addEntry(
  listing: PoliceCsvListing,
  file: string,
  name: string,
  sizes: Sizes,
  options: ArchiveOptions,
): void {
  const entry = toEntry(file, name, sizes, options);
  if (entry !== null) listing.csvs.push(entry);
  else if (identifyPoliceFile(name) === null && !name.endsWith("/")) listing.ignored.push(file);
}

/** Null for names that are not data.police.uk CSVs or are filtered out by force. */
function toEntry(file: string, name: string, sizes: Sizes, options: ArchiveOptions): PoliceCsvEntry | null {
  const identity = identifyPoliceFile(name);
  if (identity === null) return null;
  if (options.forceIds !== undefined && !options.forceIds.includes(identity.forceId)) return null;
  const { bytes, storedBytes } = sizes;
  const limit = options.maxMemberBytes ?? DEFAULT_MAX_MEMBER_BYTES;
  if (bytes > limit) {
    throw new PoliceFileError(
      file,
      `declares ${bytes} bytes uncompressed, more than the ${limit}-byte limit`,
    );
  }
  const maxRatio = options.maxCompressionRatio ?? DEFAULT_MAX_COMPRESSION_RATIO;
  if (storedBytes !== null && bytes >= RATIO_CHECKED_FROM_BYTES && bytes > maxRatio * storedBytes) {
    throw new PoliceFileError(
      file,
      `would inflate ${Math.round(bytes / Math.max(storedBytes, 1))} times (${bytes} bytes from ${storedBytes}), ` +
        `more than the ${maxRatio} times a real data.police.uk file could: refused as a zip bomb`,
    );
  }
  return { file, identity, bytes };
}

type Source = { kind: "csv"; path: string; bytes: number } | { kind: "zip"; path: string };

async function* findSources(path: string): AsyncGenerator<Source> {
  const info = await stat(path);
  if (info.isDirectory()) {
    const children = (await readdir(path)).sort();
    for (const child of children) yield* findSources(join(path, child));
  } else if (path.toLowerCase().endsWith(".zip")) {
    yield { kind: "zip", path };
  } else if (path.toLowerCase().endsWith(".csv")) {
    yield { kind: "csv", path, bytes: info.size };
  }
}

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    // validateEntrySizes makes a member stream fail as soon as more bytes come out than its header
    // declared (the zip-bomb case); decodeStrings makes yauzl refuse `../` and absolute names.
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: true },
      (error, zip) => (error ? reject(new PoliceFileError(basename(path), error.message)) : resolve(zip)),
    );
  });
}

function readEntries(zip: ZipFile, path: string): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on("entry", (entry: Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once("end", () => resolve(entries.sort((a, b) => a.fileName.localeCompare(b.fileName))));
    zip.once("error", (error: Error) =>
      reject(new PoliceFileError(path, `unsafe or corrupt zip: ${error.message}`)),
    );
    zip.readEntry();
  });
}

function openEntry(zip: ZipFile, entry: Entry, file: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) =>
      error ? reject(new PoliceFileError(file, error.message)) : resolve(stream),
    );
  });
}
