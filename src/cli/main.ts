import { Command } from "commander";
import { ConfigError } from "../config.js";
import { AppError } from "../lib/errors.js";
import { registerAuditCommands } from "../modules/audit/audit.cli.js";
import { registerBackupCommands } from "../modules/backup/backup.cli.js";
import { registerInspectionCommands } from "../modules/inspections/inspections.cli.js";
import { registerCrimeCommands } from "../modules/crime/crime.cli.js";
import { registerMeasureCommands } from "../modules/measures/measures.cli.js";
import { registerMeetingCommands } from "../modules/meetings/meetings.cli.js";
import { registerUserCommands } from "../modules/users/users.cli.js";
import { withDatabase } from "./context.js";

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

  // Each domain registers its own commands.
  registerUserCommands(program);
  registerMeetingCommands(program);
  registerCrimeCommands(program);
  registerInspectionCommands(program);
  registerMeasureCommands(program);
  registerAuditCommands(program);
  registerBackupCommands(program);
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
