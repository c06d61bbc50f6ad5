import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { useCli } from "../../test/helpers/cli.js";
import { useTestDatabase } from "../../test/helpers/test-db.js";
import { verifyPassword } from "../modules/users/password.js";
import { findUserByEmail } from "../modules/users/users.repository.js";

const run = promisify(execFile);
const database = useTestDatabase();
const cli = useCli(database);

describe("scrutineer users", () => {
  it("adds a user and prints a one-time password that works", async () => {
    expect(
      await cli.run(
        "users",
        "add",
        "--email",
        "Cli.User@Example.org",
        "--name",
        "Cli User",
        "--role",
        "force",
      ),
    ).toBe(0);
    const password = /One-time password: (\S+)/.exec(cli.output)?.[1];
    const user = await findUserByEmail(database.current().db.kysely, "cli.user@example.org");
    expect(user?.role).toBe("force");
    expect(await verifyPassword(user!.password_hash, password!)).toBe(true);
  });

  it("lists, changes role, disables and resets, writing the audit log as the CLI", async () => {
    await cli.run("users", "add", "--email", "second@example.org", "--name", "Second", "--role", "panel");
    expect(await cli.run("users", "set-role", "second@example.org", "--role", "opcc")).toBe(0);
    expect(await cli.run("users", "disable", "second@example.org")).toBe(0);
    expect(await cli.run("users", "reset-password", "second@example.org")).toBe(0);
    cli.clearOutput();
    expect(await cli.run("users", "list")).toBe(0);
    expect(cli.output).toContain('second@example.org,"Second",opcc,disabled');
    const audit = await database
      .current()
      .db.kysely.selectFrom("audit_log")
      .select(["actor", "action"])
      .execute();
    expect(audit.filter((row) => row.actor.startsWith("cli (")).map((row) => row.action)).toEqual(
      expect.arrayContaining(["create", "update", "password-change"]),
    );
  });

  it("fails with a clear message for an unknown user or a wrong role", async () => {
    expect(await cli.run("users", "disable", "ghost@example.org")).toBe(1);
    expect(cli.errors).toContain("No user with the email ghost@example.org");
    expect(await cli.run("users", "add", "--email", "bad", "--name", "X", "--role", "admin")).toBe(1);
    expect(cli.errors).toContain("Invalid input");
  });

  it("stops with the configuration error when DATABASE_URL is wrong", async () => {
    vi.stubEnv("DATABASE_URL", "mysql://nowhere");
    expect(await cli.run("users", "list")).toBe(1);
    expect(cli.errors).toContain("Configuration error: DATABASE_URL");
  });
});

describe("the scrutineer command", () => {
  it("lists its commands with --help", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "src/cli/index.ts", "--help"]);
    expect(stdout).toMatch(/Usage: scrutineer/);
    expect(stdout).toMatch(/migrate/);
    expect(stdout).toMatch(/users/);
  });
});
