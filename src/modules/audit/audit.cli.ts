import type { Command } from "commander";
import { withDatabase } from "../../cli/context.js";
import { AppError } from "../../lib/errors.js";
import { parseAnchor, verifyAuditChain } from "./audit-chain.js";
import { allAuditRows } from "./audit.repository.js";

export function registerAuditCommands(program: Command): void {
  const audit = program.command("audit").description("the audit log");
  audit
    .command("verify")
    .description("check the audit log's hash chain and report the first broken link")
    .option(
      "--head <id:hash>",
      "a latest row noted down from an earlier run: also check it is still there, unchanged",
    )
    .action((options: { head?: string }) =>
      withDatabase(async (db) => {
        const anchor = options.head === undefined ? undefined : parseAnchor(options.head);
        if (anchor === null)
          throw new AppError(
            `--head "${options.head}" is not a row noted from the audit log: expect <row id>:<64 hex digits>`,
            "validation",
            422,
          );
        const verdict = await verifyAuditChain(allAuditRows(db.kysely), anchor);
        if (verdict.intact) {
          process.stdout.write(`Audit log intact: ${verdict.rows} rows, every link verified\n`);
          if (anchor) process.stdout.write(`Row ${anchor.id} is there as noted down\n`);
          if (verdict.head) {
            const head = `${verdict.head.id}:${verdict.head.hash}`;
            process.stdout.write(
              `Latest row: ${head}\nNote it down outside the database; "scrutineer audit verify --head ${head}" ` +
                "then shows whether any row up to it has since been changed or removed.\n",
            );
          }
          return;
        }
        throw new AppError(
          `Audit log BROKEN at row ${verdict.brokenAt}: ${verdict.reason}`,
          "audit_broken",
          1,
        );
      }),
    );
}
