import type { Kysely, Transaction } from "kysely";
import type { AuditRow, Database } from "../../db/schema.js";
import { dayAfter, nowIso } from "../../lib/time.js";
import type { Actor } from "./actor.js";

type Executor = Kysely<Database> | Transaction<Database>;

export type AuditAction = "create" | "update" | "delete" | "sign-in" | "sign-out" | "password-change";

export interface AuditEntry {
  action: AuditAction;
  entityType: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
}

/** Called by every write path inside the same transaction as the change, so the two commit or fail together. */
export async function recordAudit(trx: Executor, actor: Actor, entry: AuditEntry): Promise<void> {
  await trx
    .insertInto("audit_log")
    .values({
      at: nowIso(),
      user_id: actor.userId,
      actor: actor.label,
      ip: actor.ip,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: String(entry.entityId),
      before_json: entry.before === undefined ? null : JSON.stringify(entry.before),
      after_json: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .execute();
}

export interface AuditFilter {
  entityType?: string | undefined;
  action?: string | undefined;
  actor?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
}

export async function listAudit(
  db: Executor,
  filter: AuditFilter,
): Promise<{ rows: AuditRow[]; total: number }> {
  let query = db.selectFrom("audit_log");
  if (filter.entityType) query = query.where("entity_type", "=", filter.entityType);
  if (filter.action) query = query.where("action", "=", filter.action);
  if (filter.actor) query = query.where("actor", "like", `%${filter.actor}%`);
  if (filter.from) query = query.where("at", ">=", filter.from);
  if (filter.to) query = query.where("at", "<", dayAfter(filter.to));
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy("id", "desc").limit(filter.limit).offset(filter.offset).execute(),
    query.select((eb) => eb.fn.countAll<string | number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function listAuditEntityTypes(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom("audit_log")
    .select("entity_type")
    .distinct()
    .orderBy("entity_type")
    .execute();
  return rows.map((r) => r.entity_type);
}
