import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../../test/factories.js";
import { csrfTokenIn, testApp, TestClient } from "../../../test/helpers/http.js";
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
  return app.inject({
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

describe("the ingest page", () => {
  it("loads an uploaded CSV and shows the result and the ingest log", async () => {
    const client = await signedIn("opcc");
    const response = await upload(
      client,
      westMercia,
      await readFile(join(policeFixtures, "original", westMercia)),
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`Loaded: ${westMercia}`);
    expect(response.body).toContain("6 rows loaded");
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

  it("refuses a file with an invalid row whole, naming the file, line and field", async () => {
    const client = await signedIn("admin");
    const original = await readFile(join(policeFixtures, "original", westMercia), "utf8");
    const broken = original.replace(
      "2025-01,West Mercia Police,West Mercia Police,-2.027574",
      "2025-13,West Mercia Police,West Mercia Police,-2.027574",
    );
    const response = await upload(client, westMercia, Buffer.from(broken));
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain(`Rejected: ${westMercia}`);
    expect(response.body).toContain(
      `${westMercia} line 3, Month: &quot;2025-13&quot; is not a YYYY-MM month`,
    );
  });

  it("loads the valid rows when asked to skip invalid ones", async () => {
    const client = await signedIn("admin");
    const original = await readFile(join(policeFixtures, "original", westMercia), "utf8");
    const broken = original.replace("-2.027574", "-202.7574");
    const response = await upload(client, westMercia, Buffer.from(broken), { skipInvalid: "yes" });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("5 rows loaded, 1 invalid rows skipped");
  });

  it("asks for a file when none is chosen", async () => {
    const client = await signedIn("opcc");
    const response = await upload(client, "notes.txt", Buffer.from("hello"));
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain("must be a .csv or .zip");
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
