/**
 * One unit of work run in a process of its own, so that the kill tests can SIGKILL it part-way:
 *
 *   node --import tsx test/reliability/kill-child.ts <job> <database-url> <file>
 *
 * (the kill tests run it bundled into plain JavaScript: see kill-harness.ts).
 *
 * Prints "ready" once the database is open and the file read (the work itself comes next),
 * "working" when a job can tell that rows are in its open transaction, and "done" after commit.
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { openDatabase, type Db } from "../../src/db/database.js";
import { systemActor } from "../../src/modules/audit/actor.js";
import { ingestPoliceCsv } from "../../src/modules/crime/ingest.service.js";
import { loadReferenceData } from "../../src/modules/crime/reference.js";
import { importForceReturn } from "../../src/modules/measures/measures.service.js";
import { importPublishedMeeting } from "../../src/modules/meetings/meetings-import.service.js";
import { findMeetingTypeByKey } from "../../src/modules/meetings/meetings.repository.js";
import { createMeetingFromTemplate } from "../../src/modules/meetings/meetings.service.js";
import type { NewMeetingInput } from "../../src/modules/meetings/meetings.schema.js";

export const killJobs = ["crime-ingest", "force-return", "notes-import", "meeting-save"] as const;
export type KillJob = (typeof killJobs)[number];

const say = (word: string) => process.stdout.write(`${word}\n`);

const jobs: Record<KillJob, (db: Db, file: string) => Promise<void>> = {
  "crime-ingest": async (db, file) => {
    const reference = await loadReferenceData();
    let working = false;
    say("ready");
    const result = await ingestPoliceCsv(
      db,
      { file, stream: createReadStream(file) },
      {
        reference,
        actor: systemActor,
        onProgress: () => {
          if (!working) say("working");
          working = true;
        },
      },
    );
    if (result.status !== "loaded") throw new Error(result.reason);
  },
  "force-return": async (db, file) => {
    const text = await readFile(file, "utf8");
    say("ready");
    await importForceReturn(db.kysely, systemActor, { name: basename(file), text });
  },
  "notes-import": async (db, file) => {
    const text = await readFile(file, "utf8");
    say("ready");
    await importPublishedMeeting(db.kysely, systemActor, text);
  },
  /** The file holds the new meeting as JSON, its type given by key ("performance"). */
  "meeting-save": async (db, file) => {
    const { typeKey, ...meeting } = JSON.parse(await readFile(file, "utf8")) as Omit<
      NewMeetingInput,
      "meetingTypeId"
    > & { typeKey: string };
    const type = await findMeetingTypeByKey(db.kysely, typeKey);
    if (!type) throw new Error(`no meeting type ${typeKey}`);
    say("ready");
    await createMeetingFromTemplate(db.kysely, systemActor, { ...meeting, meetingTypeId: type.id });
  },
};

const [job, url, file] = process.argv.slice(2);
if (!killJobs.includes(job as KillJob) || url === undefined || file === undefined)
  throw new Error(`usage: kill-child.ts <${killJobs.join("|")}> <database-url> <file>`);
const db = openDatabase(url);
await jobs[job as KillJob](db, file);
say("done");
await db.destroy();
