import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../factories.js";
import { TestClient, testApp } from "../helpers/http.js";
import { useTestDatabase } from "../helpers/test-db.js";

/**
 * SQL injection, path traversal and reflected markup through every parameter of every page, generated from the
 * app's route table as the authorisation matrix is: each route's path parameters, and the query parameters the
 * pages read, given hostile values by an administrator (who may reach every route).
 */
const database = useTestDatabase();
let app: FastifyInstance;
let admin: TestClient;

beforeAll(async () => {
  const { db } = database.current();
  app = await testApp(db);
  admin = new TestClient(app);
  await admin.signIn((await createTestUser(db, { role: "admin" })).email);
});
afterAll(async () => {
  await app.close();
});

const HOSTILE = [
  "' or '1'='1",
  "1; drop table users; --",
  "../../../../etc/passwd",
  "..\\..\\..\\windows\\win.ini",
  "<script>alert(1)</script>",
  "%00",
  "nul\u0000byte",
];
/** The query parameters the pages read (filters, ranges, periods, paging, a return address). */
const QUERY_NAMES = [
  "area",
  "from",
  "to",
  "period",
  "page",
  "measure",
  "crimeType",
  "status",
  "kind",
  "next",
  "actor",
  "entityType",
];

describe("hostile parameters", () => {
  it(
    "answer every page without a server error, a file from outside, or markup echoed back, under the strict policy",
    { timeout: 120_000 },
    async () => {
      const { kysely } = database.current().db;
      const users = (await kysely.selectFrom("users").select("id").execute()).length;
      const routes = app.routeTable.filter(
        (route) => route.method === "GET" && !route.url.startsWith("/assets/") && route.url !== "/sign-in",
      );
      expect(routes.length).toBeGreaterThan(40);
      const problems: string[] = [];
      for (const route of routes) {
        for (const value of HOSTILE) {
          const encoded = encodeURIComponent(value);
          const path = route.url.replace(/:[A-Za-z]+/g, encoded).replace(/\*$/, encoded);
          const query = QUERY_NAMES.map((name) => `${name}=${encoded}`).join("&");
          for (const url of new Set([path, `${path}?${query}`])) {
            const response = await admin.get(url);
            if (response.statusCode >= 500) problems.push(`${url}: ${response.statusCode}`);
            if (response.body.includes("root:x:0:0") || response.body.includes("[fonts]"))
              problems.push(`${url}: served a file from outside the app`);
            if (response.body.includes("<script>alert(1)</script>"))
              problems.push(`${url}: echoed the markup`);
            // Every answer, refusals included, carries the strict policy.
            const policy = String(response.headers["content-security-policy"]);
            if (!policy.includes("frame-ancestors 'none'") || /unsafe-inline|unsafe-eval/.test(policy))
              problems.push(`${url}: Content-Security-Policy ${policy}`);
          }
        }
      }
      expect(problems).toEqual([]);
      expect((await kysely.selectFrom("users").select("id").execute()).length).toBe(users);
    },
  );

  it("give a malformed id 'page not found', and a malformed form 'bad request'", async () => {
    const missing = await admin.get("/meetings/1%3B%20drop%20table%20users");
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain("Page not found");
    const form = await admin.post(
      "/inspections/1/response",
      { introduction: "x", version: "not a number" },
      "/",
    );
    expect(form.statusCode).toBe(400);
    expect(form.body).toContain("The form sent was not one this page makes");
  });
});
