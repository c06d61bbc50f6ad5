import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { cliActor, withDatabase } from "../../cli/context.js";
import { AppError } from "../../lib/errors.js";
import { formatImportErrors, importInspections, parseInspectionsCsv } from "./inspections.import.js";

export function registerInspectionCommands(program: Command): void {
  const inspections = program.command("inspections").description("the HMICFRS inspections register");
  inspections
    .command("import")
    .description(
      "import inspections, PEEL grades and findings from a CSV file (see docs/inspections-import.md)",
    )
    .argument("<file>", "a CSV file laid out like docs/templates/inspections.csv")
    .action((file: string) =>
      withDatabase(async (db) => {
        const { rows, errors } = parseInspectionsCsv(await readFile(file, "utf8"));
        if (errors.length) {
          const lines = formatImportErrors(errors).map((line) => `  ${file}: ${line}`);
          throw new AppError(
            `Nothing imported; the file has ${errors.length} problem(s):\n${lines.join("\n")}`,
            "invalid_file",
            422,
          );
        }
        const summary = await importInspections(db.kysely, cliActor, rows);
        process.stdout.write(
          `Imported ${summary.inspections} inspection(s), ${summary.grades} grade(s) and ${summary.findings} finding(s)\n`,
        );
      }),
    );
}
