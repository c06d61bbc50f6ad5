import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import type { Db } from "../../db/database.js";
import { adminOnly } from "../auth/access.js";
import { listAudit, listAuditEntityTypes } from "./audit.repository.js";

const pageSize = 50;
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const filterSchema = z.object({
  entityType: z.string().trim().max(100).optional().catch(undefined),
  action: z.string().trim().max(50).optional().catch(undefined),
  actor: z.string().trim().max(320).optional().catch(undefined),
  from: isoDate.optional().catch(undefined),
  to: isoDate.optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export const auditRoutes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.get("/admin/audit", { config: { access: adminOnly } }, async (request, reply) => {
    const filter = filterSchema.parse(request.query);
    const cleaned = Object.fromEntries(
      Object.entries(filter).filter(([, value]) => value !== "" && value !== undefined),
    );
    const [{ rows, total }, entityTypes] = await Promise.all([
      listAudit(db.kysely, { ...cleaned, limit: pageSize, offset: (filter.page - 1) * pageSize }),
      listAuditEntityTypes(db.kysely),
    ]);
    const query: [string, string][] = Object.entries(cleaned)
      .filter(([key]) => key !== "page")
      .map(([key, value]) => [key, String(value)]);
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const pageHref = (page: number) =>
      `/admin/audit?${new URLSearchParams([...query, ["page", String(page)]]).toString()}`;
    return reply.page("audit/views/list.njk", {
      title: "Audit log",
      rows: rows.map((row) => ({ ...row, changes: describeChanges(row.before_json, row.after_json) })),
      total,
      filter: cleaned,
      entityTypes,
      actions: ["create", "update", "delete", "sign-in", "sign-out", "password-change"],
      pagination: {
        previous: filter.page > 1 ? { href: pageHref(filter.page - 1) } : undefined,
        next: filter.page < pages ? { href: pageHref(filter.page + 1) } : undefined,
      },
      page: filter.page,
      pages,
    });
  });
};

/** The fields that differ between the before and after snapshots, for a reader scanning the log. */
export function describeChanges(beforeJson: string | null, afterJson: string | null) {
  const before = (beforeJson ? JSON.parse(beforeJson) : {}) as Record<string, unknown>;
  const after = (afterJson ? JSON.parse(afterJson) : {}) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map((field) => ({ field, before: show(before[field]), after: show(after[field]) }));
}

function show(value: unknown): string {
  if (value === undefined) return "";
  if (value === null) return "(none)";
  return typeof value === "string" ? value : JSON.stringify(value);
}
