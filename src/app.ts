import { randomBytes } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import fastifyCsrf from "@fastify/csrf-protection";
import fastifyFormbody from "@fastify/formbody";
import fastifySession from "@fastify/session";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { ZodError } from "zod";
import helmet from "helmet";
import type { Config } from "./config.js";
import type { Db } from "./db/database.js";
import { AppError, ValidationError } from "./lib/errors.js";
import { errorView } from "./lib/forms.js";
import { fromRoot } from "./lib/paths.js";
import { registerPublicPageCache } from "./lib/public-page-cache.js";
import { createViewEnvironment, inlineScriptSources } from "./lib/render.js";
import { registerRequestQueue } from "./lib/request-queue.js";
import { turnBudget } from "./lib/turn-budget.js";
import { actionRoutes } from "./modules/actions/actions.routes.js";
import type { Actor } from "./modules/audit/actor.js";
import { auditRoutes } from "./modules/audit/audit.routes.js";
import { briefingRoutes } from "./modules/briefing/briefing.routes.js";
import { isAllowed, type Access, type CurrentUser } from "./modules/auth/access.js";
import { authRoutes } from "./modules/auth/auth.routes.js";
import { DatabaseSessionStore } from "./modules/auth/session-store.js";
import { homeRoutes } from "./modules/home/home.routes.js";
import { inspectionRoutes } from "./modules/inspections/inspections.routes.js";
import { crimeRoutes } from "./modules/crime/crime.routes.js";
import { msgGroupRoutes } from "./modules/crime/msg-groups.routes.js";
import { measureRoutes } from "./modules/measures/measures.routes.js";
import { performanceRoutes } from "./modules/performance/performance.routes.js";
import { reportRoutes } from "./modules/reports/reports.routes.js";
import { publicationRoutes } from "./modules/publication/publication.routes.js";
import { navigationFor } from "./modules/home/navigation.js";
import { findUserById } from "./modules/users/users.repository.js";
import { roleLabels } from "./modules/users/users.schema.js";
import { meetingRoutes } from "./modules/meetings/meetings.routes.js";
import { userRoutes } from "./modules/users/users.routes.js";

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every route with the access rule it declared. */
    routeTable: readonly RouteAccess[];
    /** Renders part of a page (no layout), for a route that keeps it between requests. */
    renderPart(template: string, context: Record<string, unknown>): string;
  }
  interface FastifyRequest {
    user: CurrentUser | null;
    actor: Actor;
  }
  interface FastifyReply {
    /** Renders a page in the shared layout, with the signed-in user, navigation and a CSRF token to hand. */
    page(template: string, context?: Record<string, unknown>, status?: number): FastifyReply;
  }
}
declare module "fastify" {
  interface Session {
    userId?: number;
    /** A one-off confirmation shown on the next page rendered. */
    flash?: string | undefined;
    /** When the idle time last restarted (ms since the epoch); see SESSION_RENEWAL_MS. */
    renewedAt?: number;
  }
}

export const serviceName = "Scrutineer";

/**
 * A signed-in session's idle time restarts when it is used, but at most this often: renewing it on every
 * request made every dashboard read a database write. The idle limit is therefore met to within a minute.
 */
const SESSION_RENEWAL_MS = 60_000;
const sessionCookieName = "scrutineer.sid";
const TURN_BUDGET_MS = 20;
/**
 * Reads worked on at once by one process (see registerRequestQueue). Enough to keep the CPU busy while some
 * wait for PostgreSQL (a pool holds 10 connections); 4 did as well in bench:load.
 */
const READS_AT_ONCE = 8;

export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

export interface AppDependencies {
  config: Config;
  db: Db;
}

