/**
 * Scrutineer as a separate process on a free local port, as it runs in production (`src/main.ts`,
 * with tsx's loader), and signing in to it over real HTTP. Used by the several-processes tests and
 * the load benchmark.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { join } from "node:path";
import { rootDir } from "../../src/lib/paths.js";
import { testPassword } from "../factories.js";
import { csrfTokenIn } from "../helpers/http.js";

export interface AppProcess {
  baseUrl: string;
  pid: number;
  /** What the process wrote to stderr, for failure messages. */
  errors(): string;
  /** What the process wrote to stdout: what it says it has done, as an operator reads it. */
  output(): string;
  /** SIGTERM lets it finish the requests it holds; SIGKILL drops them (a benchmark's backlog). */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
}

/** A port nothing listens on now: the kernel picks one, and it is released at once for the app. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("no port assigned");
  return address.port;
}

export async function startAppProcess(env: Record<string, string>, startupMs = 120_000): Promise<AppProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", join(rootDir, "src", "main.ts")], {
    cwd: rootDir,
    env: { ...process.env, LOG_LEVEL: "warn", ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let errors = "";
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, "exit");
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async (signal: "SIGTERM" | "SIGKILL" = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
  };
  const deadline = Date.now() + startupMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}) on starting: ${errors}`);
    const up = await fetch(`${baseUrl}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return { baseUrl, pid: child.pid!, errors: () => errors, output: () => output, stop };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`the app did not answer on ${baseUrl} within ${startupMs} ms: ${errors}`);
}

/** The `name=value` pairs of a response's Set-Cookie headers, ready for a Cookie header. */
function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}

/** Signs in as a browser would (the sign-in form's CSRF token, then the form) and returns the session cookie. */
export async function signInOverHttp(
  baseUrl: string,
  email: string,
  password = testPassword,
): Promise<string> {
  const form = await fetch(`${baseUrl}/sign-in`);
  const token = csrfTokenIn(await form.text());
  const response = await fetch(`${baseUrl}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(form) },
    body: new URLSearchParams({ _csrf: token, email, password }).toString(),
  });
  const cookie = cookiesOf(response);
  if (response.status !== 302 || !cookie.includes("scrutineer.sid="))
    throw new Error(`signing in as ${email} on ${baseUrl} gave ${response.status}, not a session`);
  return cookie;
}
