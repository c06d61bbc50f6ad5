/**
 * WEB_PROCESSES: a primary process and its web workers sharing one port, as one process per core is run.
 */
import { execFileSync } from "node:child_process";
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
        // startAppProcess waits for /healthz, which the first worker to listen answers. The primary says so
        // when both listen: killing the only one listening would close the port until another listens.
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
});