export async function buildApp({ config, db }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: config.LOG_LEVEL === "silent" ? false : { level: config.LOG_LEVEL },
    trustProxy: config.TRUST_PROXY,
    bodyLimit: 1024 * 1024,
  });
  const views = createViewEnvironment();
  // Under load, every request waits about as long as the others, whatever it asks for. In two pairs of
  // 40-second bench:load runs, p99 was 814-876 ms with the queue and 1,522-1,691 ms without on PostgreSQL,
  // and 552-647 ms against 569-1,096 ms on SQLite, at about the same throughput (without: each process
  // then took in its own connections, see main.ts).
  registerRequestQueue(app, READS_AT_ONCE);
  // Bounds how long a client that connects under load waits for its first answer (see turnBudget). In four
  // runs of bench:load each way, the last of its 200 clients had its first answer within 0.3-3.3 s with it,
  // and within 0.5-10 s without (one run timing out at 10 s). With the request queue but no turn budget,
  // some waited 20 s.
  app.addHook("onRequest", turnBudget(TURN_BUDGET_MS));

  // Every route states who may use it; a route without `access` is a programming error caught at start-up.
  // The table of routes and their rules is kept for the authorisation matrix test.
  const routeTable: RouteAccess[] = [];
  app.decorate("routeTable", routeTable);
  app.addHook("onRoute", (route) => {
    if (route.url.startsWith("/assets/")) {
      route.config = { ...route.config, access: "public" };
    } else if (!route.config?.access) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no access rule`);
    }
    for (const method of [route.method].flat()) {
      routeTable.push({ method, url: route.url, access: route.config.access! });
    }
  });

  // Security headers, the same for every response: the template's one inline script is allowed by its
  // hash rather than a nonce, so helmet's middleware is built once. (@fastify/helmet built it again for
  // each request: a tenth of the CPU time of a public page served from the cache.)
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...inlineScriptSources(views)],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // Allow plain-HTTP use on localhost; HSTS belongs to the TLS-terminating proxy.
    strictTransportSecurity: false,
    // As frame-ancestors 'none' says, for browsers that read only the older header.
    xFrameOptions: { action: "deny" },
  });
  // helmet 8 throws an error rather than passing it on.
  app.addHook("onRequest", (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()));
  await app.register(fastifyFormbody);
  await app.register(fastifyCookie);
  const sessionStore = new DatabaseSessionStore(
    db.kysely,
    config.SESSION_IDLE_MINUTES * 60,
    config.SESSION_MAX_HOURS * 60 * 60,
  );
  await app.register(fastifySession, {
    secret: config.SESSION_SECRET ?? (await sharedSessionSecret(db)),
    cookieName: sessionCookieName,
    saveUninitialized: false,
    // Saved when changed, which includes the renewal below; not on every response.
    rolling: false,
    store: sessionStore,
    cookie: {
      httpOnly: true,
      sameSite: "lax",
      secure: config.COOKIE_SECURE === "auto" ? "auto" : config.COOKIE_SECURE === "true",
      path: "/",
      maxAge: config.SESSION_IDLE_MINUTES * 60 * 1000,
    },
  });
  await app.register(fastifyCsrf, { sessionPlugin: "@fastify/session" });
  await app.register(fastifyStatic, {
    root: fromRoot("node_modules", "govuk-frontend", "dist", "govuk"),
    prefix: "/assets/govuk/",
    allowedPath: (path) => !path.endsWith(".scss") && !path.endsWith(".njk"),
  });
  // ECharts' browser build, for charts.js to enhance the server-rendered SVGs.
  const echartsDist = fromRoot("node_modules", "echarts", "dist");
  await app.register(fastifyStatic, {
    root: [
      fromRoot("dist", "public"),
      fromRoot("src", "views", "scripts"),
      fromRoot("src", "views"),
      echartsDist,
    ],
    prefix: "/assets/",
    decorateReply: false,
    allowedPath: (path, root) =>
      root === echartsDist
        ? path.replace(/^\//, "") === "echarts.min.js"
        : /^\/?([\w-]+|echarts\.min)\.(css|js|svg)$/.test(path),
  });

  app.decorateRequest("user", null);
  app.decorateRequest("actor", {
    getter() {
      return actorOf(this);
    },
  });

  app.addHook("onRequest", async (request) => {
    const userId = request.session.userId;
    if (userId === undefined) return;
    // Read with the session, unless a request on the same session at the same moment took it first.
    const user =
      sessionStore.takeUser(request.session.sessionId, userId) ?? (await findUserById(db.kysely, userId));
    if (!user || user.disabled_at) {
      await request.session.destroy();
      return;
    }
    request.user = user;
    const now = Date.now();
    if (now - (request.session.renewedAt ?? 0) >= SESSION_RENEWAL_MS) {
      request.session.renewedAt = now;
      request.session.touch();
    }
  });

  app.addHook("onRequest", async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (access === undefined) return; // 404: no route matched
    if (isAllowed(access, request.user)) {
      if (request.user?.must_change_password && !passwordChangeExempt(request.url)) {
        return reply.redirect("/account/password");
      }
      return;
    }
    if (!request.user) {
      if (request.method === "GET") return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`);
      return reply.page("errors/views/401.njk", { title: "Sign in required" }, 401);
    }
    return reply.page("errors/views/403.njk", { title: "You do not have access" }, 403);
  });

  registerPublicPageCache(app, {
    seconds: config.PUBLIC_PAGE_CACHE_SECONDS,
    sessionCookie: sessionCookieName,
  });

  // CSRF: every state-changing request carries the token of the session that rendered its form.
  app.addHook("preHandler", (request, reply, done) => {
    if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return done();
    app.csrfProtection(request, reply, done);
  });

  app.decorate("renderPart", (template: string, context: Record<string, unknown>) =>
    views.render(template, context),
  );
  app.decorateReply("page", function (this: FastifyReply, template: string, context = {}, status = 200) {
    const request = this.request;
    const flash = request.session.flash;
    if (flash) request.session.flash = undefined;
    const html = views.render(template, {
      serviceName,
      user: request.user,
      roleLabel: request.user ? roleLabels[request.user.role] : null,
      navigation: navigationFor(request.user, request.url),
      csrfToken: () => this.generateCsrf(),
      flash,
      ...context,
    });
    return this.code(status).type("text/html; charset=utf-8").send(html);
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ValidationError) {
      return reply.page(
        "errors/views/error.njk",
        { title: "There is a problem", ...errorView(error.fieldErrors) },
        422,
      );
    }
    // A handler's parse of the address or form failed, or PostgreSQL refused a NUL character in it (code 22021;
    // SQLite stores one): an address that is malformed names no page; a form that is is a bad request. Never a
    // server error.
    if (error instanceof ZodError || (error as { code?: unknown }).code === "22021") {
      if (request.method === "GET" || request.method === "HEAD")
        return reply.page("errors/views/404.njk", { title: "Page not found" }, 404);
      return reply.page(
        "errors/views/error.njk",
        {
          title: "There is a problem",
          message: "The form sent was not one this page makes: go back and try again.",
        },
        400,
      );
    }
    if (error instanceof AppError) {
      const template = error.status === 404 ? "errors/views/404.njk" : "errors/views/error.njk";
      return reply.page(template, { title: error.message, message: error.message }, error.status);
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 403 && (error as { code?: string }).code?.startsWith("FST_CSRF")) {
      return reply.page("errors/views/csrf.njk", { title: "Your form has expired" }, 403);
    }
    if (status !== undefined && status >= 400 && status < 500) {
      const message = error instanceof Error ? error.message : "Bad request";
      return reply.page("errors/views/error.njk", { title: "There is a problem", message }, status);
    }
    request.log.error(error);
    return reply.page("errors/views/500.njk", { title: "Sorry, there is a problem with the service" }, 500);
  });

  app.setNotFoundHandler((_request, reply) =>
    reply.page("errors/views/404.njk", { title: "Page not found" }, 404),
  );

  app.get("/healthz", { config: { access: "public", publicPageCache: false } }, async (_request, reply) => {
    try {
      await db.kysely.selectFrom("app_settings").select("key").limit(1).execute();
      return { status: "ok", database: db.dialect };
    } catch (error) {
      _request.log.error(error);
      return reply.code(503).send({ status: "unavailable", database: db.dialect });
    }
  });

  await app.register(homeRoutes, { db });
  await app.register(authRoutes, { db });
  await app.register(userRoutes, { db });
  await app.register(meetingRoutes, { db, uploadDir: config.UPLOAD_DIR });
  await app.register(briefingRoutes, { db });
  await app.register(auditRoutes, { db });
  await app.register(actionRoutes, { db, uploadDir: config.UPLOAD_DIR });
  await app.register(inspectionRoutes, { db, uploadDir: config.UPLOAD_DIR });
  await app.register(measureRoutes, { db });
  await app.register(performanceRoutes, { db });
  await app.register(reportRoutes, { db });
  await app.register(publicationRoutes, { db });
  await app.register(crimeRoutes, { db, maxUploadBytes: config.CRIME_UPLOAD_MAX_MB * 1024 * 1024 });
  await app.register(msgGroupRoutes, { db });
  return app;
}

function actorOf(request: FastifyRequest): Actor {
  return { userId: request.user?.id ?? null, label: request.user?.email ?? "anonymous", ip: request.ip };
}

function passwordChangeExempt(url: string): boolean {
  return ["/account/password", "/sign-out", "/assets/", "/healthz"].some((prefix) => url.startsWith(prefix));
}

/** Without SESSION_SECRET, processes sharing a database agree on one random secret kept in it. */
async function sharedSessionSecret(db: Db): Promise<string> {
  await db.kysely
    .insertInto("app_settings")
    .values({ key: "session_secret", value: randomBytes(32).toString("hex") })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  const row = await db.kysely
    .selectFrom("app_settings")
    .select("value")
    .where("key", "=", "session_secret")
    .executeTakeFirstOrThrow();
  return row.value;
}
