import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { until } from "../../test/helpers/until.js";
import { registerRequestQueue } from "./request-queue.js";

/** A test app whose `/hold/:name` requests stay in their handler until the test lets them go. */
function queuedApp(limit: number) {
  const app = Fastify();
  // Requests as they reach the server, before the queue.
  const arrived: string[] = [];
  app.addHook("onRequest", async (request) => {
    arrived.push(request.url);
  });
  registerRequestQueue(app, limit);
  const started: string[] = [];
  const held = new Map<string, () => void>();
  app.get<{ Params: { name: string } }>("/hold/:name", async (request) => {
    started.push(request.params.name);
    await new Promise<void>((resolve) => held.set(request.params.name, resolve));
    return request.params.name;
  });
  app.get("/quick", async () => "quick");
  app.get("/fail", async () => {
    throw new Error("broken");
  });
  app.post("/form", async () => "saved");
  // More than the loopback connection buffers hold: its client must read it for the response to end.
  app.get("/large", async (_request, reply) =>
    reply.type("text/plain").send(Buffer.alloc(32 * 1024 * 1024, "x")),
  );
  const letGo = (name: string) => held.get(name)!();
  app.addHook("onClose", async () => held.forEach((release) => release()));
  return { app, arrived, started, letGo };
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  return (app.server.address() as AddressInfo).port;
}

async function get(port: number, path: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) });
  return response.text();
}

/** Lets every callback and timer that is due run, so requests move as far as they can. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Waits until a request over the network has got as far as `reached` shows. */
const arrives = (reached: () => boolean, what: string) =>
  until(reached, what, { timeoutMs: 2000, everyMs: 10 });

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("the request queue", () => {
  it("works on at most its limit of reads at once, and starts the others in the order they came", async () => {
    const test = queuedApp(2);
    app = test.app;
    const hold = (name: string) => app!.inject({ url: `/hold/${name}` });
    const answers = ["a", "b", "c", "d"].map(hold);
    await settle();
    expect(test.started).toEqual(["a", "b"]);

    test.letGo("b");
    await settle();
    expect(test.started).toEqual(["a", "b", "c"]);
    // "b"'s place went to "c": one coming now still waits.
    answers.push(hold("e"));
    await settle();
    expect(test.started).toEqual(["a", "b", "c"]);

    test.letGo("a");
    await settle();
    expect(test.started).toEqual(["a", "b", "c", "d"]);

    ["c", "d"].forEach(test.letGo);
    await settle();
    test.letGo("e");
    expect((await Promise.all(answers)).map((answer) => answer.body)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("does not hold a write behind the reads", async () => {
    const test = queuedApp(1);
    app = test.app;
    const read = app.inject({ url: "/hold/a" });
    await settle();
    const write = await app.inject({ method: "POST", url: "/form" });
    expect(write.body).toBe("saved");
    test.letGo("a");
    await read;
  });

  it("takes back the place of a request whose handler failed", async () => {
    const test = queuedApp(1);
    app = test.app;
    expect((await app.inject({ url: "/fail" })).statusCode).toBe(500);
    expect((await app.inject({ url: "/quick" })).body).toBe("quick");
  });

  it("takes back the place of a request whose answer is ready, however slowly its client reads it", async () => {
    const test = queuedApp(1);
    app = test.app;
    const port = await listen(app);
    let answered = false;
    const slowReader = httpRequest({ host: "127.0.0.1", port, path: "/large" }, (response) => {
      answered = true;
      response.pause();
    });
    slowReader.on("error", () => {});
    slowReader.end();
    await arrives(() => answered, "the large answer has begun");
    expect(await get(port, "/quick")).toBe("quick");
    slowReader.destroy();
  });

  it("takes back the place of a client that leaves while its request is worked on, or while it waits", async () => {
    const test = queuedApp(1);
    app = test.app;
    const port = await listen(app);
    const leave = async (path: string, reached: () => boolean) => {
      const request = httpRequest({ host: "127.0.0.1", port, path });
      request.on("error", () => {});
      request.end();
      await arrives(reached, `${path} has arrived`);
      request.destroy();
      await settle();
    };

    // The client of "a" leaves while its handler still runs: the next request need not wait for the handler.
    await leave("/hold/a", () => test.started.includes("a"));
    expect(await get(port, "/quick")).toBe("quick");

    // "b" holds the one place; the client of "c" leaves while waiting; when "b" ends, "d" is not stuck behind "c".
    const b = get(port, "/hold/b");
    await arrives(() => test.started.includes("b"), "b has started");
    await leave("/hold/c", () => test.arrived.includes("/hold/c"));
    const d = get(port, "/quick");
    await settle();
    test.letGo("b");
    expect(await b).toBe("b");
    expect(await d).toBe("quick");
  });
});
