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

/**
 * A row's id and hash noted down outside the database (a signed e-mail, a paper record). The chain alone cannot
 * show rows cut from its end, nor a chain rebuilt by someone with write access to the database; a noted row that
 * is gone, or whose hash changed, shows both.
 */
export interface AuditAnchor {
  id: number;
  hash: string;
}

export type ChainVerdict =
  | { intact: true; rows: number; head: AuditAnchor | null }
  | { intact: false; rows: number; brokenAt: number; reason: string };

/** Reads an anchor as `scrutineer audit verify` prints it, `<row id>:<hash>`; null if it is not one. */
export function parseAnchor(text: string): AuditAnchor | null {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  return match ? { id: Number(match[1]), hash: match[2] as string } : null;
}

/** Walks rows in id order and reports the first whose link or hash does not hold, or a noted row gone or changed. */
export async function verifyAuditChain(
  rows: AsyncIterable<AuditRow> | Iterable<AuditRow>,
  anchor?: AuditAnchor,
): Promise<ChainVerdict> {
  let previous: AuditRow | null = null;
  let count = 0;
  for await (const row of rows) {
    count++;
    const broken = (reason: string): ChainVerdict => ({
      intact: false,
      rows: count,
      brokenAt: row.id,
      reason,
    });
    if (row.prev_hash !== (previous?.hash ?? null))
      return broken("its link to the previous row does not match (a row before it was removed or changed)");
    if (auditRowHash(row) !== row.hash)
      return broken("its contents do not match its hash (the row was changed)");
    if (anchor && row.id === anchor.id && row.hash !== anchor.hash)
      return broken("its hash is not the one noted down (the log up to it was rewritten)");
    previous = row;
  }
  if (anchor && (previous === null || previous.id < anchor.id)) {
    return {
      intact: false,
      rows: count,
      brokenAt: anchor.id,
      reason: "the row noted down is gone (rows were removed from the end of the log)",
    };
  }
  return { intact: true, rows: count, head: previous && { id: previous.id, hash: previous.hash } };
}
