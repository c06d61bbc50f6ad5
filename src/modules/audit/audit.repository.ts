import { PostgresAdapter, sql, type Kysely, type Transaction } from "kysely";
import type { AuditRow, Database } from "../../db/schema.js";
import { dayAfter, nowIso } from "../../lib/time.js";
import type { Actor } from "./actor.js";
import { auditRowHash, type ChainedFields } from "./audit-chain.js";

type Executor = Kysely<Database> | Transaction<Database>;

export const auditActions = [
  "create",
  "update",
  "delete",
  "import",
  "publish",
  "read",
  "sign-in",
  "sign-out",
  "password-change",
] as const;
export type AuditAction = (typeof auditActions)[number];

export interface AuditEntry {
  action: AuditAction;
  entityType: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
}

/** Called by every write path inside the same transaction as the change, so the two commit or fail together. */
export async function recordAudit(executor: Executor, actor: Actor, entry: AuditEntry): Promise<void> {
  if (executor.isTransaction) return appendChained(executor as Transaction<Database>, actor, entry);
  await executor.transaction().execute((trx) => appendChained(trx, actor, entry));
}

// An arbitrary constant naming the advisory lock that orders audit appends on PostgreSQL.
const auditChainLock = 7_241_001;

async function appendChained(trx: Transaction<Database>, actor: Actor, entry: AuditEntry): Promise<void> {
  // Appends must be serialised or two writers would chain to the same previous row. SQLite has one writer at a
  // time already; PostgreSQL takes a transaction-scoped lock, released at commit or rollback.
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select pg_advisory_xact_lock(${auditChainLock})`.execute(trx);
  }
  const previous = await trx
    .selectFrom("audit_log")
    .select("hash")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  const row: ChainedFields = {
    prev_hash: previous?.hash ?? null,
    at: nowIso(),
    user_id: actor.userId,
    actor: actor.label,
    ip: actor.ip,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: String(entry.entityId),
    before_json: entry.before === undefined ? null : JSON.stringify(entry.before),
    after_json: entry.after === undefined ? null : JSON.stringify(entry.after),
  };
  await trx
    .insertInto("audit_log")
    .values({ ...row, hash: auditRowHash(row) })
    .execute();
}

/** Every row in chain order, read in pages so a long log does not have to fit in memory. */
export async function* allAuditRows(db: Executor, pageSize = 5000): AsyncGenerator<AuditRow> {
  let afterId = 0;
  for (;;) {
    const page = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(pageSize)
      .execute();
    yield* page;
    if (page.length < pageSize) return;
    afterId = page[page.length - 1]!.id;
  }
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
