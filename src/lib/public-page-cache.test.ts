import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../../test/factories.js";
import { TestClient } from "../../test/helpers/http.js";
import { useTestDatabase } from "../../test/helpers/test-db.js";
import { buildApp } from "../app.js";
import { parseConfig } from "../config.js";

const database = useTestDatabase();
let app: FastifyInstance;
const measure = "victims.satisfaction-overall";

/** How many requests for each URL reached their handler, rather than a kept or shared copy. */
const rendered = new Map<string, number>();

beforeAll(async () => {
  app = await buildApp({
    config: parseConfig({ LOG_LEVEL: "silent", PUBLIC_PAGE_CACHE_SECONDS: "60" }),
    db: database.current().db,
  });
  app.addHook("preHandler", async (request) => {
    rendered.set(request.url, (rendered.get(request.url) ?? 0) + 1);
  });
});
afterAll(async () => {
  await app.close();
});

const rename = (name: string) =>
  database.current().db.kysely.updateTable("measures").set({ name }).where("id", "=", measure).execute();
const namesIn = async (client: TestClient) =>
  (await client.get("/api/measures")).json<{ measures: { name: string }[] }>().measures.map((m) => m.name);

describe("the public page cache", () => {
  it("answers visitors without a session from its copy, and everyone else afresh", async () => {
    const { db } = database.current();
    await db.kysely.updateTable("measures").set({ published: 1 }).where("id", "=", measure).execute();
    await rename("Satisfaction before");
    const visitor = new TestClient(app);
    expect(await namesIn(visitor)).toEqual(["Satisfaction before"]);

    await rename("Satisfaction after");
    expect(await namesIn(visitor)).toEqual(["Satisfaction before"]);
    expect(await namesIn(new TestClient(app))).toEqual(["Satisfaction before"]);

    const reader = new TestClient(app);
    await reader.signIn((await createTestUser(db, { role: "panel" })).email);
    expect(await namesIn(reader)).toContain("Satisfaction after");
    // A visitor holding a session (here from the sign-in form) is not served the copy either.
    const withSession = new TestClient(app);
    await withSession.get("/sign-in");
    expect(withSession.cookie("scrutineer.sid")).toBeDefined();
    expect(await namesIn(withSession)).toEqual(["Satisfaction after"]);
  });

  it("is emptied by any change made through the app", async () => {
    const visitor = new TestClient(app);
    const before = await namesIn(visitor);
    await rename("Renamed directly");
    expect(await namesIn(visitor)).toEqual(before);
    // Any state-changing request empties it, even a refused sign-in.
    expect((await new TestClient(app).signIn("nobody@example.org")).statusCode).not.toBe(500);
    expect(await namesIn(visitor)).toEqual(["Renamed directly"]);
  });

  it("sends a kept page with the same security headers as a fresh one", async () => {
    const fresh = await new TestClient(app).get("/meetings");
    const kept = await new TestClient(app).get("/meetings");
    expect(kept.body).toBe(fresh.body);
    expect(rendered.get("/meetings")).toBe(1);
    for (const header of ["content-security-policy", "x-content-type-options", "x-frame-options"]) {
      expect(fresh.headers[header]).toBeDefined();
      expect(kept.headers[header]).toBe(fresh.headers[header]);
    }
  });

  it("renders a page once for the visitors who ask for it at the same moment", async () => {
    const url = "/measures";
    await new TestClient(app).post("/sign-in", { email: "nobody@example.org", password: "x" }); // empties it
    rendered.delete(url);
    const pages = await Promise.all(Array.from({ length: 20 }, () => new TestClient(app).get(url)));
    expect(pages.map((page) => page.statusCode)).toEqual(Array(20).fill(200));
    expect(new Set(pages.map((page) => page.body)).size).toBe(1);
    expect(rendered.get(url)).toBe(1);
  });

  it("keeps no page that was not found, and never a health check", async () => {
    const { db } = database.current();
    const visitor = new TestClient(app);
    const series = "/api/measures/crimes.all/series?area=west-mercia";
    // Asked at once: the first answer is not kept, so the others are answered in their own right.
    const notFound = await Promise.all(Array.from({ length: 5 }, () => new TestClient(app).get(series)));
    expect(notFound.map((page) => page.statusCode)).toEqual(Array(5).fill(404));
    await db.kysely.updateTable("measures").set({ published: 1 }).where("id", "=", "crimes.all").execute();
    expect((await visitor.get(series)).statusCode).toBe(200);

    expect((await visitor.get("/healthz")).statusCode).toBe(200);
    await sql`alter table app_settings rename to app_settings_away`.execute(db.kysely);
    try {
      expect((await visitor.get("/healthz")).statusCode).toBe(503);
    } finally {
      await sql`alter table app_settings_away rename to app_settings`.execute(db.kysely);
    }
  });
});
