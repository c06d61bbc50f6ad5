import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser } from "../test/factories.js";
import { TestClient, testApp } from "../test/helpers/http.js";
import { useTestDatabase } from "../test/helpers/test-db.js";

const database = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  app = await testApp(database.current().db);
});
afterAll(async () => {
  await app.close();
});

describe("the web app", () => {
  it("reports health after checking the database", async () => {
    const response = await app.inject("/healthz");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok", database: database.current().db.dialect });
  });

  it("answers an unknown address with a 404 page in the service's style", async () => {
    const response = await app.inject("/no/such/page");
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain("Page not found");
    expect(response.body).toContain("govuk-template");
  });

  it("shows the public home page without a session cookie", async () => {
    const response = await app.inject("/");
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("Holding the police to account");
    expect(response.cookies).toHaveLength(0);
  });

  it("sends a strict Content-Security-Policy that allows each inline script by the hash of its text", async () => {
    const { db } = database.current();
    const user = await createTestUser(db, { role: "opcc" });
    const client = new TestClient(app);
    await client.signIn(user.email);
    for (const response of [
      await app.inject("/sign-in"),
      await app.inject("/"),
      await client.get("/actions"),
    ]) {
      const policy = String(response.headers["content-security-policy"]);
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).not.toContain("unsafe-inline");
      const allowed = /script-src ([^;]*)/.exec(policy)?.[1]?.split(" ") ?? [];
      // Scripts the browser runs: those without a src, bar JSON data blocks (which are not run).
      const inline = [...response.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].filter(
        ([, attributes]) => !/\bsrc=|type="application\/json"/.test(attributes ?? ""),
      );
      expect(inline.length).toBeGreaterThan(0);
      for (const [, , text] of inline) {
        expect(allowed).toContain(
          `'sha256-${createHash("sha256")
            .update(text ?? "")
            .digest("base64")}'`,
        );
      }
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
    }
  });

  it("serves govuk-frontend's script and our stylesheet from the installed package, not the internet", async () => {
    const script = await app.inject("/assets/govuk/govuk-frontend.min.js");
    expect(script.statusCode).toBe(200);
    const page = await app.inject("/");
    expect(page.body).not.toMatch(/https?:\/\/(?!www\.nationalarchives\.gov\.uk)[^"]+\.(js|css)/);
    expect((await app.inject("/assets/govuk/index.scss")).statusCode).toBe(404);
  });

  it("shows each role only the navigation it may use", async () => {
    const { db } = database.current();
    const admin = await createTestUser(db, { role: "admin" });
    const panel = await createTestUser(db, { role: "panel" });
    const adminClient = new TestClient(app);
    await adminClient.signIn(admin.email);
    const panelClient = new TestClient(app);
    await panelClient.signIn(panel.email);
    expect((await adminClient.get("/")).body).toContain('href="/admin/users"');
    expect((await panelClient.get("/")).body).not.toContain('href="/admin/users"');
    expect((await panelClient.get("/admin/users")).statusCode).toBe(403);
  });

  it("refuses to start with a route that declares no access rule", async () => {
    const guarded = await testApp(database.current().db);
    expect(() => guarded.get("/unguarded", async () => "open")).toThrow(/declares no access rule/);
    await guarded.close();
  });
});
