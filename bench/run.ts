/**
 * Runs every benchmark, one after another, each in a Node process of its own (so that one's JIT
 * state and memory do not colour the next). Options are passed to each, e.g.
 *
 *   npm run bench -- --rows 500000 --source ../shared/data/real/police_uk_archive
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BENCHMARKS = ["parse.ts", "ingest.ts", "measures.ts"];

const folder = dirname(fileURLToPath(import.meta.url));
let failed = false;
for (const benchmark of BENCHMARKS) {
  console.log(`\n### bench/${benchmark}\n`);
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, join(folder, benchmark), ...process.argv.slice(2)],
    {
      stdio: "inherit",
    },
  );
  if (run.status !== 0) {
    console.error(`bench/${benchmark} failed (exit code ${run.status})`);
    failed = true;
  }
}
process.exitCode = failed ? 1 : 0;
