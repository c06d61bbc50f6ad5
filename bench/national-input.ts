/**
 * Builds the national-scale street input for bench/ingest.ts, once per size: the real 2025
 * street rows (13 forces' monthly archives and custom downloads) resampled into monthly files for
 * all 44 forces, each row with a fresh Crime ID and the force's own name, as data.police.uk lays
 * them out (`2025-01/2025-01-<force>-street.csv`). Real rows keep the real mix of crime types,
 * outcomes, quoted LSOA names and "No Location" rows; only the force and the volume are made up.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readPoliceCsvs } from "../src/modules/crime/archive.js";
import { CsvTokenizer, formatCsvField } from "../src/modules/crime/csv-tokenizer.js";
import { EXPECTED_HEADERS } from "../src/modules/crime/file-kinds.js";
import type { Force } from "../src/modules/crime/reference.js";
import { requireSource } from "./support.js";

export interface NationalInput {
  folder: string;
  files: string[];
  rows: number;
}

// Bump when the way the input is made changes, so that old caches are rebuilt.
const INPUT_VERSION = 1;
const SEED = 20250101;
// Column positions in a street file.
const CRIME_ID = 0;
const MONTH = 1;
const FIRST_KEPT_COLUMN = 4; // Longitude onwards is kept as published

/** The input for `rows` street rows under `cache`, built first if it is not there yet. */
export async function nationalInput(
  source: string,
  cache: string,
  rows: number,
  forces: readonly Force[],
): Promise<NationalInput> {
  const folder = join(cache, `national-street-${rows}`);
  const manifestFile = join(folder, "manifest.json");
  const manifest = { version: INPUT_VERSION, rows, seed: SEED, forces: forces.length };
  if (existsSync(manifestFile) && (await readFile(manifestFile, "utf8")) === JSON.stringify(manifest)) {
    return { folder, files: await listCsvs(folder), rows };
  }
  console.log(`Building the national input (${rows.toLocaleString("en-GB")} street rows) in ${folder} ...`);
  const pools = await realRowsByMonth(source);
  await rm(folder, { recursive: true, force: true });
  const months = [...pools.keys()].sort();
  const random = seededRandom(SEED);
  const header = `${EXPECTED_HEADERS.street.join(",")}\n`;
  let written = 0;
  for (const [monthIndex, month] of months.entries()) {
    const pool = pools.get(month) ?? [];
    await mkdir(join(folder, month), { recursive: true });
    for (const [forceIndex, force] of forces.entries()) {
      const slot = monthIndex * forces.length + forceIndex;
      const count = Math.floor(((slot + 1) * rows) / (months.length * forces.length)) - written;
      const name = formatCsvField(force.name);
      const lines: string[] = [header];
      for (let i = 0; i < count; i++) {
        const row = pool[Math.floor(random() * pool.length)];
        if (row === undefined) throw new Error(`no real street rows for ${month}`);
        const crimeId = row.hasCrimeId ? randomHex(random) : "";
        lines.push(`${crimeId},${month},${name},${name},${row.tail}\n`);
      }
      await writeFile(join(folder, month, `${month}-${force.id}-street.csv`), lines.join(""));
      written += count;
    }
  }
  await writeFile(manifestFile, JSON.stringify(manifest));
  return { folder, files: await listCsvs(folder), rows: written };
}

interface PooledRow {
  /** Anti-social behaviour rows are published without one. */
  hasCrimeId: boolean;
  /** Longitude to Context, as CSV. */
  tail: string;
}

async function realRowsByMonth(source: string): Promise<Map<string, PooledRow[]>> {
  const pools = new Map<string, PooledRow[]>();
  for (const folder of ["monthly-archives", "custom-downloads"]) {
    const path = join(source, folder);
    requireSource(path, "the real 2025 data.police.uk archives");
    for await (const member of readPoliceCsvs(path)) {
      if (member.identity.kind !== "street") continue;
      const pool = pools.get(member.identity.month) ?? [];
      pools.set(member.identity.month, pool);
      let header = true;
      const tokenizer = new CsvTokenizer((fields) => {
        if (header) header = false;
        else if (fields[MONTH] === member.identity.month) {
          pool.push({
            hasCrimeId: fields[CRIME_ID] !== "",
            tail: fields.slice(FIRST_KEPT_COLUMN).map(formatCsvField).join(","),
          });
        }
      });
      for await (const chunk of member.stream) tokenizer.write(chunk as Buffer);
      tokenizer.end();
    }
  }
  if (pools.size === 0) throw new Error(`no street files under ${source}`);
  return pools;
}

async function listCsvs(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true });
  return entries
    .filter((entry) => entry.endsWith(".csv"))
    .sort()
    .map((entry) => join(folder, entry));
}

/** Mulberry32: small, fast and repeatable, so every run of a size reads the same input. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 64 hex digits, the shape of a data.police.uk Crime ID. */
function randomHex(random: () => number): string {
  let hex = "";
  for (let i = 0; i < 8; i++)
    hex += Math.floor(random() * 4294967296)
      .toString(16)
      .padStart(8, "0");
  return hex;
}
