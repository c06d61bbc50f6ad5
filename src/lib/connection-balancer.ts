import cluster, { type Worker } from "node:cluster";
import { createServer, Socket, type Server } from "node:net";
import type { FastifyInstance } from "fastify";

/**
 * With several web processes, the primary takes in every connection and hands it to the web process that holds
 * the fewest open connections ("least connections", as a load balancer does).
 *
 * Node's cluster hands each new connection to whichever worker acknowledged its last one first. When many
 * clients connect at once under load, that is a race, and keep-alive connections stay where they land: in four
 * runs of bench:load, one worker held 113-132 of the 200 clients for the whole run and the other 70-89. A
 * process works on its requests in the order they come (see registerRequestQueue), so its clients wait in
 * proportion to their number: in one run the p99 of the time in the queue was 400-490 ms in one process and
 * 940-960 ms in the other. (When each worker took in its own, one held 127-135.) Handed out by count, each
 * holds half.
 */

const HANDED = "scrutineer:connection";
const CLOSED = "scrutineer:connection-closed";
const READY = "scrutineer:ready";

/**
 * In the primary: listens on the port and hands each connection to a ready worker with the fewest open.
 * Connections that come while no worker is ready wait for one. Resolves once listening.
 */
export async function listenForWorkers(port: number, host: string): Promise<Server> {
  const open = new Map<Worker, number>();
  const waiting: Socket[] = [];

  const handOver = (socket: Socket): void => {
    if (socket.destroyed) return;
    let fewest: Worker | undefined;
    for (const [worker, count] of open)
      if (fewest === undefined || count < open.get(fewest)!) fewest = worker;
    if (fewest === undefined) {
      waiting.push(socket);
      return;
    }
    const worker = fewest;
    open.set(worker, open.get(worker)! + 1);
    worker.send(HANDED, socket, { keepOpen: false }, (error) => {
      if (!error) return;
      // The worker has gone (its exit takes it off the list): another takes the connection.
      open.delete(worker);
      handOver(socket);
    });
  };

  cluster.on("message", (worker, message) => {
    if (message === READY) {
      open.set(worker, 0);
      waiting.splice(0).forEach(handOver);
    } else if (message === CLOSED && open.has(worker)) {
      open.set(worker, Math.max(0, open.get(worker)! - 1));
    }
  });
  cluster.on("exit", (worker) => open.delete(worker));

  const server = createServer({ pauseOnConnect: true }, handOver);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}

/** How long a stopping worker waits for its connections to finish the requests in hand. */
const STOP_GRACE_MS = 10_000;

/**
 * In a worker: once the app is ready, serves the connections the primary hands over and tells it when each
 * closes. Returns what closes the app in place of `app.close()`: the connections still open then finish the
 * request in hand and close (the primary has stopped handing out new ones).
 */
export async function serveConnectionsFromPrimary(app: FastifyInstance): Promise<() => Promise<void>> {
  const connections = new Set<Socket>();
  let closing = false;
  let lastClosed: (() => void) | undefined;
  // A keep-alive connection closes once the answer in hand is sent.
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });
  await app.ready();
  // Node's HTTP server starts enforcing its header and request time-outs when it starts listening; this one
  // never listens itself (the primary does), so it is told. Its idle connections are then closed on closing.
  app.server.emit("listening");
  process.on("message", (message, handle) => {
    if (message !== HANDED || !(handle instanceof Socket)) return;
    connections.add(handle);
    handle.once("close", () => {
      connections.delete(handle);
      if (process.connected) process.send?.(CLOSED);
      if (connections.size === 0) lastClosed?.();
    });
    app.server.emit("connection", handle);
    handle.resume();
  });
  process.send?.(READY);

  return async function close(): Promise<void> {
    closing = true;
    await app.close();
    if (connections.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        lastClosed = resolve;
        timer = setTimeout(resolve, STOP_GRACE_MS);
      });
      clearTimeout(timer);
    }
    for (const connection of connections) connection.destroy();
  };
}

/** In the primary: resolves when a new worker is ready for connections; rejects if it exits first. */
export function workerReady(worker: Worker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (message !== READY) return;
      worker.off("message", onMessage);
      resolve();
    };
    worker.on("message", onMessage);
    worker.once("exit", (code) => reject(new Error(`a web process exited (${code}) on starting`)));
  });
}
