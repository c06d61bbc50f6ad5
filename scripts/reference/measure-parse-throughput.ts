/**
 * Rows per second for parsePoliceCsv over real data.police.uk files (a quick measurement, not a
 * test: the real data stays outside the repo).
 *
 *   npx tsx scripts/reference/measure-parse-throughput.ts <file.csv>...
 */
import { createReadStream } from "node:fs";
import { parsePoliceCsv } from "../../src/modules/crime/parse.js";
import { loadReferenceData } from "../../src/modules/crime/reference.js";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: npx tsx scripts/reference/measure-parse-throughput.ts <file.csv>...");
  process.exit(2);
}
const { forces } = await loadReferenceData();

async function parseAll(): Promise<{ rows: number; errors: number }> {
  let rows = 0;
  let errors = 0;
  for (const file of files) {
    const parser = parsePoliceCsv(createReadStream(file), { file, forces });
    for await (const batch of parser) rows += batch.rows.length;
    errors += parser.errors.total;
  }
  return { rows, errors };
}

await parseAll(); // warm-up: let the JIT settle before timing
const runs = 3;
for (let run = 1; run <= runs; run++) {
  const started = process.hrtime.bigint();
  const { rows, errors } = await parseAll();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `run ${run}: ${rows} rows, ${errors} errors in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} rows/s`,
  );
}
