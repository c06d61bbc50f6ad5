/**
 * WEB_PROCESSES: a primary process and its web workers sharing one port, as one process per core is run.
 */
import { execFileSync } from "node:child_process";
import { connect, type Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTestUser } from "../factories.js";
import { useTestDatabase } from "../helpers/test-db.js";
import { until } from "../helpers/until.js";
import { signInOverHttp, startAppProcess } from "./app-process.js";

const database = useTestDatabase();
const uploads = await mkdtemp(join(tmpdir(), "scrutineer-workers-"));
afterAll(() => rm(uploads, { recursive: true, force: true }));

/** The pids of a process's web workers: children running main.ts (tsx may also have esbuild running). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(pid), "-f", "main\\.ts"], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}
const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("several web processes on one port (WEB_PROCESSES)", () => {
  it(
    "serves from every worker, replaces one that dies, and stops them all on SIGTERM",
    { timeout: 300_000 },
    async () => {
      const { db, url } = database.current();
      const app = await startAppProcess({
        DATABASE_URL: url,
        SESSION_SECRET: randomBytes(24).toString("hex"),
        LOAD_DEMO_DATA: "false",
        UPLOAD_DIR: uploads,
        WEB_PROCESSES: "2",
      });
      try {
        // startAppProcess waits for /healthz, which the primary answers through the first worker ready. It
        // says when both are ready: the test then kills one while the other serves.
        await until(() => app.output().includes("2 web processes"), "both web processes listen", {
          detail: () => app.errors(),
        });
        const workers = childrenOf(app.pid);
        expect(workers).toHaveLength(2);
        const user = await createTestUser(db, { role: "opcc" });
        const cookie = await signInOverHttp(app.baseUrl, user.email);
        for (let i = 0; i < 10; i += 1) {
          const page = await fetch(`${app.baseUrl}/actions`, { headers: { cookie }, redirect: "manual" });
          expect(page.status, app.errors()).toBe(200);
        }

        process.kill(workers[0]!, "SIGKILL");
        await until(
          () => {
            const now = childrenOf(app.pid);
            return now.length === 2 && !now.includes(workers[0]!);
          },
          "the killed worker is replaced",
          { detail: () => app.errors() },
        );
        const after = await fetch(`${app.baseUrl}/actions`, { headers: { cookie }, redirect: "manual" });
        expect(after.status, app.errors()).toBe(200);

        const replaced = childrenOf(app.pid);
        await app.stop("SIGTERM");
        expect([app.pid, ...replaced].filter(running)).toEqual([]);
      } finally {
        await app.stop("SIGKILL");
      }
    },
  );

  it(
    "hands each connection to the worker holding the fewest, though one is not answering; closes idle ones on stopping",
    { timeout: 300_000 },
    async () => {
      const app = await startAppProcess({
        DATABASE_URL: database.current().url,
        SESSION_SECRET: randomBytes(24).toString("hex"),
        LOAD_DEMO_DATA: "false",
        UPLOAD_DIR: uploads,
        WEB_PROCESSES: "2",
      });
      const sockets: Socket[] = [];
      let paused: number | undefined;
      try {
        await until(() => app.output().includes("2 web processes"), "both web processes are ready", {
          detail: () => app.errors(),
        });
        paused = childrenOf(app.pid)[0]!;
        // A worker that is stopped cannot take a connection. Node's cluster handed each connection to the
        // worker that had taken its last: here, all but perhaps the first went to the one running.
        process.kill(paused, "SIGSTOP");
        const port = Number(new URL(app.baseUrl).port);
        let answered = 0;
        for (let i = 0; i < 20; i += 1) {
          const socket = connect(port, "127.0.0.1");
          socket.setEncoding("utf8");
          socket.on("data", (chunk: string) => {
            if (chunk.startsWith("HTTP/1.1 200")) answered += 1;
          });
          socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
          sockets.push(socket);
        }
        await until(() => answered >= 8, "the running worker answers its share", {
          detail: () => app.errors(),
        });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        // Each held about half, allowing for a connection of startAppProcess's that may still be open.
        expect(answered).toBeLessThanOrEqual(12);

        process.kill(paused, "SIGCONT");
        await until(() => answered === 20, "the worker that was stopped answers the rest", {
          detail: () => app.errors(),
        });

        // On SIGTERM the workers close their idle keep-alive connections at once, rather than waiting out the
        // grace given to requests in hand (10 s).
        const closed = sockets.map((socket) => new Promise((resolve) => socket.once("close", resolve)));
        const stopping = Date.now();
        await app.stop("SIGTERM");
        await Promise.all(closed);
        expect(Date.now() - stopping).toBeLessThan(5_000);
      } finally {
        if (paused !== undefined && running(paused)) process.kill(paused, "SIGCONT");
        sockets.forEach((socket) => socket.destroy());
        await app.stop("SIGKILL");
      }
    },
  );
});
