/**
 * Run by ingest-kill.test.ts in a child process: ingests one CSV and says "loading" on stdout as
 * soon as the first rows are in the open transaction, so the test can kill it mid-way.
 *
 *   npx tsx src/modules/crime/ingest-kill.child.ts <database-url> <csv-path>
 */
import { createReadStream } from "node:fs";
import { openDatabase } from "../../db/database.js";
import { systemActor } from "../audit/actor.js";
import { ingestPoliceCsv } from "./ingest.service.js";
import { loadReferenceData } from "./reference.js";

const [url, path] = process.argv.slice(2);
if (url === undefined || path === undefined)
  throw new Error("usage: ingest-kill.child.ts <database-url> <csv-path>");
const db = openDatabase(url);
let announced = false;
const result = await ingestPoliceCsv(
  db,
  { file: path, stream: createReadStream(path) },
  {
    reference: await loadReferenceData(),
    actor: systemActor,
    onProgress: () => {
      if (!announced) process.stdout.write("loading\n");
      announced = true;
    },
  },
);
process.stdout.write(`${result.status}\n`);
await db.destroy();
