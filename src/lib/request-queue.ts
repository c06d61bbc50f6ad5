import type { FastifyInstance, FastifyRequest } from "fastify";

const QUEUED_METHODS = new Set(["GET", "HEAD"]);

/**
 * At most `limit` page and API reads (GET, HEAD) are worked on at once in one process; the others wait their
 * turn in the order they came. Without a limit, every request in hand shares the CPU and the database pool: a
 * signed-in page that makes six queries queues six times behind everyone else's, so under load it took many
 * times as long as a cached public page, and the slowest answers came from the pages that do the most. With the
 * limit, each request waits about as long as any other.
 *
 * A place is given back once the response is ready to send, or the client has gone: a client that reads its
 * answer slowly holds no place. Writes (forms, uploads) do not queue: they are few, and a slow upload must not
 * hold a place while its body arrives.
 */
export function registerRequestQueue(app: FastifyInstance, limit: number): void {
  let working = 0;
  const waiting: (() => void)[] = [];
  const passOn = () => {
    const next = waiting.shift();
    if (next) next();
    else working--;
  };
  // How each queued request gives its place back; safe to call more than once.
  const finishers = new WeakMap<FastifyRequest, () => void>();

  app.addHook("onRequest", async (request, reply) => {
    if (!QUEUED_METHODS.has(request.method)) return;
    let holding = false;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      if (holding) passOn();
    };
    finishers.set(request, finish);
    reply.raw.once("close", finish);
    if (working < limit) working++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    holding = true;
    // The client left while waiting: its turn passes straight on.
    if (finished) passOn();
  });
  app.addHook("onSend", async (request) => {
    finishers.get(request)?.();
  });
}
