import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema.js";
import { renderDocx, renderPdf } from "../../lib/documents.js";
import { NotFoundError } from "../../lib/errors.js";
import { nowIso } from "../../lib/time.js";
import { formatPeriod, parsePeriod, periodDates } from "../../stats/periods.js";
import type { Actor } from "../audit/actor.js";
import { recordAudit } from "../audit/audit.repository.js";
import { todayInUk } from "../inspections/deadline.js";
import { buildReportContent, type ReportContent, type ReportSectionContent } from "./report-content.js";
import { reportBlocks, reportTitle } from "./report-document.js";
import {
  deleteNarrative,
  findReport,
  insertReport,
  listNarratives,
  listReports,
  updateReport,
  upsertNarrative,
} from "./reports.repository.js";
import {
  quarterSlug,
  reportSectionIds,
  type NarrativeForm,
  type Quarter,
  type ReportStatus,
} from "./reports.schema.js";
import type { QuarterlyReportRow } from "./reports.tables.js";

export interface QuarterlyReport extends ReportContent {
  slug: string;
  /** A quarter nobody has written narrative for yet is a draft without a row. */
  status: ReportStatus;
  publishedAt: string | null;
  sections: (ReportSectionContent & { narrative: string })[];
}

export interface ReportListEntry {
  period: string;
  slug: string;
  status: ReportStatus;
  publishedAt: string | null;
}

export async function reportList(
  db: Kysely<Database>,
  options: { publishedOnly: boolean },
): Promise<ReportListEntry[]> {
  const rows = await listReports(db, options);
  return rows
    .map((row) => ({ row, quarter: parsePeriod(row.period) as Quarter }))
    .sort((a, b) => periodDates(b.quarter).start.localeCompare(periodDates(a.quarter).start))
    .map(({ row, quarter }) => ({
      period: row.period,
      slug: quarterSlug(quarter),
      status: row.status,
      publishedAt: row.published_at,
    }));
}

/** The report as a reader may see it: the public only once it is published. */
export async function quarterlyReport(
  db: Kysely<Database>,
  quarter: Quarter,
  options: { publishedOnly: boolean; asOf?: string },
): Promise<QuarterlyReport> {
  const row = await findReport(db, formatPeriod(quarter));
  if (options.publishedOnly && row?.status !== "published") {
    throw new NotFoundError(`No published report for ${formatPeriod(quarter)}`);
  }
  const narratives = new Map(
    (row ? await listNarratives(db, row.id) : []).map((narrative) => [narrative.section, narrative.text]),
  );
  const content = await buildReportContent(db, quarter, {
    asOf: options.asOf ?? todayInUk(),
    publishedMeasuresOnly: options.publishedOnly,
  });
  return {
    ...content,
    slug: quarterSlug(quarter),
    status: row?.status ?? "draft",
    publishedAt: row?.published_at ?? null,
    sections: content.sections.map((section) => ({
      ...section,
      narrative: narratives.get(section.id) ?? "",
    })),
  };
}

export async function narrativesOf(db: Kysely<Database>, quarter: Quarter): Promise<NarrativeForm> {
  const row = await findReport(db, formatPeriod(quarter));
  const saved = new Map(
    (row ? await listNarratives(db, row.id) : []).map((narrative) => [narrative.section, narrative.text]),
  );
  return Object.fromEntries(reportSectionIds.map((id) => [id, saved.get(id) ?? ""])) as NarrativeForm;
}

async function reportRow(
  trx: Transaction<Database>,
  actor: Actor,
  quarter: Quarter,
): Promise<QuarterlyReportRow> {
  const period = formatPeriod(quarter);
  const existing = await findReport(trx, period);
  if (existing) return existing;
  const now = nowIso();
  const row = await insertReport(trx, {
    period,
    status: "draft",
    published_at: null,
    created_at: now,
    updated_at: now,
  });
  await recordAudit(trx, actor, {
    action: "create",
    entityType: "quarterly-report",
    entityId: row.id,
    after: { period, status: row.status },
  });
  return row;
}

/** Saves the narrative boxes that changed; an emptied box is removed. One audit row per changed section. */
export async function saveNarratives(
  db: Kysely<Database>,
  actor: Actor,
  quarter: Quarter,
  form: NarrativeForm,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const report = await reportRow(trx, actor, quarter);
    const before = new Map((await listNarratives(trx, report.id)).map((n) => [n.section, n.text]));
    const now = nowIso();
    let changed = 0;
    for (const section of reportSectionIds) {
      const previous = before.get(section) ?? "";
      const text = form[section];
      if (text === previous) continue;
      changed += 1;
      if (text === "") await deleteNarrative(trx, report.id, section);
      else
        await upsertNarrative(trx, {
          report_id: report.id,
          section,
          text,
          updated_by: actor.label,
          updated_at: now,
        });
      await recordAudit(trx, actor, {
        action: text === "" ? "delete" : previous === "" ? "create" : "update",
        entityType: "quarterly-report-narrative",
        entityId: `${report.id}:${section}`,
        ...(previous === "" ? {} : { before: { period: report.period, section, text: previous } }),
        ...(text === "" ? {} : { after: { period: report.period, section, text } }),
      });
    }
    if (changed > 0) await updateReport(trx, report.id, { updated_at: now });
    return changed;
  });
}

export async function publishReport(
  db: Kysely<Database>,
  actor: Actor,
  quarter: Quarter,
): Promise<QuarterlyReportRow> {
  return db.transaction().execute(async (trx) => {
    const report = await reportRow(trx, actor, quarter);
    if (report.status === "published") return report;
    const now = nowIso();
    const published = await updateReport(trx, report.id, {
      status: "published",
      published_at: now,
      updated_at: now,
    });
    await recordAudit(trx, actor, {
      action: "publish",
      entityType: "quarterly-report",
      entityId: report.id,
      before: { period: report.period, status: report.status },
      after: { period: report.period, status: published.status, published_at: now },
    });
    return published;
  });
}

export function reportPdf(report: QuarterlyReport): Promise<Buffer> {
  return renderPdf(reportTitle(report), reportBlocks(report));
}

export function reportDocx(report: QuarterlyReport): Promise<Buffer> {
  return renderDocx(reportTitle(report), reportBlocks(report));
}
