import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { parseConfig } from "../../src/config.js";
import { createTestUser } from "../factories.js";
import { TestClient, testApp } from "../helpers/http.js";
import { useTestDatabase } from "../helpers/test-db.js";

const database = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  app = await testApp(database.current().db);
});
afterAll(async () => {
  await app.close();
});

describe("sessions", () => {
  it("end after the idle time: an expired session is not accepted", async () => {
    const { db } = database.current();
    const user = await createTestUser(db, { name: "Idle Person" });
    const client = new TestClient(app);
    await client.signIn(user.email);
    expect((await client.get("/")).body).toContain("Welcome, Idle Person");
    await db.kysely
      .updateTable("sessions")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("user_id", "=", user.id)
      .execute();
    expect((await client.get("/")).body).not.toContain("Welcome, Idle Person");
  });

  it("end at their lifetime, 12 hours from sign-in, however busy", async () => {
    const { db } = database.current();
    const user = await createTestUser(db, { name: "Long Day" });
    const client = new TestClient(app);
    await client.signIn(user.email);
    const beganAgo = (hours: number) =>
      db.kysely
        .updateTable("sessions")
        .set({ created_at: new Date(Date.now() - hours * 3600_000).toISOString() })
        .where("user_id", "=", user.id)
        .execute();
    await beganAgo(11.9);
    expect((await client.get("/")).body).toContain("Welcome, Long Day");
    await beganAgo(12.1);
    expect((await client.get("/")).body).not.toContain("Welcome, Long Day");
  });

  it("restart their idle time when used, writing the session at most once a minute", async () => {
    const { db } = database.current();
    const user = await createTestUser(db, { name: "Busy Reader" });
    const client = new TestClient(app);
    await client.signIn(user.email);
    await client.get("/");
    const stored = () =>
      db.kysely
        .selectFrom("sessions")
        .select(["data", "expires_at"])
        .where("user_id", "=", user.id)
        .executeTakeFirstOrThrow();
    const afterFirstUse = await stored();
    await client.get("/actions");
    await client.get("/");
    expect(await stored()).toEqual(afterFirstUse);

    // Two minutes on, with 5 minutes of the idle time left: the next request restarts it.
    const twoMinutesAgo = Date.now() - 120_000;
    const nearlyIdle = new Date(Date.now() + 5 * 60_000).toISOString();
    await db.kysely
      .updateTable("sessions")
      .set({
        data: JSON.stringify({ ...JSON.parse(afterFirstUse.data), renewedAt: twoMinutesAgo }),
        expires_at: nearlyIdle,
      })
      .where("user_id", "=", user.id)
      .execute();
    const renewed = await client.get("/");
    expect(renewed.body).toContain("Welcome, Busy Reader");
    expect(renewed.cookies.some((cookie) => cookie.name === "scrutineer.sid")).toBe(true);
    const after = await stored();
    expect(after.expires_at > nearlyIdle).toBe(true);
    expect((JSON.parse(after.data) as { renewedAt: number }).renewedAt).toBeGreaterThan(twoMinutesAgo);
  });

  it("ignore a session id planted before sign-in (fixation)", async () => {
    const user = await createTestUser(database.current().db, { name: "Fixation Target" });
    const attacker = new TestClient(app);
    await attacker.get("/sign-in");
    const planted = attacker.cookie("scrutineer.sid")!;
    // The victim signs in carrying the attacker's cookie…
    const victimSignIn = await app.inject({
      method: "POST",
      url: "/sign-in",
      headers: { cookie: `scrutineer.sid=${planted}`, "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({
        _csrf: /name="_csrf" value="([^"]+)"/.exec((await attacker.get("/sign-in")).body)![1]!,
        email: user.email,
        password: "correct horse battery staple",
      }).toString(),
    });
    expect(victimSignIn.statusCode).toBe(302);
    // …and the attacker's copy of the old id is not signed in.
    expect((await attacker.get("/")).body).not.toContain("Welcome, Fixation Target");
  });

  it("mark the cookie Secure when the request came over HTTPS through a trusted proxy", async () => {
    const behindProxy = await buildApp({
      config: parseConfig({ LOG_LEVEL: "silent", TRUST_PROXY: "true" }),
      db: database.current().db,
    });
    const response = await behindProxy.inject({ url: "/sign-in", headers: { "x-forwarded-proto": "https" } });
    const cookie = response.cookies.find((c) => c.name === "scrutineer.sid");
    expect(cookie?.secure).toBe(true);
    expect(cookie?.httpOnly).toBe(true);
    await behindProxy.close();
  });
});

describe("hostile input", () => {
  it("shows stored markup in names as text, never as markup", async () => {
    const { db } = database.current();
    const admin = await createTestUser(db, { role: "admin" });
    await createTestUser(db, { name: `<script>alert("x")</script><img src=x onerror=alert(1)>` });
    const client = new TestClient(app);
    await client.signIn(admin.email);
    const page = await client.get("/admin/users");
    expect(page.body).not.toContain("<script>alert");
    expect(page.body).not.toContain("<img src=x");
    expect(page.body).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  });

  it("treats SQL in a query parameter as a value", async () => {
    const admin = await createTestUser(database.current().db, { role: "admin" });
    const client = new TestClient(app);
    await client.signIn(admin.email);
    const page = await client.get(
      `/admin/audit?actor=${encodeURIComponent("' or 1=1 --")}&entityType=x'%3Bdrop%20table%20users`,
    );
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("0 entries");
    expect(
      (await database.current().db.kysely.selectFrom("users").select("id").execute()).length,
    ).toBeGreaterThan(0);
  });

  it("refuses a request body over the limit before reading it", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/sign-in",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: `email=${"a".repeat(2 * 1024 * 1024)}`,
    });
    expect(response.statusCode).toBe(413);
  });

  it("sends the security headers on every page", async () => {
    const response = await app.inject("/");
    expect(response.headers["content-security-policy"]).toMatch(/default-src 'self'/);
    expect(response.headers["content-security-policy"]).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(response.headers["x-frame-options"]).toBe("DENY");
    expect(response.headers["referrer-policy"]).toBe("no-referrer");
    expect(response.headers["cross-origin-opener-policy"]).toBe("same-origin");
  });
});
