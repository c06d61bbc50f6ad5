import { userInfo } from "node:os";
import { Command, Option } from "commander";
import { openMigratedDatabase } from "../bootstrap.js";
import { ConfigError, parseConfig } from "../config.js";
import type { Db } from "../db/database.js";
import { roles, type Role } from "../db/schema.js";
import { AppError } from "../lib/errors.js";
import type { Actor } from "../modules/audit/actor.js";
import { findUserByEmail, listUsers } from "../modules/users/users.repository.js";
import { newUserSchema } from "../modules/users/users.schema.js";
import {
  createUser,
  disableUser,
  enableUser,
  resetPassword,
  setRole,
} from "../modules/users/users.service.js";

/** The person at the terminal, as the audit log records CLI changes. */
const cliActor: Actor = { userId: null, label: `cli (${safeUserName()})`, ip: null };

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/** Runs a command against the configured database, closing it however the command ends. */
async function withDatabase(work: (db: Db) => Promise<void>): Promise<void> {
  const db = await openMigratedDatabase(parseConfig(process.env));
  try {
    await work(db);
  } finally {
    await db.destroy();
  }
}

async function userByEmail(db: Db, email: string) {
  const user = await findUserByEmail(db.kysely, email);
  if (!user) throw new AppError(`No user with the email ${email}`, "not_found", 404);
  return user;
}

const roleOption = () =>
  new Option("--role <role>", "admin, opcc, force or panel").choices(roles).makeOptionMandatory();

export function buildCli(): Command {
  const program = new Command("scrutineer")
    .description("Scrutineer: plan, evidence, record and publish the PCC's accountability meetings")
    .showHelpAfterError();

  program
    .command("migrate")
    .description("bring the database schema up to date (the app also does this when it starts)")
    .action(() =>
      withDatabase(async (db) => {
        process.stdout.write(`Database is up to date (${db.dialect}: ${db.location})\n`);
      }),
    );

  const users = program.command("users").description("manage who can sign in");
  users
    .command("add")
    .description("add a user and print their one-time password")
    .requiredOption("--email <email>", "their email address (what they sign in with)")
    .requiredOption("--name <name>", "their full name")
    .addOption(roleOption())
    .action((options: { email: string; name: string; role: Role }) =>
      withDatabase(async (db) => {
        const input = newUserSchema.parse(options);
        const { user, password } = await createUser(db.kysely, cliActor, input);
        process.stdout.write(`Added ${user.email} (${user.role}). One-time password: ${password}\n`);
      }),
    );
  users
    .command("list")
    .description("list users")
    .action(() =>
      withDatabase(async (db) => {
        const rows = await listUsers(db.kysely);
        process.stdout.write("email,name,role,status\n");
        for (const user of rows) {
          const status = user.disabled_at ? "disabled" : "active";
          process.stdout.write(`${user.email},${JSON.stringify(user.name)},${user.role},${status}\n`);
        }
      }),
    );
  users
    .command("set-role")
    .description("change a user's role")
    .argument("<email>")
    .addOption(roleOption())
    .action((email: string, options: { role: Role }) =>
      withDatabase(async (db) => {
        const user = await setRole(db.kysely, cliActor, (await userByEmail(db, email)).id, options.role);
        process.stdout.write(`${user.email} is now ${user.role}\n`);
      }),
    );
  users
    .command("reset-password")
    .description("issue a new one-time password and end the user's sessions")
    .argument("<email>")
    .action((email: string) =>
      withDatabase(async (db) => {
        const { user, password } = await resetPassword(
          db.kysely,
          cliActor,
          (await userByEmail(db, email)).id,
        );
        process.stdout.write(`New one-time password for ${user.email}: ${password}\n`);
      }),
    );
  users
    .command("disable")
    .description("stop a user signing in and end their sessions")
    .argument("<email>")
    .action((email: string) =>
      withDatabase(async (db) => {
        const user = await disableUser(db.kysely, cliActor, (await userByEmail(db, email)).id);
        process.stdout.write(`${user.email} is disabled\n`);
      }),
    );
  users
    .command("enable")
    .description("let a disabled user sign in again")
    .argument("<email>")
    .action((email: string) =>
      withDatabase(async (db) => {
        const user = await enableUser(db.kysely, cliActor, (await userByEmail(db, email)).id);
        process.stdout.write(`${user.email} is enabled\n`);
      }),
    );
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv);
    return 0;
  } catch (error) {
    const message =
      error instanceof ConfigError || error instanceof AppError
        ? error.message
        : error instanceof Error && error.name === "ZodError"
          ? `Invalid input: ${error.message}`
          : String(error instanceof Error ? error.stack : error);
    process.stderr.write(`scrutineer: ${message}\n`);
    return 1;
  }
}
