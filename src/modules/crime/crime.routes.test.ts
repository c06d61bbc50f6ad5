import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { csrfTokenIn, testApp, TestClient } from "../../../test/helpers/http.js";
import { buildApp } from "../../app.js";
import { parseConfig } from "../../config.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import type { Role } from "../../db/schema.js";
import { policeFixtures } from "./test-support.js";

const database = useTestDatabase();
let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp(database.current().db);
});
afterAll(async () => {
  await app.close();
});

async function signedIn(role: Role): Promise<TestClient> {
  const user = await createTestUser(database.current().db, { role });
  const client = new TestClient(app);
  await client.signIn(user.email);
  return client;
}

/** Posts a file as a browser's multipart form would, with the session's CSRF token. */
async function upload(
  client: TestClient,
  filename: string,
  content: Buffer,
  fields: Record<string, string> = {},
  target = app,
) {
  const token = csrfTokenIn((await client.get("/crime-data/ingest")).body);
  const boundary = "----scrutineer-test";
  const field = (name: string, value: string) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  const body = Buffer.concat([
    field("_csrf", token),
    ...Object.entries(fields).map(([name, value]) => field(name, value)),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return target.inject({
    method: "POST",
    url: "/crime-data/ingest",
    headers: {
      "content-type": `multipart/form-data; boundary=${boundary}`,
      cookie: `scrutineer.sid=${client.cookie("scrutineer.sid")}`,
    },
    payload: body,
  });
}

const westMercia = "2025-01-west-mercia-street.csv";

/** The upload's job page once the job has finished (the page the browser ends up on). */
async function finished(
  client: TestClient,
  response: { statusCode: number; headers: Record<string, unknown> },
) {
  expect(response.statusCode).toBe(303);
  const jobPage = String(response.headers.location);
  expect(jobPage).toMatch(/^\/crime-data\/ingest\/jobs\/[0-9a-f-]{36}$/);
  let progress = await client.get(`${jobPage}/progress`);
  while (progress.json<{ status: string }>().status === "running") {
    await new Promise((resolve) => setTimeout(resolve, 20));
    progress = await client.get(`${jobPage}/progress`);
  }
  return { page: await client.get(jobPage), progress: progress.json<Record<string, unknown>>() };
}

describe("the ingest page", () => {
  it("loads an uploaded CSV and shows the result and the ingest log", async () => {
    const client = await signedIn("opcc");
    const response = await upload(
      client,
      westMercia,
      await readFile(join(policeFixtures, "original", westMercia)),
    );
    const { page: result, progress } = await finished(client, response);
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain(`Loaded: ${westMercia}`);
    expect(result.body).toContain("6 rows loaded");
    expect(result.body).toContain("1 of 1 file loaded, 6 rows in all.");
    expect(result.body).not.toContain('http-equiv="refresh"');
    expect(progress).toMatchObject({ status: "finished", files: 1, filesDone: 1, rows: 6, percent: 100 });
    const rows = await database
      .current()
      .db.kysely.selectFrom("crime_street_crimes")
      .select("month")
      .where("force_id", "=", "west-mercia")
      .execute();
    expect(rows).toHaveLength(6);
    const page = await client.get("/crime-data/ingest");
    expect(page.body).toContain(westMercia);
    expect(page.body).toContain("west-mercia");
  });

  it("refuses a file over the upload limit on the form, naming it and the limit, and loads nothing", async () => {
    const client = await signedIn("opcc");
    const small = await buildApp({
      config: parseConfig({ LOG_LEVEL: "silent", CRIME_UPLOAD_MAX_MB: "1" }),
      db: database.current().db,
    });
    try {
      const ingests = () => database.current().db.kysely.selectFrom("crime_ingests").select("id").execute();
      const before = await ingests();
      // A real file, its rows repeated to some 1.7 MB.
      const original = await readFile(join(policeFixtures, "original", westMercia), "utf8");
      const [header, ...rows] = original.trimEnd().split("\n");
      const large = [
        header,
        ...Array.from({ length: Math.ceil(2_000_000 / original.length) }, () => rows).flat(),
      ];
      const response = await upload(client, westMercia, Buffer.from(large.join("\n")), {}, small);
      expect(response.statusCode).toBe(413);
      expect(response.body).toContain(
        `${westMercia} is larger than 1 MB, the most this form takes: nothing was loaded`,
      );
      expect(response.body).toContain('href="#file"');
      expect(await ingests()).toEqual(before);
    } finally {
      await small.close();
    }
  });

  it("refuses a file with an invalid row whole, naming the file, line and field", async () => {
    const client = await signedIn("admin");
    const original = await readFile(join(policeFixtures, "original", westMercia), "utf8");
    const broken = original.replace(
      "2025-01,West Mercia Police,West Mercia Police,-2.027574",
      "2025-13,West Mercia Police,West Mercia Police,-2.027574",
    );
    const { page: response, progress } = await finished(
      client,
      await upload(client, westMercia, Buffer.from(broken)),
    );
    expect(progress).toMatchObject({ status: "finished", filesDone: 1, rows: 0 });
    expect(response.body).toContain(`Rejected: ${westMercia}`);
    expect(response.body).toContain(
      `${westMercia} line 3, Month: &quot;2025-13&quot; is not a YYYY-MM month`,
    );
  });

  it("loads the valid rows when asked to skip invalid ones", async () => {
    const client = await signedIn("admin");
    const original = await readFile(join(policeFixtures, "original", westMercia), "utf8");
    const broken = original.replace("-2.027574", "-202.7574");
    const { page } = await finished(
      client,
      await upload(client, westMercia, Buffer.from(broken), { skipInvalid: "yes" }),
    );
    expect(page.body).toContain("5 rows loaded, 1 invalid rows skipped");
  });

  it("shows the progress of a large upload while it loads, refreshing itself without JavaScript", async () => {
    const client = await signedIn("opcc");
    const [header, ...rows] = (await readFile(join(policeFixtures, "original", westMercia), "utf8"))
      .trimEnd()
      .split("\n");
    const copies = 20_000;
    const large = [header, ...Array.from({ length: copies }, () => rows).flat()].join("\n") + "\n";
    const response = await upload(client, westMercia, Buffer.from(large));
    const jobPage = String(response.headers.location);
    const running = await client.get(jobPage);
    expect(running.body).toContain('<noscript><meta http-equiv="refresh" content="2"></noscript>');
    expect(running.body).toContain('<script type="module" src="/assets/ingest-progress.js"></script>');
    expect(running.body).toContain(`data-ingest-progress="${jobPage}/progress"`);
    expect(running.body).toMatch(
      /(File 1 of 1: 2025-01-west-mercia-street\.csv\. )?[\d,]+ rows loaded so far; \d+% of the upload read\./,
    );

    const { page, progress } = await finished(client, response);
    expect(progress).toMatchObject({ status: "finished", rows: copies * rows.length, percent: 100 });
    expect(page.body).toContain(`${copies * rows.length} rows loaded`);
    expect(
      (await client.get("/crime-data/ingest/jobs/00000000-0000-4000-8000-000000000000")).statusCode,
    ).toBe(404);
  });

  it("asks for a file when none is chosen", async () => {
    const client = await signedIn("opcc");
    const response = await upload(client, "notes.txt", Buffer.from("hello"));
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain("must be a .csv or .zip");
    // In the error summary at the top of the page too, linked to the field.
    expect(response.body).toContain('href="#file"');
  });

  it("is closed to force, panel and the public", async () => {
    for (const role of ["force", "panel"] as const) {
      const client = await signedIn(role);
      expect((await client.get("/crime-data/ingest")).statusCode).toBe(403);
    }
    const anonymous = new TestClient(app);
    expect((await anonymous.postWithoutToken("/crime-data/ingest", {})).statusCode).toBe(401);
    expect((await anonymous.get("/crime-data/ingest")).headers.location).toBe(
      "/sign-in?next=%2Fcrime-data%2Fingest",
    );
    const before = await database.current().db.kysely.selectFrom("crime_ingests").select("id").execute();
    const forceUser = await signedIn("force");
    const refused = await app.inject({
      method: "POST",
      url: "/crime-data/ingest",
      headers: {
        "content-type": "multipart/form-data; boundary=x",
        cookie: `scrutineer.sid=${forceUser.cookie("scrutineer.sid")}`,
      },
      payload: "--x--\r\n",
    });
    expect(refused.statusCode).toBe(403);
    const after = await database.current().db.kysely.selectFrom("crime_ingests").select("id").execute();
    expect(after).toHaveLength(before.length);
  });
});
