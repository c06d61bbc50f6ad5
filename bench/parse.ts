/**
 * Parse throughput on the 12 real West Mercia 2025 street files (102,105 rows): our tokenizer and
 * our full parse+validate, against csv-parse (what the parser used before) as the reference. The
 * files are read into memory first and fed in 64 KiB chunks, as a file stream would, so that disk
 * speed does not blur the comparison.
 *
 *   npm run bench -- [--source <police_uk_archive>]
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { parse as csvParse } from "csv-parse";
import { CsvTokenizer } from "../src/modules/crime/csv-tokenizer.js";
import { parsePoliceCsv } from "../src/modules/crime/parse.js";
import { loadReferenceData } from "../src/modules/crime/reference.js";
import { benchOptions, formatRate, machineLoad, requireSource, rowsPerSecond, timed } from "./support.js";

const CHUNK_BYTES = 64 * 1024;
const RUNS = 5;

interface InputFile {
  file: string;
  chunks: Buffer[];
}

async function main(): Promise<void> {
  const { source } = benchOptions();
  const folder = join(source, "west-mercia");
  requireSource(folder, "the real West Mercia 2025 street files");
  const files = await loadFiles(folder);
  const { forces } = await loadReferenceData();

  const contenders: Record<string, () => Promise<number>> = {
    "csv-parse (reference)": () => countWithCsvParse(files),
    "our tokenizer": async () => countWithTokenizer(files),
    "our parse+validate": async () => {
      let rows = 0;
      for (const { file, chunks } of files) {
        const parser = parsePoliceCsv(iterate(chunks), { file, forces });
        for await (const batch of parser) rows += batch.rows.length;
        if (parser.errors.total > 0) throw new Error(`${file}: ${parser.errors.total} row errors`);
      }
      return rows;
    },
  };
  const rates = new Map<string, { wall: number; cpu: number }>();
  for (const [name, run] of Object.entries(contenders)) {
    await run(); // warm-up: let the JIT settle before timing
    const results = [];
    for (let i = 0; i < RUNS; i++) results.push(await timed(run));
    const median = results.sort((a, b) => a.seconds - b.seconds)[Math.floor(RUNS / 2)];
    if (median === undefined) continue;
    rates.set(name, {
      wall: rowsPerSecond(median.result, median.seconds),
      cpu: rowsPerSecond(median.result, median.cpuSeconds),
    });
    console.log(`${name.padEnd(22)} ${formatRate(median.result, median)} (median of ${RUNS})`);
  }
  const reference = rates.get("csv-parse (reference)");
  for (const name of ["our tokenizer", "our parse+validate"]) {
    const rate = rates.get(name);
    if (rate === undefined || reference === undefined) continue;
    console.log(
      `${name} / csv-parse: ${(rate.wall / reference.wall).toFixed(1)}× by wall-clock, ` +
        `${(rate.cpu / reference.cpu).toFixed(1)}× by CPU time`,
    );
  }
  console.log(`(${machineLoad()})`);
}

async function loadFiles(folder: string): Promise<InputFile[]> {
  const names = (await readdir(folder, { recursive: true })).filter((name) => name.endsWith(".csv")).sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(folder, name));
      const chunks: Buffer[] = [];
      for (let start = 0; start < bytes.length; start += CHUNK_BYTES) {
        chunks.push(bytes.subarray(start, start + CHUNK_BYTES));
      }
      return { file: name, chunks };
    }),
  );
}

async function* iterate(chunks: readonly Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

/** Data rows (the header excluded), as csv-parse splits them. */
async function countWithCsvParse(files: readonly InputFile[]): Promise<number> {
  let rows = 0;
  for (const { chunks } of files) {
    const parser = csvParse({ bom: true, relax_column_count: true, skip_empty_lines: true });
    const done = (async () => {
      for await (const _record of parser) rows++;
    })();
    for (const chunk of chunks) parser.write(chunk);
    parser.end();
    await done;
    rows--;
  }
  return rows;
}

function countWithTokenizer(files: readonly InputFile[]): number {
  let rows = 0;
  for (const { chunks } of files) {
    const tokenizer = new CsvTokenizer(() => rows++);
    for (const chunk of chunks) tokenizer.write(chunk);
    tokenizer.end();
    rows--;
  }
  return rows;
}

await main();
