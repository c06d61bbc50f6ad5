import type { Command } from "commander";
import { withDatabase } from "../../cli/context.js";
import { AppError } from "../../lib/errors.js";
import { verifyAuditChain } from "./audit-chain.js";
import { allAuditRows } from "./audit.repository.js";

export function registerAuditCommands(program: Command): void {
  const audit = program.command("audit").description("the audit log");
  audit
    .command("verify")
    .description("check the audit log's hash chain and report the first broken link")
    .action(() =>
      withDatabase(async (db) => {
        const verdict = await verifyAuditChain(allAuditRows(db.kysely));
        if (verdict.intact) {
          process.stdout.write(`Audit log intact: ${verdict.rows} rows, every link verified\n`);
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
