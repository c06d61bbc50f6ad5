import type { Generated, Insertable, Selectable } from "kysely";

export const meetingStatuses = [
  "planned",
  "agenda-published",
  "held",
  "notes-drafted",
  "notes-approved",
  "published",
  "cancelled",
  "postponed",
] as const;
export type MeetingStatus = (typeof meetingStatuses)[number];

export const meetingKinds = ["performance", "thematic", "governance"] as const;
export type MeetingKind = (typeof meetingKinds)[number];

export const attendanceKinds = ["present", "apologies", "guest", "observer", "minute-taker"] as const;
export type AttendanceKind = (typeof attendanceKinds)[number];

export const paperKinds = ["paper", "presentation", "action-tracker-update"] as const;
export type PaperKind = (typeof paperKinds)[number];

export const assuranceLevels = [
  "assured",
  "partially-assured",
  "not-assured",
  "further-information-requested",
] as const;
export type AssuranceLevel = (typeof assuranceLevels)[number];

export const decisionOutcomes = [
  "approved",
  "approved-subject-to",
  "supported-in-principle",
  "not-supported",
  "deferred",
] as const;
export type DecisionOutcome = (typeof decisionOutcomes)[number];

export const itemLinkTargets = ["measure", "finding", "action"] as const;
export type ItemLinkTarget = (typeof itemLinkTargets)[number];

export interface MeetingTables {
  role_titles: RoleTitleTable;
  people: PersonTable;
  person_roles: PersonRoleTable;
  meeting_types: MeetingTypeTable;
  meeting_type_items: MeetingTypeItemTable;
  meetings: MeetingTable;
  meeting_attendees: MeetingAttendeeTable;
  meeting_items: MeetingItemTable;
  meeting_item_links: MeetingItemLinkTable;
  paper_requests: PaperRequestTable;
  papers: PaperTable;
  lines_of_enquiry: LineOfEnquiryTable;
  decisions: DecisionTable;
}

export interface RoleTitleTable {
  id: Generated<number>;
  abbreviation: string;
  title: string;
  organisation: string;
}

export interface PersonTable {
  id: Generated<number>;
  name: string;
  user_id: number | null;
  created_at: string;
  updated_at: string;
}
export type PersonRow = Selectable<PersonTable>;

export interface PersonRoleTable {
  id: Generated<number>;
  person_id: number;
  abbreviation: string;
  title: string;
  organisation: string;
  starts_on: string;
  ends_on: string | null;
  created_at: string;
}
export type PersonRoleRow = Selectable<PersonRoleTable>;

export interface MeetingTypeTable {
  id: Generated<number>;
  key: string;
  name: string;
  kind: MeetingKind;
  cadence: string | null;
  description: string;
  created_at: string;
  updated_at: string;
}
export type MeetingTypeRow = Selectable<MeetingTypeTable>;

export interface MeetingTypeItemTable {
  id: Generated<number>;
  meeting_type_id: number;
  number: number;
  title: string;
  lead: string | null;
  /** JSON array of strings: the standing focus bullets. */
  focus_json: string;
}
export type MeetingTypeItemRow = Selectable<MeetingTypeItemTable>;

export interface MeetingTable {
  id: Generated<number>;
  meeting_type_id: number;
  title: string;
  period_label: string | null;
  theme: string | null;
  terms_of_reference: string | null;
  date: string;
  start_time: string | null;
  end_time: string | null;
  venue: string | null;
  chair_person_id: number | null;
  status: MeetingStatus;
  next_meeting_id: number | null;
  /** JSON of the next meeting as the notes confirm it: { type, date, startTime, endTime, venue }. */
  next_meeting_json: string | null;
  attribution: string | null;
  published_at: string | null;
  created_at: string;
  updated_at: string;
}
export type MeetingRow = Selectable<MeetingTable>;
export type NewMeetingRow = Insertable<MeetingTable>;

export interface MeetingAttendeeTable {
  id: Generated<number>;
  meeting_id: number;
  person_id: number;
  kind: AttendanceKind;
  role_text: string | null;
  abbreviation: string | null;
  position: number;
}

export interface MeetingItemTable {
  id: Generated<number>;
  meeting_id: number;
  number: number;
  title: string;
  lead: string | null;
  /** JSON array of { level, text }: the nested focus bullets. */
  focus_json: string;
  ref: string | null;
  purpose: string | null;
  notes_markdown: Generated<string>;
  restricted: Generated<number>;
  /** Bumped by every save, so a form opened before someone else's save cannot overwrite it. */
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}
export type MeetingItemRow = Selectable<MeetingItemTable>;

export interface MeetingItemLinkTable {
  id: Generated<number>;
  meeting_item_id: number;
  target_type: ItemLinkTarget;
  target_ref: string;
}

export interface PaperRequestTable {
  id: Generated<number>;
  meeting_item_id: number;
  kind: PaperKind;
  description: string;
  provider: string;
  /** Local date-time "YYYY-MM-DDTHH:MM". */
  deadline: string;
  restricted: number;
  created_at: string;
  updated_at: string;
}
export type PaperRequestRow = Selectable<PaperRequestTable>;

export interface PaperTable {
  id: Generated<number>;
  paper_request_id: number;
  original_name: string;
  stored_name: string;
  media_type: string;
  size_bytes: number;
  uploaded_by: number | null;
  uploaded_at: string;
}
export type PaperRow = Selectable<PaperTable>;

export interface LineOfEnquiryTable {
  id: Generated<number>;
  meeting_item_id: number;
  asked_by: string;
  question: string;
  response: string;
  assurance: AssuranceLevel;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}
export type LineOfEnquiryRow = Selectable<LineOfEnquiryTable>;

export interface DecisionTable {
  id: Generated<number>;
  meeting_item_id: number;
  ref: string;
  purpose: string;
  outcome: DecisionOutcome;
  amount_pence: number | null;
  conditions: string;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}
export type DecisionRow = Selectable<DecisionTable>;
