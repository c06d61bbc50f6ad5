import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteAccess } from "../../src/app.js";
import { roles, type Role } from "../../src/db/schema.js";
import { isAllowed, type Access } from "../../src/modules/auth/access.js";
import { expectedAccess, routesNamed } from "./access-policy.js";
import { createTestUser } from "../factories.js";
import { TestClient, testApp } from "../helpers/http.js";
import { useTestDatabase } from "../helpers/test-db.js";

/**
 * The authorisation matrix, generated from the app's own route table: every route × every role and no session,
 * each answer checked against the access policy written down apart from the routes (access-policy.ts). A new
 * route is covered the moment it exists (for editors only, unless the policy says otherwise); a route that
 * forgets its rule cannot even be registered, and one that declares the wrong rule fails here.
 */
const database = useTestDatabase();
let app: FastifyInstance;
const clients = new Map<Role | "anonymous", TestClient>();

beforeAll(async () => {
  const { db } = database.current();
  app = await testApp(db);
  clients.set("anonymous", new TestClient(app));
  for (const role of roles) {
    const user = await createTestUser(db, { role });
    const client = new TestClient(app);
    await client.signIn(user.email);
    clients.set(role, client);
  }
});
afterAll(async () => {
  await app.close();
});

/** Routes worth checking: not static files, not HEAD (Fastify derives it from GET). */
function checkedRoutes(): RouteAccess[] {
  return app.routeTable.filter((route) => !route.url.startsWith("/assets/") && route.method !== "HEAD");
}

/** A concrete address for a route pattern: ids that match no record, so no allowed request changes real data. */
function concrete(url: string): string {
  return url.replace(/:[A-Za-z]+/g, "999999").replace(/\*$/, "x");
}

async function request(
  client: TestClient,
  route: RouteAccess,
  signedIn: boolean,
): Promise<LightMyRequestResponse> {
  const url = concrete(route.url);
  if (route.method === "GET") return client.get(url);
  return client.post(url, {}, signedIn ? "/" : "/sign-in");
}

function refused(response: LightMyRequestResponse): boolean {
  const toSignIn = response.statusCode === 302 && String(response.headers.location).startsWith("/sign-in");
  const deniedPage =
    response.statusCode === 403 && response.body.includes("You do not have access to this page");
  const signInRequired = response.statusCode === 401 && response.body.includes("Sign in required");
  return toSignIn || deniedPage || signInRequired;
}

describe("the authorisation matrix", () => {
  it("has routes to check", () => {
    expect(checkedRoutes().length).toBeGreaterThan(5);
  });

  it("declares on every route the access the policy gives it, and the policy names no route that is gone", () => {
    const declared = checkedRoutes().map((route) => `${route.method} ${route.url}`);
    expect(routesNamed.filter((route) => !declared.includes(route))).toEqual([]);
    // The same roles in another order are the same rule.
    const rule = (access: Access) => (typeof access === "string" ? access : [...access].sort().join(", "));
    const differing = checkedRoutes().flatMap((route) => {
      const expected = rule(expectedAccess(route.method, route.url));
      const actual = rule(route.access);
      return actual === expected
        ? []
        : [`${route.method} ${route.url}: declares ${actual}, policy ${expected}`];
    });
    expect(differing).toEqual([]);
  });

  // Every route × six principals: a few hundred requests, some drawing charts.
  it(
    "refuses every principal the route does not allow, and lets through every one it does",
    { timeout: 120_000 },
    async () => {
      const mismatches: string[] = [];
      for (const route of checkedRoutes()) {
        // Public routes refuse nobody; trying them signed in would also sign the shared clients out.
        const access = expectedAccess(route.method, route.url);
        const principals =
          access === "public" ? (["anonymous"] as const) : (["anonymous", ...roles] as const);
        for (const principal of principals) {
          const user = principal === "anonymous" ? null : { role: principal };
          const allowed = isAllowed(
            access,
            user && { id: 0, email: "", name: "", must_change_password: 0, ...user },
          );
          const response = await request(clients.get(principal)!, route, principal !== "anonymous");
          if (refused(response) === allowed) {
            mismatches.push(
              `${route.method} ${route.url} as ${principal}: expected ${allowed ? "allowed" : "refused"}, got ${response.statusCode}`,
            );
          }
        }
      }
      expect(mismatches).toEqual([]);
    },
  );

  it("refuses every state-changing route without its CSRF token, before doing anything", async () => {
    const unprotected: string[] = [];
    for (const route of checkedRoutes().filter((r) => r.method !== "GET")) {
      const access = expectedAccess(route.method, route.url);
      const principal =
        access === "public" ? "anonymous" : access === "signed-in" ? "admin" : (access[0] ?? "admin");
      const response = await clients.get(principal)!.postWithoutToken(concrete(route.url), {});
      if (!(response.statusCode === 403 && response.body.includes("Your form has expired"))) {
        unprotected.push(`${route.method} ${route.url} as ${principal}: ${response.statusCode}`);
      }
    }
    expect(unprotected).toEqual([]);
  });
});
