/**
 * Several Scrutineer processes on one PostgreSQL: sessions, ingests and migrations across processes.
 * PostgreSQL only (SQLite is one process's file by design): skipped unless TEST_DATABASE_URL is set.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { migrations } from "../../src/db/migrations/index.js";
import { readPoliceCsvs } from "../../src/modules/crime/archive.js";
import { rootDir } from "../../src/lib/paths.js";
import { createTestUser } from "../factories.js";
import { withSearchPath } from "../helpers/test-db.js";
import { runKillChild } from "../reliability/kill-harness.js";
import { signInOverHttp, startAppProcess, type AppProcess } from "./app-process.js";

const postgresUrl = process.env.TEST_DATABASE_URL;

/** A new, empty schema (no tables yet) and a URL that works in it, for this process and others. */
async function emptySchema(): Promise<{ db: Db; url: string; drop: () => Promise<void> }> {
  const schema = `multi_${randomBytes(6).toString("hex")}`;
  const admin = openDatabase(postgresUrl!, { poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.kysely);
  const url = withSearchPath(postgresUrl!, schema);
  const db = openDatabase(url, { poolSize: 4 });
  return {
    db,
    url,
    drop: async () => {
      await db.destroy();
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.kysely);
      await admin.destroy();
    },
  };
}

describe.skipIf(!postgresUrl)("several processes on one PostgreSQL (needs TEST_DATABASE_URL)", () => {
  let database: Awaited<ReturnType<typeof emptySchema>>;
  let uploads: string;
  const apps: AppProcess[] = [];
  beforeAll(async () => {
    database = await emptySchema();
    uploads = await mkdtemp(join(tmpdir(), "scrutineer-multi-"));
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await database?.drop();
    await rm(uploads, { recursive: true, force: true });
  });

  it("migrates a fresh schema once when two migrators start together: one works, the other waits", async () => {
    const fresh = await emptySchema();
    const second = openDatabase(fresh.url, { poolSize: 2 });
    try {
      const results = await Promise.all([migrateToLatest(fresh.db), migrateToLatest(second)]);
      const applied = results.map((result) => result.results?.length ?? 0).sort((a, b) => a - b);
      // Kysely's migration lock: the waiter finds every migration done and applies none.
      expect(applied).toEqual([0, Object.keys(migrations).length]);
      const recorded = await sql<{
        n: string;
      }>`select count(*) as n from kysely_migration`.execute(fresh.db.kysely);
      expect(Number(recorded.rows[0]?.n)).toBe(Object.keys(migrations).length);
    } finally {
      await second.destroy();
      await fresh.drop();
    }
  });

  it(
    "runs two app processes on one database, both migrating at start, sharing sessions",
    { timeout: 300_000 },
    async () => {
      const env = {
        DATABASE_URL: database.url,
        SESSION_SECRET: randomBytes(24).toString("hex"),
        UPLOAD_DIR: uploads,
        LOAD_DEMO_DATA: "false",
      };
      // Started together on the empty schema: the migrator's lock lets one migrate while the other waits.
      apps.push(...(await Promise.all([startAppProcess(env), startAppProcess(env)])));
      const [first, second] = apps as [AppProcess, AppProcess];
      expect(first.baseUrl).not.toBe(second.baseUrl);

      const user = await createTestUser(database.db, { role: "opcc" });
      const cookie = await signInOverHttp(first.baseUrl, user.email);
      for (const app of [first, second]) {
        const page = await fetch(`${app.baseUrl}/actions`, { headers: { cookie }, redirect: "manual" });
        expect(page.status, app.errors()).toBe(200);
        expect(await page.text()).toContain(user.name);
        const anonymous = await fetch(`${app.baseUrl}/actions`, { redirect: "manual" });
        expect(anonymous.status).toBe(302);
      }
      // Signing out on the second ends the session on the first too.
      const signOutForm = await fetch(`${second.baseUrl}/actions`, { headers: { cookie } });
      const token = /name="_csrf" value="([^"]+)"/.exec(await signOutForm.text())?.[1] ?? "";
      const signOut = await fetch(`${second.baseUrl}/sign-out`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: token }).toString(),
      });
      expect(signOut.status).toBe(302);
      expect(
        (await fetch(`${first.baseUrl}/actions`, { headers: { cookie }, redirect: "manual" })).status,
      ).toBe(302);
    },
  );

  it(
    "serialises two ingests of the same force-month in two processes, never doubling it",
    { timeout: 300_000 },
    async () => {
      await migrateToLatest(database.db); // already done by the app processes when the test before ran
      // The real West Mercia January 2025 street file, repeated so that the two loads overlap.
      const archive = join(rootDir, "data", "demo", "police-uk", "2025-01.zip");
      let text = "";
      for await (const member of readPoliceCsvs(archive, { forceIds: ["west-mercia"] })) {
        for await (const chunk of member.stream) text += String(chunk);
      }
      const [header, ...lines] = text.trimEnd().split("\n");
      const copies = 10;
      const file = join(uploads, "2025-01-west-mercia-street.csv");
      await writeFile(file, `${header}\n${Array<string>(copies).fill(lines.join("\n")).join("\n")}\n`);

      const runs = await Promise.all([
        runKillChild("crime-ingest", database.url, file, "never"),
        runKillChild("crime-ingest", database.url, file, "never"),
      ]);
      expect(runs.map((run) => run.code)).toEqual([0, 0]);
      const held = await database.db.kysely
        .selectFrom("crime_street_crimes")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("force_id", "=", "west-mercia")
        .where("month", "=", "2025-01")
        .executeTakeFirstOrThrow();
      expect(Number(held.n)).toBe(lines.length * copies);
      const counted = await database.db.kysely
        .selectFrom("crime_monthly_counts")
        .select((eb) => eb.fn.sum<string>("count").as("n"))
        .where("force_id", "=", "west-mercia")
        .where("month", "=", "2025-01")
        .executeTakeFirstOrThrow();
      expect(Number(counted.n)).toBe(lines.length * copies);
      const logged = await database.db.kysely
        .selectFrom("crime_ingests")
        .select("rows_accepted")
        .where("force_id", "=", "west-mercia")
        .where("month", "=", "2025-01")
        .execute();
      expect(logged.map((row) => row.rows_accepted)).toEqual([lines.length * copies, lines.length * copies]);
    },
  );
});
