/**
 * Public pages are the same for every visitor who is not signed in, and they are most of what a busy day's
 * traffic asks for; rendering each one afresh from the measures costs milliseconds of CPU that a
 * two-core server runs out of. So a public page answered to a visitor without a session is kept for a few
 * seconds and sent again as it was.
 *
 * What may be kept: a GET of a public route, asked without a session cookie, answered 200 with a body
 * (not a stream) and without setting a cookie (a page that hands out a form token does). Signed-in users,
 * and anyone with a session, always get a fresh page. Any state-changing request to this process empties
 * the cache when it has been answered, so an editor who publishes sees the public page change at once;
 * another process (the CLI, a second app process) is seen within the lifetime of the cache.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyContextConfig {
    /** False for a public route whose answer must never come from the public page cache (health checks). */
    publicPageCache?: false;
  }
}

interface KeptPage {
  expiresAt: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Buffer;
}

/** Enough for every public page of a large OPCC site; the oldest go first. */
const MAX_PAGES = 2_000;
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export function registerPublicPageCache(
  app: FastifyInstance,
  options: { seconds: number; sessionCookie: string },
): void {
  if (options.seconds <= 0) return;
  const pages = new Map<string, KeptPage>();
  // A page being rendered, for the requests that arrive meanwhile: two hundred visitors asking for a
  // page the moment its copy expires get the one rendering, not two hundred.
  const rendering = new Map<string, Promise<KeptPage | null>>();
  const settles = new WeakMap<FastifyRequest, (page: KeptPage | null) => void>();
  const servedFromCache = new WeakSet<FastifyRequest>();
  const keepable = (request: FastifyRequest) =>
    request.method === "GET" &&
    request.routeOptions.config.access === "public" &&
    request.routeOptions.config.publicPageCache !== false &&
    request.cookies[options.sessionCookie] === undefined;
  const settle = (request: FastifyRequest, page: KeptPage | null) => {
    const resolve = settles.get(request);
    if (!resolve) return;
    settles.delete(request);
    rendering.delete(request.url);
    resolve(page);
  };

  app.addHook("onRequest", async (request, reply) => {
    if (!keepable(request)) return;
    let page = pages.get(request.url);
    if (page && page.expiresAt <= Date.now()) {
      pages.delete(request.url);
      page = undefined;
    }
    // Wait for a rendering under way; if it is not kept (an error, a cookie), render this one too.
    const underWay = page ? undefined : rendering.get(request.url);
    if (underWay) page = (await underWay) ?? undefined;
    if (page) {
      servedFromCache.add(request);
      return reply.code(200).headers(page.headers).send(page.body);
    }
    if (!rendering.has(request.url)) {
      rendering.set(request.url, new Promise((resolve) => settles.set(request, resolve)));
    }
  });

  app.addHook("onSend", async (request, reply, payload) => {
    if (
      !keepable(request) ||
      servedFromCache.has(request) ||
      reply.statusCode !== 200 ||
      reply.hasHeader("set-cookie") ||
      !(typeof payload === "string" || Buffer.isBuffer(payload))
    ) {
      settle(request, null);
      return payload;
    }
    // Kept as bytes: a page's text is turned into UTF-8 once, not again for every visitor it is sent to
    // (a measure's page, 47 KB, took 0.3 ms of CPU each time).
    const body = typeof payload === "string" ? Buffer.from(payload) : payload;
    if (body.length > MAX_BODY_BYTES) {
      settle(request, null);
      return body;
    }
    const { "content-length": _length, date: _date, ...headers } = reply.getHeaders();
    const page = { expiresAt: Date.now() + options.seconds * 1000, headers, body };
    pages.delete(request.url);
    pages.set(request.url, page);
    if (pages.size > MAX_PAGES) pages.delete(pages.keys().next().value as string);
    settle(request, page);
    return body;
  });

  // Whatever became of a rendering (sent, failed, abandoned), its waiters are let go.
  app.addHook("onResponse", async (request) => {
    settle(request, null);
    if (request.method !== "GET" && request.method !== "HEAD" && request.method !== "OPTIONS") pages.clear();
  });
  app.addHook("onRequestAbort", async (request) => settle(request, null));
}
