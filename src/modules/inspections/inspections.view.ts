import type { Role } from "../../db/schema.js";
import { editors } from "../auth/access.js";
import { responseDeadline, todayInUk, type ResponseDeadline } from "./deadline.js";
import { progressReporters } from "./finding-status.js";
import {
  closedByLabels,
  findingKindLabels,
  findingStatusLabels,
  gradeLabels,
  inspectionKindLabels,
  type FindingStatus,
  type Grade,
} from "./inspections.schema.js";
import type { FindingRow, InspectionRow, PccResponseRow } from "./inspections.tables.js";
import { openStatuses } from "./inspections.repository.js";

// What the templates need beyond the rows: labels, tag colours, and the deadline in words.

export const statusTagClasses: Record<FindingStatus, string> = {
  open: "govuk-tag--red",
  in_progress: "govuk-tag--yellow",
  ready_for_closure: "govuk-tag--blue",
  closed: "govuk-tag--green",
  superseded: "govuk-tag--grey",
};

export const gradeTagClasses: Record<Grade, string> = {
  outstanding: "govuk-tag--green",
  good: "govuk-tag--turquoise",
  adequate: "govuk-tag--yellow",
  requires_improvement: "govuk-tag--orange",
  inadequate: "govuk-tag--red",
};

export const labels = {
  inspectionKind: inspectionKindLabels,
  findingKind: findingKindLabels,
  status: findingStatusLabels,
  grade: gradeLabels,
  closedBy: closedByLabels,
  statusTag: statusTagClasses,
  gradeTag: gradeTagClasses,
};

export function isOverdue(finding: Pick<FindingRow, "target_date" | "status">, today: string): boolean {
  return finding.target_date !== null && finding.target_date < today && openStatuses.includes(finding.status);
}

export function describeDeadline(deadline: ResponseDeadline): { text: string; tag: string } {
  switch (deadline.state) {
    case "published":
      return {
        text: deadline.late ? "Published late" : "Published",
        tag: deadline.late ? "govuk-tag--orange" : "govuk-tag--green",
      };
    case "due":
      return {
        text:
          deadline.daysLeft === 0
            ? "Due today"
            : `${deadline.daysLeft} day${deadline.daysLeft === 1 ? "" : "s"} left`,
        tag: deadline.daysLeft <= 14 ? "govuk-tag--yellow" : "govuk-tag--blue",
      };
    case "overdue":
      return {
        text: `Overdue by ${deadline.daysOverdue} day${deadline.daysOverdue === 1 ? "" : "s"}`,
        tag: "govuk-tag--red",
      };
  }
}

/** The statutory response's state for an inspection, ready for a template. */
export function deadlineView(
  inspection: InspectionRow,
  response: PccResponseRow | undefined,
  today = todayInUk(),
) {
  const deadline = responseDeadline(
    inspection.published_on,
    today,
    response?.published_at?.slice(0, 10) ?? null,
  );
  return { ...deadline, ...describeDeadline(deadline) };
}

export const canEdit = (role: Role | undefined): boolean =>
  role !== undefined && (editors as readonly Role[]).includes(role);
export const canReportProgress = (role: Role | undefined): boolean =>
  role !== undefined && progressReporters.includes(role);
