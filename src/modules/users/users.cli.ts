import { Option, type Command } from "commander";
import { cliActor, withDatabase } from "../../cli/context.js";
import type { Db } from "../../db/database.js";
import { roles, type Role } from "../../db/schema.js";
import { AppError } from "../../lib/errors.js";
import { findUserByEmail, listUsers } from "./users.repository.js";
import { newUserSchema } from "./users.schema.js";
import { createUser, disableUser, enableUser, resetPassword, setRole } from "./users.service.js";

async function userByEmail(db: Db, email: string) {
  const user = await findUserByEmail(db.kysely, email);
  if (!user) throw new AppError(`No user with the email ${email}`, "not_found", 404);
  return user;
}

const roleOption = () =>
  new Option("--role <role>", "admin, opcc, force or panel").choices(roles).makeOptionMandatory();

export function registerUserCommands(program: Command): void {
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
}
