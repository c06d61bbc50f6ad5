import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser, testPassword } from "../../../test/factories.js";
import { TestClient, testApp } from "../../../test/helpers/http.js";
import { useTestDatabase } from "../../../test/helpers/test-db.js";
import { systemActor } from "../audit/actor.js";
import { disableUser } from "../users/users.service.js";

const database = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  app = await testApp(database.current().db);
});
afterAll(async () => {
  await app.close();
});

describe("signing in and out", () => {
  it("signs in, shows the home page by name, and signs out", async () => {
    const user = await createTestUser(database.current().db, { name: "Olive Officer" });
    const client = new TestClient(app);
    const signIn = await client.signIn(user.email);
    expect(signIn.statusCode).toBe(302);
    expect(signIn.headers.location).toBe("/");
    expect((await client.get("/")).body).toContain("Welcome, Olive Officer");

    const home = await client.get("/");
    const signOut = await client.post("/sign-out", {}, "/");
    expect(signOut.statusCode).toBe(302);
    expect(home.body).toContain("Sign out");
    expect((await client.get("/")).body).not.toContain("Welcome, Olive Officer");
  });

  it("issues an HttpOnly, SameSite cookie and a new session id at sign-in", async () => {
    const user = await createTestUser(database.current().db);
    const client = new TestClient(app);
    const form = await client.get("/sign-in");
    const before = client.cookie("scrutineer.sid");
    expect(before).toBeDefined();
    const response = await client.signIn(user.email);
    const cookie = response.cookies.find((c) => c.name === "scrutineer.sid");
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Lax");
    expect(cookie?.value).not.toBe(before);
    expect(form.statusCode).toBe(200);
  });

  it("keeps the session id out of the database in clear", async () => {
    const { db } = database.current();
    const user = await createTestUser(db);
    const client = new TestClient(app);
    await client.signIn(user.email);
    const cookie = client.cookie("scrutineer.sid")!;
    const sessionId = decodeURIComponent(cookie).split(".")[0]!;
    const rows = await db.kysely
      .selectFrom("sessions")
      .select("id_hash")
      .where("user_id", "=", user.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id_hash).not.toContain(sessionId);
  });

  it("says the credentials are wrong without saying which", async () => {
    const user = await createTestUser(database.current().db);
    const client = new TestClient(app);
    const wrongPassword = await client.signIn(user.email, "not the password");
    const unknownEmail = await client.signIn("nobody@example.org", testPassword);
    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.statusCode).toBe(401);
      expect(response.body).toContain("There is a problem");
      expect(response.body).toContain("The email address or password is not right");
    }
  });

  it("redisplays the form with an error summary when a field is missing", async () => {
    const client = new TestClient(app);
    const response = await client.post("/sign-in", { email: "", password: "" });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain("govuk-error-summary");
    expect(response.body).toContain('href="#email"');
    expect(response.body).toContain("Enter your email address");
    expect(response.body).toContain("Enter your password");
  });

  it("refuses a form without its CSRF token", async () => {
    const user = await createTestUser(database.current().db);
    const client = new TestClient(app);
    await client.get("/sign-in");
    const response = await client.postWithoutToken("/sign-in", { email: user.email, password: testPassword });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain("Your form has expired");
  });

  it("stops after 5 failures a minute for an account, even with the right password", async () => {
    const user = await createTestUser(database.current().db);
    const client = new TestClient(app);
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await client.signIn(user.email, "wrong")).statusCode).toBe(401);
    }
    const blocked = await client.signIn(user.email);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain("Too many failed attempts to sign in. Wait one minute, then try again.");
  });

  it("stops after 5 failures a minute from one address, across accounts", async () => {
    const { db } = database.current();
    const victim = await createTestUser(db);
    // Failures from another address: this test's requests come from a fresh IP.
    const client = new TestClient(app, "203.0.113.9");
    for (let attempt = 0; attempt < 5; attempt++) {
      await client.signIn(`guess-${attempt}@example.org`, "wrong");
    }
    expect((await client.signIn(victim.email)).statusCode).toBe(429);
    const elsewhere = new TestClient(app, "203.0.113.10");
    expect((await elsewhere.signIn(victim.email)).statusCode).toBe(302);
  });

  it("ends the sessions of a user who is disabled", async () => {
    const { db } = database.current();
    const user = await createTestUser(db);
    const client = new TestClient(app);
    await client.signIn(user.email);
    expect((await client.get("/")).body).toContain("Sign out");
    await disableUser(db.kysely, systemActor, user.id);
    expect((await client.get("/")).body).not.toContain("Sign out");
    expect((await client.signIn(user.email)).statusCode).toBe(401);
  });

  it("asks for a new password before anything else after a generated one", async () => {
    const { db } = database.current();
    const user = await createTestUser(db);
    await db.kysely.updateTable("users").set({ must_change_password: 1 }).where("id", "=", user.id).execute();
    const client = new TestClient(app);
    expect((await client.signIn(user.email)).headers.location).toBe("/account/password");
    expect((await client.get("/")).headers.location).toBe("/account/password");
    const mismatch = await client.post(
      "/account/password",
      { currentPassword: testPassword, newPassword: "a brand new password", confirmPassword: "different" },
      "/account/password",
    );
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.body).toContain("The passwords do not match");
    const changed = await client.post(
      "/account/password",
      {
        currentPassword: testPassword,
        newPassword: "a brand new password",
        confirmPassword: "a brand new password",
      },
      "/account/password",
    );
    expect(changed.headers.location).toBe("/");
    expect((await client.get("/")).body).toContain("Your password has been changed");
  });

  it("returns only to a path on this site after signing in", async () => {
    const user = await createTestUser(database.current().db);
    const client = new TestClient(app);
    const response = await client.post("/sign-in", {
      email: user.email,
      password: testPassword,
      next: "//evil.example",
    });
    expect(response.headers.location).toBe("/");
  });
});

describe("sessions shared between app processes", () => {
  it("accepts on a second app a session made on the first", async () => {
    const { db } = database.current();
    const user = await createTestUser(db, { name: "Shared Session" });
    const second = await testApp(db);
    const client = new TestClient(app);
    await client.signIn(user.email);
    const onSecond = await second.inject({
      url: "/",
      headers: { cookie: `scrutineer.sid=${client.cookie("scrutineer.sid")}` },
    });
    expect(onSecond.body).toContain("Welcome, Shared Session");
    await second.close();
  });
});
