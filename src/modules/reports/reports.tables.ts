import type { Generated, Insertable, Selectable } from "kysely";
import type { ReportSectionId, ReportStatus } from "./reports.schema.js";

export interface ReportTables {
  quarterly_reports: QuarterlyReportTable;
  quarterly_report_narratives: QuarterlyReportNarrativeTable;
}

export interface QuarterlyReportTable {
  id: Generated<number>;
  /** Canonical period text (`formatPeriod`), e.g. "Q2 2025/26". */
  period: string;
  status: ReportStatus;
  published_at: string | null;
  created_at: string;
  updated_at: string;
}
export type QuarterlyReportRow = Selectable<QuarterlyReportTable>;
export type NewQuarterlyReportRow = Insertable<QuarterlyReportTable>;

/** The editors' words in one section's box; the figures around it come from the measures. */
export interface QuarterlyReportNarrativeTable {
  id: Generated<number>;
  report_id: number;
  section: ReportSectionId;
  text: string;
  updated_by: string;
  updated_at: string;
}
export type QuarterlyReportNarrativeRow = Selectable<QuarterlyReportNarrativeTable>;
