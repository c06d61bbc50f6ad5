import type { Generated, Insertable, Selectable } from "kysely";
import type {
  Assessment,
  ClosedBy,
  FindingKind,
  FindingStatus,
  Grade,
  InspectionKind,
  Rag,
} from "./inspections.schema.js";

export interface InspectionTables {
  inspections: InspectionTable;
  peel_grades: PeelGradeTable;
  inspection_findings: FindingTable;
  finding_status_changes: FindingStatusChangeTable;
  finding_updates: FindingUpdateTable;
  finding_links: FindingLinkTable;
  pcc_responses: PccResponseTable;
  pcc_response_items: PccResponseItemTable;
}

export interface InspectionTable {
  id: Generated<number>;
  kind: InspectionKind;
  title: string;
  published_on: string;
  report_url: string | null;
  scope: string | null;
  /** 1 for the demonstration set, shown with a "sample data" tag everywhere. */
  is_sample: number;
  created_at: string;
  updated_at: string;
  /** Bumped by every save: a form opened at an older version cannot overwrite a newer save. */
  version: Generated<number>;
}
export type InspectionRow = Selectable<InspectionTable>;
export type NewInspectionRow = Insertable<InspectionTable>;

export interface PeelGradeTable {
  id: Generated<number>;
  inspection_id: number;
  question_area: string;
  grade: Grade;
}
export type PeelGradeRow = Selectable<PeelGradeTable>;

export interface FindingTable {
  id: Generated<number>;
  inspection_id: number;
  kind: FindingKind;
  /** The cause of concern a recommendation belongs to. */
  parent_id: number | null;
  reference: string;
  text: string;
  owner: string | null;
  target_date: string | null;
  status: FindingStatus;
  closed_by: ClosedBy | null;
  closure_decided_by: string | null;
  superseded_by_id: number | null;
  created_at: string;
  updated_at: string;
  /** Bumped by every save: a form opened at an older version cannot overwrite a newer save. */
  version: Generated<number>;
}
export type FindingRow = Selectable<FindingTable>;
export type NewFindingRow = Insertable<FindingTable>;

export interface FindingStatusChangeTable {
  id: Generated<number>;
  finding_id: number;
  from_status: FindingStatus;
  to_status: FindingStatus;
  reason: string | null;
  user_id: number | null;
  actor: string;
  at: string;
}
export type FindingStatusChangeRow = Selectable<FindingStatusChangeTable>;

export interface FindingUpdateTable {
  id: Generated<number>;
  finding_id: number;
  update_date: string;
  narrative: string;
  rag: Rag;
  evidence: string | null;
  evidence_url: string | null;
  evidence_file_name: string | null;
  evidence_stored_name: string | null;
  evidence_media_type: string | null;
  evidence_size_bytes: number | null;
  user_id: number | null;
  author: string;
  created_at: string;
  assessment: Assessment | null;
  assessment_reason: string | null;
  assessed_by: string | null;
  assessed_at: string | null;
}
export type FindingUpdateRow = Selectable<FindingUpdateTable>;

export interface FindingLinkTable {
  id: Generated<number>;
  finding_id: number;
  /** A measure's id in the measures module (text, so no foreign key across modules). */
  measure_id: string | null;
  /** An agenda item in the meetings module; no foreign key, as that table lands in another migration. */
  agenda_item_id: number | null;
  note: string | null;
  created_at: string;
}
export type FindingLinkRow = Selectable<FindingLinkTable>;

export interface PccResponseTable {
  id: Generated<number>;
  inspection_id: number;
  introduction: string;
  published_at: string | null;
  created_at: string;
  updated_at: string;
  /** Bumped by every save: a form opened at an older version cannot overwrite a newer save. */
  version: Generated<number>;
}
export type PccResponseRow = Selectable<PccResponseTable>;

export interface PccResponseItemTable {
  id: Generated<number>;
  response_id: number;
  finding_id: number;
  action: string;
}
export type PccResponseItemRow = Selectable<PccResponseItemTable>;
