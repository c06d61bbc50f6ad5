import { createHash } from "node:crypto";
import type { AuditRow } from "../../db/schema.js";

/** The fields a row's hash covers: everything it says, in a fixed order. */
export type ChainedFields = Omit<AuditRow, "id" | "hash">;

/**
 * SHA-256 over the previous row's hash and this row's fields. Changing any field of any row, or removing a row,
 * makes the recomputed chain differ from the stored one from that row on.
 */
export function auditRowHash(row: ChainedFields): string {
  const canonical = JSON.stringify([
    row.prev_hash,
    row.at,
    row.user_id,
    row.actor,
    row.ip,
    row.action,
    row.entity_type,
    row.entity_id,
    row.before_json,
    row.after_json,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

export type ChainVerdict =
  { intact: true; rows: number } | { intact: false; rows: number; brokenAt: number; reason: string };

/** Walks rows in id order and reports the first whose link or hash does not hold. */
export async function verifyAuditChain(
  rows: AsyncIterable<AuditRow> | Iterable<AuditRow>,
): Promise<ChainVerdict> {
  let previousHash: string | null = null;
  let count = 0;
  for await (const row of rows) {
    count++;
    if (row.prev_hash !== previousHash) {
      return {
        intact: false,
        rows: count,
        brokenAt: row.id,
        reason: "its link to the previous row does not match (a row before it was removed or changed)",
      };
    }
    if (auditRowHash(row) !== row.hash) {
      return {
        intact: false,
        rows: count,
        brokenAt: row.id,
        reason: "its contents do not match its hash (the row was changed)",
      };
    }
    previousHash = row.hash;
  }
  return { intact: true, rows: count };
}
